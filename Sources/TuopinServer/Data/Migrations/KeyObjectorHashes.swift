import Fluent
import SQLKit

/// Issue #22 (Low): an objector's address was kept as its unsalted SHA-256, which a table of the
/// IPv4 space reverses in minutes. New objections keep a keyed hash (HMAC under the data key, see
/// `NoticeService.file`); the old hashes are replaced by a value that names no address, which
/// only forgets, once, the last hour's count of objections per address.
struct KeyObjectorHashes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.sqlDatabase.raw("UPDATE objections SET client_hash = 'unkeyed'").run()
    }
    func revert(on db: any Database) async throws {}
}

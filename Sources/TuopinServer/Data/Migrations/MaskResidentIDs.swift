import Fluent
import SQLKit

/// Issue #22, C1: the mask `540102********0016` hid only the eight birth-date digits, and the
/// birth date was stored and shown in clear beside it, so every number could be rebuilt without
/// the key. Masks keep the region code and the check character only (`540102***********6`), and
/// the birth date is no longer stored: it is read from the encrypted number when needed.
struct MaskResidentIDs: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db.sqlDatabase
        try await sql.raw(
            "UPDATE members SET id_masked = substr(id_masked, 1, 6) || '***********' || substr(id_masked, 18, 1) "
                + "WHERE length(id_masked) = 18"
        ).run()
        try await sql.raw("ALTER TABLE members DROP COLUMN birth_date").run()
    }
    func revert(on db: any Database) async throws {
        try await db.sqlDatabase.raw("ALTER TABLE members ADD COLUMN birth_date TEXT NOT NULL DEFAULT ''").run()
    }
}

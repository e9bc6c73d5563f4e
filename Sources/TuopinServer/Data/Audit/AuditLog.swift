import Fluent
import Foundation
import SQLKit
import TuopinCore

/// Appends to the audit chain inside the caller's transaction (DESIGN.md, Audit).
enum AuditLog {
    static let sha256: AuditChain.Hasher = { Hashing.sha256Hex($0) }

    /// The entries appended by the write transaction in progress (`Application.write` reports them
    /// to the metrics once it commits).
    @TaskLocal static var tally: AuditTally?

    /// Who acted: a user id, or `system` for start-up and demo work.
    struct Actor: Sendable { let id: String; static let system = Actor(id: "system") }

    static func append(
        on txAccess: DataAccess, actor: Actor, action: String, entity: String, entityID: String,
        before: (any Encodable)? = nil, after: (any Encodable)? = nil, at now: Date
    ) async throws {
        let pending = try Pending(action: action, entity: entity, entityID: entityID, before: before, after: after)
        try await appendBatch(on: txAccess, [Queued(actor: actor, pending: pending, at: now)])
    }

    struct Pending: Sendable {
        let action: String, entity: String, entityID: String, before: String, after: String
        init(
            action: String, entity: String, entityID: String, before: (any Encodable)? = nil,
            after: (any Encodable)? = nil
        ) throws {
            self.action = action; self.entity = entity; self.entityID = entityID
            self.before = try AuditLog.canonicalJSON(before); self.after = try AuditLog.canonicalJSON(after)
        }
    }

    /// Appends many entries with one read of the chain head and multi-row inserts (imports).
    static func appendAll(on txAccess: DataAccess, actor: Actor, entries: [Pending], at now: Date) async throws {
        try await appendBatch(on: txAccess, entries.map { Queued(actor: actor, pending: $0, at: now) })
    }

    /// An entry with its own actor and time, as the group commit of audited reads hands them over.
    struct Queued: Sendable { let actor: Actor; let pending: Pending; let at: Date }

    /// Appends entries in the order given, each chained to the one before, with one read of the chain head and
    /// multi-row inserts.
    static func appendBatch(on txAccess: DataAccess, _ entries: [Queued]) async throws {
        let tx = txAccess.db
        guard !entries.isEmpty else { return }
        tally?.add(entries.count)
        let sql = tx.sqlDatabase
        if tx.isPostgres { try await sql.raw("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE").run() }
        struct Last: Decodable { let id: Int64; let hash: String }
        let last = try await sql.select().columns("id", "hash").from("audit_log")
            .orderBy("id", .descending).limit(1).first(decoding: Last.self)
        var previous = last?.hash ?? AuditChain.genesisHash
        var seq = last?.id ?? 0
        let rows: [[any Encodable & Sendable]] = entries.map { q in
            seq += 1
            let p = q.pending
            var entry = AuditEntry(
                seq: seq, at: timestamp(q.at), userID: q.actor.id, action: p.action, entity: p.entity,
                entityID: p.entityID, before: p.before, after: p.after)
            entry.hash = AuditChain.hash(of: entry, previous: previous, using: sha256)
            previous = entry.hash
            return [
                entry.seq, entry.at, entry.userID, entry.action, entry.entity, entry.entityID, entry.before,
                entry.after, entry.hash,
            ]
        }
        try await sql.bulkInsert(
            into: "audit_log",
            columns: ["id", "at", "user_id", "action", "entity", "entity_id", "before", "after", "hash"],
            rows: rows)
    }

    /// UTC with milliseconds; sorts as text.
    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    static func canonicalJSON(_ value: (any Encodable)?) throws -> String {
        guard let value else { return "" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Walks the whole chain in id order, in pages, and reports the first break.
enum AuditVerifier {
    struct Result: Sendable { let checked: Int; let firstBreak: AuditChain.Break? }

    static func verify(on dbAccess: DataAccess, pageSize: Int = 5_000) async throws -> Result {
        let db = dbAccess.db
        struct Row: Decodable {
            let id: Int64, at: String, user_id: String, action: String, entity: String
            let entity_id: String, before: String, after: String, hash: String
        }
        var verifier = AuditChain.Verifier(sha256: AuditLog.sha256)
        var after: Int64 = 0
        while true {
            let rows = try await db.sqlDatabase.select().column("*").from("audit_log")
                .where("id", .greaterThan, SQLBind(after)).orderBy("id").limit(pageSize).all(decoding: Row.self)
            for r in rows {
                let entry = AuditEntry(
                    seq: r.id, at: r.at, userID: r.user_id, action: r.action, entity: r.entity,
                    entityID: r.entity_id, before: r.before, after: r.after, hash: r.hash)
                if let broken = verifier.feed(entry) { return Result(checked: verifier.count, firstBreak: broken) }
            }
            guard let last = rows.last, rows.count == pageSize else { break }
            after = last.id
        }
        return Result(checked: verifier.count, firstBreak: nil)
    }
}

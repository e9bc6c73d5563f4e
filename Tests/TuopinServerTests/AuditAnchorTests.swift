import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// The chain's head kept outside the database catches what the chain alone cannot: a chain
/// rebuilt with every hash recomputed, and entries cut off its end.
@Suite struct AuditAnchorTests {
    struct Row: Decodable {
        let id: Int64; let at: String; let user_id: String; let action: String; let entity: String
        let entity_id: String; let before: String; let after: String; let hash: String
    }

    func dropGuards(_ app: Application) async throws {
        let sql = app.db.sqlDatabase
        if app.db.isPostgres {
            try await sql.raw("DROP TRIGGER audit_log_no_update ON audit_log").run()
        } else {
            try await sql.raw("DROP TRIGGER audit_log_no_update").run()
            try await sql.raw("DROP TRIGGER audit_log_no_delete").run()
        }
    }

    @Test func aRebuiltChainVerifiesAloneButNotAgainstItsAnchors() async throws {
        try await withTestApp(households: 0) { app in
            let file = app.tuopin.settings.dataDirectory.appendingPathComponent("audit-anchor.log")
            let head = try #require(try await AuditAnchor.write(app: app))
            #expect(try await AuditAnchor.write(app: app) == head)  // same head: no second line
            #expect(try AuditAnchor.read(file) == [head])
            try await AuditAnchor.check(on: app.systemData, anchors: AuditAnchor.read(file))
            // Someone with database access changes entry 3 and recomputes every hash after it.
            try await dropGuards(app)
            let sql = app.db.sqlDatabase
            let rows = try await sql.select().column("*").from("audit_log").orderBy("id").all(decoding: Row.self)
            var previous = rows[1].hash
            for r in rows.dropFirst(2) {
                let after = r.id == 3 ? #"{"forged":true}"# : r.after
                let entry = AuditEntry(
                    seq: r.id, at: r.at, userID: r.user_id, action: r.action, entity: r.entity,
                    entityID: r.entity_id, before: r.before, after: after)
                let hash = AuditChain.hash(of: entry, previous: previous, using: AuditLog.sha256)
                try await sql.update("audit_log").set("after", to: SQLBind(after)).set("hash", to: SQLBind(hash))
                    .where("id", .equal, SQLBind(r.id)).run()
                previous = hash
            }
            #expect(try await AuditVerifier.verify(on: app.systemData).firstBreak == nil)  // the chain alone is fooled
            await #expect(throws: AuditAnchor.Mismatch.self) {
                try await AuditAnchor.check(on: app.systemData, anchors: AuditAnchor.read(file))
            }
        }
    }

    @Test func entriesCutOffTheEndAreDetected() async throws {
        try await withTestApp(households: 0) { app in
            let file = app.tuopin.settings.dataDirectory.appendingPathComponent("audit-anchor.log")
            try await AuditAnchor.write(app: app)
            try await dropGuards(app)
            let head = try await AuditAnchor.head(on: app.systemData)!
            try await app.db.sqlDatabase.delete(from: "audit_log").where("id", .greaterThan, SQLBind(head.id - 2)).run()
            #expect(try await AuditVerifier.verify(on: app.systemData).firstBreak == nil)
            do {
                try await AuditAnchor.check(on: app.systemData, anchors: AuditAnchor.read(file))
                Issue.record("a cut chain passed its anchors")
            } catch let mismatch as AuditAnchor.Mismatch {
                #expect(mismatch.found == nil && mismatch.description.contains("missing"))
            }
        }
    }

    /// Issue #22: while serving, an anchor is written after 500 new entries (not only hourly), so a
    /// chain cut after its last anchor loses at most that many entries unnoticed.
    @Test func anAnchorIsDueEveryFiveHundredEntriesOrHourly() {
        let n = AuditAnchorLifecycle.everyEntries
        #expect(n == 500)
        #expect(!AuditAnchorLifecycle.isDue(head: 1_000 + n - 1, anchored: 1_000, elapsed: .seconds(3_599)))
        #expect(AuditAnchorLifecycle.isDue(head: 1_000 + n, anchored: 1_000, elapsed: .seconds(0)))
        #expect(AuditAnchorLifecycle.isDue(head: 1_000 + n + 1, anchored: 1_000, elapsed: .seconds(0)))
        #expect(AuditAnchorLifecycle.isDue(head: 1_001, anchored: 1_000, elapsed: .seconds(3_600)))
        #expect(!AuditAnchorLifecycle.isDue(head: 1_000, anchored: 1_000, elapsed: .seconds(7_200)))
    }
}

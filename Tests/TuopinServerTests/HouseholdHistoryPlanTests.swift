import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import TuopinServer

/// A household read all day gathers thousands of read entries in the audit log; its change history
/// leaves them out through the index of changes (issue #27), not by stepping over each of them.
@Suite struct HouseholdHistoryPlanTests {
    @Test func theHistoryOfAMuchReadHouseholdUsesTheIndexOfChanges() async throws {
        try await withTestApp { app in
            // Every household read ten times (the statistics see the average), one of them changed once.
            let ids = try await Household.query(on: app.db).sort(\.$id).all().map { try $0.requireID() }
            let id = try #require(ids.first)
            var entries = try ids.flatMap { h in
                try (0..<10).map { _ in
                    try AuditLog.Pending(action: "household.read", entity: "household", entityID: String(h))
                }
            }
            entries.append(
                try AuditLog.Pending(
                    action: "household.update", entity: "household", entityID: String(id), after: ["address": "x"]))
            try await app.write { [entries] tx in
                try await AuditLog.appendAll(on: tx, actor: .system, entries: entries, at: app.tuopin.now())
            }
            let history = try await HouseholdHistory.entries(on: app.systemData, householdID: id)
            #expect(history.map(\.action) == ["household.update"])
            guard !app.db.isPostgres else { return }  // PostgreSQL plans with its own statistics
            let sql = app.db.sqlDatabase
            let text = sql.serialize(HouseholdHistory.select(on: sql, householdID: id, limit: 50).select).sql
            struct Step: Decodable { let detail: String }
            let plan = try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: text)").all(decoding: Step.self)
            #expect(plan.map(\.detail).joined().contains("USING INDEX idx_audit_entity_changes"), "\(plan)")
        }
    }
}

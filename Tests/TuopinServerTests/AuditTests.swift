import Fluent
import SQLKit
import Testing
import VaporTesting
@testable import TuopinServer

@Suite struct AuditTests {
    @Test func demoDataLeavesAnIntactChain() async throws {
        try await withTestApp { app in
            _ = try await app.token("clerk1")
            // small pages cross page edges
            let result = try await AuditVerifier.verify(on: app.systemData, pageSize: 7)
            #expect(result.firstBreak == nil)
            #expect(result.checked == (try await app.auditCount()))
            #expect(result.checked > 30)
        }
    }

    @Test func triggersRefuseUpdateAndDelete() async throws {
        try await withTestApp { app in
            let sql = app.db.sqlDatabase
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_log SET action = 'x' WHERE id = 1").run()
            }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_log WHERE id = 1").run() }
            let action = try await sql.select().column("action").from("audit_log").where("id", .equal, 1)
                .first(decodingColumn: "action", as: String.self)
            #expect(action == "org_tree.load")
        }
    }

    @Test func verifyNamesTheFirstTamperedRow() async throws {
        try await withTestApp { app in
            let sql = app.db.sqlDatabase
            // Someone with database access drops the triggers and edits row 5.
            if app.db.isPostgres {
                try await sql.raw("DROP TRIGGER audit_log_no_update ON audit_log").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_log_no_update").run()
            }
            try await sql.raw("UPDATE audit_log SET after = '{\"households\":0}' WHERE id = 5").run()
            let result = try await AuditVerifier.verify(on: app.systemData)
            #expect(result.firstBreak?.seq == 5)
            #expect(result.checked == 4)
        }
    }

    @Test func everyLoginIsInTheChainWithItsUser() async throws {
        try await withTestApp { app in
            _ = try await app.token("lasa")
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "lasa").first())
            let rows = try await app.db.sqlDatabase.select().columns("user_id", "entity_id").from("audit_log")
                .where("action", .equal, "auth.token").all()
            #expect(rows.count == 1)
            #expect(try rows.first?.decode(column: "user_id", as: String.self) == String(user.id!))
        }
    }
}

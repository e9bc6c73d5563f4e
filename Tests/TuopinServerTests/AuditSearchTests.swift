import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// The audit-log search (issue #7, item 2): an audit user finds every change a given clerk made to a
/// given household, exports the result, and the export is itself in the log; the search keeps to the
/// searcher's scope and refuses those without the permission.
@Suite struct AuditSearchTests {
    @Test func anAuditorFindsEveryChangeAClerkMadeToAHousehold() async throws {
        try await withTestApp(households: 216) { app in
            let id = try await app.householdID(inTownship: "540102001")
            let household = try #require(try await Household.find(id, on: app.db))
            // A second clerk of the same township, whose change must not be found under clerk1.
            let hash = try await AuthService.hash(demoPassword, cost: 4, app: app)
            let second = User(username: "clerk1b", displayName: "扶贫专干一乙", passwordHash: hash)
            try await second.create(on: app.db)
            try await RoleBindingRecord(userID: second.requireID(), role: Role.clerk, unitCode: "540102001").create(
                on: app.db)
            let clerkToken = try await app.token("clerk1"), otherToken = try await app.token("clerk1b")
            func patch(_ token: String, _ address: String) async throws {
                let version = try await Household.find(id, on: app.db)!.version
                let (s, b) = try await app.api(
                    .PATCH, "/api/v1/households/\(id)", token: token,
                    json: #"{"version": \#(version), "address": "\#(address)"}"#)
                #expect(s == .ok, "\(b)")
            }
            try await patch(clerkToken, "一组")
            try await patch(otherToken, "二组")
            try await patch(clerkToken, "三组")
            #expect(try await app.api(.GET, "/api/v1/households/\(id)", token: clerkToken).0 == .ok)
            let clerk = try #require(try await User.query(on: app.db).filter(\.$username == "clerk1").first())
            struct Row: Decodable { let id: Int64 }
            let expected = try await app.db.sqlDatabase.select().column("id").from("audit_log")
                .where("user_id", .equal, SQLBind(String(clerk.id!))).where("entity", .equal, SQLBind("household"))
                .where("entity_id", .equal, SQLBind(String(id))).where("action", .notLike, SQLBind("%.read"))
                .orderBy("id", .descending).all(decoding: Row.self).map(\.id)
            #expect(expected.count == 2)

            let auditor = try await app.session("auditor")
            let number = household.number.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let query = "user=clerk1&household=\(number)&changes=1"
            var (status, page) = try await app.get("/audit?" + query, auditor.0)
            #expect(status == .ok)
            let shown = page.matches(of: /id="entry-(\d+)"/).map { Int64($0.1)! }
            #expect(shown == expected)
            #expect(page.contains("nav-audit"))
            // In words: the action, the household by its number, and the changed field with both values.
            #expect(page.contains(">修改户信息<") && page.contains(household.number))
            #expect(page.contains("<del>二组</del> → 三组"))
            // Without "changes only" the read is there too.
            (status, page) = try await app.get("/audit?user=clerk1&entity=household&entity_id=\(id)", auditor.0)
            #expect(page.matches(of: /id="entry-(\d+)"/).count == 3 && page.contains("household.read"))

            // The export holds the same entries and is itself logged, with its filter.
            let before = try await app.auditCount()
            var body: String
            (status, body) = try await app.get("/audit/export?" + query + "&format=csv", auditor.0)
            #expect(status == .ok)
            let lines = body.split(separator: "\r\n")
            #expect(
                lines.count == 3
                    && lines.dropFirst().map { Int64($0.split(separator: ",")[0].filter(\.isNumber))! } == expected)
            #expect(try await app.auditCount() == before + 1)
            let last = try await app.db.sqlDatabase.select().columns("action", "after").from("audit_log").orderBy(
                "id", .descending
            ).limit(1)
                .first(decoding: [String: String].self)
            #expect(last?["action"] == "export.audit" && (last?["after"] ?? "").contains("clerk1"))
            (status, page) = try await app.get("/audit?entity=search&action=export.audit", auditor.0)
            #expect(page.matches(of: /id="entry-(\d+)"/).count == 1)
            // Each search is an entry too, with its filter.
            (status, page) = try await app.get("/audit?action=audit.search&user=auditor", auditor.0)
            #expect(page.matches(of: /id="entry-(\d+)"/).count == 3 && page.contains("household="))

            // Bad input is named and finds nothing; the chain verifies on request.
            (status, page) = try await app.get("/audit?from=2026-13-01", auditor.0)
            #expect(status == .ok && page.contains("form-error") && !page.contains("id=\"entry-"))
            (status, page) = try await app.get("/audit?verify=1", auditor.0)
            #expect(page.contains("audit-verification") && page.contains("日志链完整"))

            // A clerk may not search; a county's discipline commission sees only its county.
            #expect(try await app.get("/audit?user=clerk1", try await app.session("clerk1").0).0 == .forbidden)
            #expect(try await app.get("/audit/export?user=clerk1", try await app.session("clerk1").0).0 == .forbidden)
            let other = User(username: "discipline540103", displayName: "达孜区纪委", passwordHash: hash)
            try await other.create(on: app.db)
            try await RoleBindingRecord(userID: other.requireID(), role: Role.discipline, unitCode: "540103").create(
                on: app.db)
            let county = try await app.session("discipline540103")
            (status, page) = try await app.get("/audit?" + query, county.0)
            #expect(status == .ok && page.contains("audit-none"))
            (status, page) = try await app.get("/audit?unit=540103", county.0)
            #expect(page.matches(of: /id="entry-(\d+)"/).count > 0)
            (status, page) = try await app.get("/audit?unit=540102", county.0)
            #expect(page.contains("audit-none"))
        }
    }
}

import Fluent
import SQLKit
import Testing
import TuopinCore
import VaporTesting

@testable import TuopinServer

/// The local-practice numbers on the Standards page: region HQ changes one within its bounds (a value
/// outside them is refused beside its field and changes nothing), the change is audited, and the
/// rules and forms that read it follow.
@Suite(.serialized) struct LocalPracticeHTTPTests {
    @Test func regionHQSetsAPracticeAndTheRulesFollow() async throws {
        try await withTestApp(households: 216) { app in
            let region = try await app.session("region")
            let page = try await app.get("/standards", region.0).1
            #expect(page.contains("id=\"practice-letter_due\"") && page.contains("04-01"))
            #expect(page.contains("地方实践") && page.contains("国家扶贫小额信贷政策"))
            // A county office may read them, not change them.
            let county = try await app.session("chengguan")
            #expect(try await app.get("/standards", county.0).1.contains("id=\"practice-disclosure_days\""))
            #expect(
                try await app.postForm("/local-practices/disclosure_days", county, [("disclosure_days", "20")]).0
                    == .forbidden)
            // Out of bounds (61 days is not "prompt"; 30 February is no day): refused beside the field, nothing kept.
            let refused = try await app.postForm(
                "/local-practices/disclosure_days", region, [("disclosure_days", "61"), ("version", "0")])
            #expect(refused.0 == .badRequest && refused.1.contains("data-refused-field=\"disclosure_days\""))
            #expect(
                try await app.postForm(
                    "/local-practices/letter_due", region, [("letter_due", "02-30"), ("version", "0")]
                )
                .0 == .badRequest)
            #expect(try await LocalPracticeRecord.query(on: app.db).count() == 0)
            // Region HQ lowers the spot-check share to 5%: the county may now draw 5%, not 4%.
            #expect(
                try await app.postForm(
                    "/local-practices/spot_check_percent", region, [("spot_check_percent", "5"), ("version", "0")]
                ).0 == .seeOther)
            #expect(try await LocalPracticeService.load(on: app.systemData)[.spotCheckPercent] == 5)
            #expect(try await app.get("/spot-checks", county.0).1.contains("min=\"5\""))
            struct Entry: Decodable { let entity_id: String }
            let audit = try await app.db.sqlDatabase.select().column("entity_id").from("audit_log")
                .where("action", .equal, "local_practice.set").all(decoding: Entry.self)
            #expect(audit.map(\.entity_id) == ["spot_check_percent"])
            // A stale form is refused.
            #expect(
                try await app.postForm(
                    "/local-practices/spot_check_percent", region, [("spot_check_percent", "7"), ("version", "0")]
                ).0 == .conflict)
            // The API lists every number with its bounds; a loan above the practice's amount is refused.
            let api = try await APIClient.login(app, "region")
            let list = try await api.call(.GET, "/api/v1/local-practices").array
            #expect(list.count == LocalPractice.Key.allCases.count)
            #expect(
                try await api.call(.PUT, "/api/v1/local-practices/loan_max_yuan", ["value": "30000", "version": 0])
                    .status == .ok)
            #expect(try await LocalPracticeService.load(on: app.systemData)[.loanMaxYuan] == 30_000)
        }
    }

    /// R-33-2 is raised at the region naming the giver whose aid fell, and no longer on the unit that received it.
    @Test func partnerAidGrowthIsRaisedOnTheGiver() async throws {
        try await withTestApp(households: 216) { app in
            _ = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
            let open = try await ViolationRecord.query(on: app.db).filter(\.$rule == "R-33-2").filter(
                \.$resolvedAt == nil
            ).all()
            #expect(!open.isEmpty)
            for v in open {
                #expect(v.unitCode == "54" && v.subject.hasPrefix("aid:"), "\(v.subject)")
            }
        }
    }
}

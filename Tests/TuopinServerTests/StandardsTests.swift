import Fluent
import Foundation
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

@Suite struct StandardsTests {
    func body(_ fields: [String: Any]) -> ByteBuffer { ByteBuffer(data: try! jsonBody(fields)) }
    let year2020: [String: Any] = [
        "version": 1, "poverty_line": "4000", "dibao_line": "3800", "notice_min_days": "7",
        "village_incidence_pct": "3", "county_incidence_pct": "3", "wrong_exit_pct": "2",
        "missed_pct": "2", "recognition_pct": "90",
    ]

    @Test func defaultsAreSeededAndOnlyRegionHQChangesThemAudited() async throws {
        try await withTestApp(households: 0) { app in
            let clerk = try await app.token("clerk1")
            try await app.testing().test(.GET, "/api/v1/standards", headers: ["Authorization": "Bearer \(clerk)"]) {
                res in
                let rows = try res.content.decode([StandardsController.Row].self)
                #expect(rows.map(\.year) == Array(2014...2020))
                // The demo lowers 2014's 低保 line (before 两线合一) so that R-06-1 has something to show.
                #expect(rows.last?.poverty_line == "4000.00" && rows.dropFirst().allSatisfy(\.is_default))
                #expect(rows.first.map { !$0.is_default && !$0.meets_r06_1 } == true)
            }
            try await app.testing().test(
                .PUT, "/api/v1/standards/2020",
                headers: ["Authorization": "Bearer \(clerk)", "Content-Type": "application/json"],
                body: body(year2020)
            ) { res in #expect(res.status == .forbidden) }
            let region = try await app.token("region")
            let headers: HTTPHeaders = ["Authorization": "Bearer \(region)", "Content-Type": "application/json"]
            try await app.testing().test(.PUT, "/api/v1/standards/2020", headers: headers, body: body(year2020)) {
                res in
                #expect(res.status == .ok)
                let row = try res.content.decode(StandardsController.Row.self)
                #expect(row.dibao_line == "3800.00" && !row.meets_r06_1 && row.version == 2 && !row.is_default)
            }
            // Stale version, and a threshold over 100%.
            try await app.testing().test(.PUT, "/api/v1/standards/2020", headers: headers, body: body(year2020)) {
                res in #expect(res.status == .conflict)
            }
            var bad = year2020; bad["version"] = 2; bad["recognition_pct"] = "120"
            try await app.testing().test(.PUT, "/api/v1/standards/2020", headers: headers, body: body(bad)) { res in
                #expect(res.status == .badRequest && res.body.string.contains("recognition"))
            }
            // The page shows R-06-1 broken for 2020.
            let (page, _) = try await app.session("region")
            try await app.testing().test(.GET, "/standards", headers: page) { res in
                #expect(res.body.string.contains("低保标准低于扶贫标准"))
            }
            let audit = try await app.db.sqlDatabase.select().column("action").from("audit_log").where(
                "entity", .equal, "standard"
            )
            .where("entity_id", .equal, "2020").all(decodingColumn: "action", as: String.self)
            #expect(audit == ["standard.set"])
        }
    }

    @Test func qualityChecksUseTheStoredPovertyLine() async throws {
        try await withTestApp { app in
            // Raise 2020's line far above every demo income: exited households now show Q-EXIT-INCOME.
            let before = try await QualityService.checkAll(app: app, unit: nil).findings[.exitIncome] ?? 0
            try await StandardRecord.query(on: app.db).filter(\.$id == 2020).set(\.$povertyLine, to: 50_000_000)
                .update()
            let after = try await QualityService.checkAll(app: app, unit: nil).findings[.exitIncome] ?? 0
            #expect(after > before)
        }
    }

    /// Region HQ adds a year on the standards page, prefilled from the year before (issue #24); the
    /// page says when this year's standards are missing; a clerk may not add; a year already there
    /// is not overwritten by an add; a year that is not a number is refused beside nothing written.
    @Test func regionAddsAYearOnThePage() async throws {
        try await withTestApp(households: 0) { app in
            let region = try await app.session("region"), clerk = try await app.session("clerk1")
            let page = try await app.get("/standards", region.0).1
            #expect(page.contains(#"id="standards-missing""#) && page.contains(#"id="standard-add-form""#))
            #expect(
                page.contains(#"name="year" value="2021""#) && page.contains(#"name="poverty_line" value="4000.00""#))
            let fields: [(String, String)] = [
                ("version", "0"), ("poverty_line", "4200"), ("dibao_line", "4200"), ("notice_min_days", "7"),
                ("village_incidence_pct", "3"), ("county_incidence_pct", "3"), ("wrong_exit_pct", "2"),
                ("missed_pct", "2"), ("recognition_pct", "90"),
            ]
            #expect(try await app.postForm("/standards", clerk, fields + [("year", "2021")]).0 == .forbidden)
            let bad = try await app.postForm("/standards", region, fields + [("year", "二〇二一")])
            #expect(bad.0 == .badRequest && bad.1.contains(#"id="standards-error""#))
            #expect(try await StandardRecord.find(2021, on: app.db) == nil)
            let added = try await app.postForm("/standards", region, fields + [("year", "2021")])
            #expect(added.0 == .seeOther && added.2 == "/standards#standard-2021")
            let saved = try #require(try await StandardRecord.find(2021, on: app.db))
            #expect(saved.standard.povertyLine == Money(fen: 420_000) && saved.version == 1)
            let again = try await app.postForm("/standards", region, fields + [("year", "2021")])
            #expect(again.0 == .conflict)
            #expect(try await StandardRecord.find(2021, on: app.db)!.version == 1)
        }
    }

    /// The household's income chart says which years have no standard (no poverty line drawn, none marked
    /// below it) and stops saying so once region HQ adds the year (issue #24 item 3).
    @Test func theIncomeChartNamesTheYearsWithoutAStandard() async throws {
        try await withTestApp { app in
            let clerk = try await APIClient.login(app, "clerk1")
            let hh = try await app.householdID(inTownship: "540102001")
            let version = try #require(try await Household.find(hh, on: app.db)).version
            let r = try await clerk.call(
                .PUT, "/api/v1/households/\(hh)/incomes/2021",
                [
                    "wage": "500", "business": "0", "property": "0", "transfer": "0", "costs": "0",
                    "version": version,
                ])
            #expect(r.status == .ok || r.status == .noContent, "\(r.text)")
            let session = try await app.session("clerk1")
            var page = try await app.get("/households/\(hh)", session.0).1
            #expect(page.contains(#"id="chart-standard-missing""#) && page.contains("2021"))
            // 2020 has its standard: it is not named.
            #expect(!page.contains("：2020") && !page.contains("2020、2021"))
            let fields: [(String, String)] = [
                ("version", "0"), ("year", "2021"), ("poverty_line", "4200"), ("dibao_line", "4200"),
                ("notice_min_days", "7"), ("village_incidence_pct", "3"), ("county_incidence_pct", "3"),
                ("wrong_exit_pct", "2"), ("missed_pct", "2"), ("recognition_pct", "90"),
            ]
            #expect(try await app.postForm("/standards", try await app.session("region"), fields).0 == .seeOther)
            page = try await app.get("/households/\(hh)", session.0).1
            #expect(!page.contains(#"id="chart-standard-missing""#) && page.contains("poverty-line"))
        }
    }
}

import Fluent
import Foundation
import Testing
import TuopinCore
import VaporTesting

@testable import TuopinServer

/// The yearly monitoring standards (issue #26): the first year shipped at the guidance's floor, changed and
/// added only by region HQ, versioned, audited; a bad figure changes nothing.
@Suite struct MonitoringStandardsTests {
    let fields: [(String, String)] = [
        ("income_line", "6500"), ("medical_threshold", "12000"), ("education_threshold", "8000"),
        ("loss_threshold", "20000"),
    ]

    @Test func theFirstYearIsShippedAndOnlyRegionHQChangesItAudited() async throws {
        try await withTestApp(households: 0) { app in
            let clerk = try await app.token("clerk1")
            let list = try await app.api(.GET, "/api/v1/monitoring-standards", token: clerk)
            let rows = try JSONDecoder().decode([MonitoringStandardsController.Row].self, from: Data(list.1.utf8))
            #expect(rows.map(\.year) == [2021])
            #expect(rows.first?.income_line == "6000.00" && rows.first?.medical_threshold == "10000.00")
            #expect(rows.first?.is_default == true)
            var json: [String: Any] = Dictionary(uniqueKeysWithValues: fields.map { ($0.0, $0.1 as Any) })
            json["version"] = 1
            func put(_ year: Int, _ token: String, _ body: [String: Any]) async throws -> HTTPResponseStatus {
                let text = String(decoding: try jsonBody(body), as: UTF8.self)
                return try await app.api(.PUT, "/api/v1/monitoring-standards/\(year)", token: token, json: text).0
            }
            #expect(try await put(2021, clerk, json) == .forbidden)
            let region = try await app.token("region")
            #expect(try await put(2021, region, json) == .ok)
            let saved = try #require(try await MonitoringStandardRecord.find(2021, on: app.db))
            #expect(saved.standard.incomeLine == Money(yuan: 6_500) && saved.version == 2 && !saved.isDefault)
            // A stale version; a zero line; a year before the mechanism: refused, nothing changed.
            #expect(try await put(2021, region, json) == .conflict)
            var zero = json
            zero["version"] = 2
            zero["income_line"] = "0"
            #expect(try await put(2021, region, zero) == .badRequest)
            var early = json
            early["version"] = 0
            #expect(try await put(2020, region, early) == .badRequest)
            #expect(try await MonitoringStandardRecord.find(2021, on: app.db)!.version == 2)
            #expect(try await MonitoringStandardRecord.find(2020, on: app.db) == nil)
            let audit = try await app.db.sqlDatabase.select().column("action").from("audit_log")
                .where("entity", .equal, "monitoring_standard").all(decodingColumn: "action", as: String.self)
            #expect(audit == ["monitoring_standard.set"])
        }
    }

    @Test func regionAddsAYearOnTheStandardsPage() async throws {
        try await withTestApp(households: 0) { app in
            let region = try await app.session("region"), clerk = try await app.session("clerk1")
            let page = try await app.get("/standards", region.0).1
            #expect(page.contains(#"id="monitoring-standards-missing""#))
            #expect(page.contains(#"id="monitoring-standard-add-form""#) && page.contains(#"value="2022""#))
            #expect(!(try await app.get("/standards", clerk.0).1).contains(#"id="monitoring-standard-add-form""#))
            let add = fields + [("version", "0")]
            #expect(try await app.postForm("/monitoring-standards", clerk, add + [("year", "2022")]).0 == .forbidden)
            let bad = try await app.postForm("/monitoring-standards", region, add + [("year", "2020")])
            #expect(bad.0 == .badRequest && bad.1.contains(#"id="standards-error""#))
            let typo = try await app.postForm(
                "/monitoring-standards", region, [("income_line", "六千")] + add.dropFirst() + [("year", "2022")])
            #expect(typo.0 == .badRequest && typo.1.contains("income_line"))
            #expect(try await MonitoringStandardRecord.find(2022, on: app.db) == nil)
            let added = try await app.postForm("/monitoring-standards", region, add + [("year", "2022")])
            #expect(added.0 == .seeOther && added.2 == "/standards#monitoring-standard-2022")
            #expect(
                try await MonitoringStandardRecord.find(2022, on: app.db)?.standard.lossThreshold == Money(yuan: 20_000)
            )
            let shown = try await app.get("/standards", region.0).1
            #expect(shown.contains(#"id="monitoring-standard-2022""#) && shown.contains("20000.00"))
        }
    }
}

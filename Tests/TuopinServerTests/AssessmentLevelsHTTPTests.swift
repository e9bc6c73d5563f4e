import Fluent
import Testing
import TuopinCore
import VaporTesting

@testable import TuopinServer

/// Issue #25 item 8 (articles 15, 18, 40): a county assesses its townships with its own scheme, a prefecture its
/// counties; region HQ does not run theirs; the grade reaches each township's leadership team and leading cadres.
@Suite(.serialized) struct AssessmentLevelsHTTPTests {
    @Test func aCountyAssessesItsTownships() async throws {
        try await withTestApp(households: 216) { app in
            let year = app.clock.today.year - 1
            let county = try await app.session("chengguan")
            // The list offers the county its own unit as assessor; region HQ cannot make the county's scheme.
            #expect(try await app.get("/assessments", county.0).1.contains("<option value=\"540102\">"))
            #expect(
                try await app.postForm(
                    "/assessments", try await app.session("region"),
                    [("year", String(year)), ("assessor_code", "540102")]
                ).0 == .forbidden)
            var (s, _, location) = try await app.postForm(
                "/assessments", county, [("year", String(year)), ("assessor_code", "540102")])
            #expect(s == .seeOther)
            let scheme = try #require(
                try await SchemeRecord.query(on: app.db).filter(\.$assessorCode == "540102").first())
            #expect(location == "/assessments/\(scheme.id!)")
            // Region HQ's scheme for the same year is its own, not a second of the county's.
            #expect(
                try await app.postForm("/assessments", try await app.session("region"), [("year", String(year))]).0
                    == .seeOther)
            for action in ["publish", "compute"] {
                (s, _, _) = try await app.postForm("/assessments/\(scheme.id!)/steps", county, [("action", action)])
                #expect(s == .seeOther, "\(action)")
            }
            // Exactly the county's townships are assessed.
            let units = try await AssessedUnit.query(on: app.db).filter(\.$schemeID == scheme.id!).all()
            let townships = try await OrgUnit.query(on: app.db).filter(\.$level == OrgLevel.township.rawValue)
                .filter(\.$parentCode == "540102").all().map(\.id!)
            #expect(!townships.isEmpty && Set(units.map(\.unitCode)) == Set(townships))
            #expect(units.allSatisfy { $0.level == OrgLevel.township.rawValue })
            // Region HQ may read the county's scheme but not act on it.
            #expect(
                try await app.postForm(
                    "/assessments/\(scheme.id!)/steps", try await app.session("region"), [("action", "rank")]
                ).0 == .forbidden)
            let entered = try await AssessmentValue.query(on: app.db).filter(\.$schemeID == scheme.id!).filter(
                \.$source == "entered"
            ).all()
            try await AssessmentService.enter(
                app: app, user: try await ImportExportTests().currentUser(app, "chengguan"), scheme: scheme.id!,
                inputs: entered.map {
                    .init(unit_code: $0.unitCode, indicator_id: $0.indicatorID, value_pct: "85", note: "乡镇督查")
                })
            for action in ["rank", "approve"] {
                (s, _, _) = try await app.postForm("/assessments/\(scheme.id!)/steps", county, [("action", action)])
                #expect(s == .seeOther, "\(action)")
            }
            // The township's grade reaches its leadership team, secretary and head, by name.
            let township = try await OrgUnit.find("540102001", on: app.db)!
            let leaders = try await LeaderResult.query(on: app.db).filter(\.$schemeID == scheme.id!).filter(
                \.$unitCode == "540102001"
            ).all()
            let graded = try #require(units.first { $0.unitCode == "540102001" })
            let grade = try #require(try await AssessedUnit.find(graded.id!, on: app.db)?.grade)
            #expect(
                Set(leaders.map(\.role)) == ["team", "secretary", "head"] && leaders.allSatisfy { $0.grade == grade })
            #expect(leaders.first { $0.role == "secretary" }?.cadreID == township.secretaryID)
            let clerk = try await app.session("clerk1")
            let page = try await app.get("/assessments/\(scheme.id!)/units/540102001", clerk.0)
            let secretary = try await Cadre.find(township.secretaryID!, on: app.db)!
            #expect(page.0 == .ok && page.1.contains("id=\"leaders\"") && page.1.contains(secretary.name))
            (s, _, _) = try await app.postForm(
                "/assessments/\(scheme.id!)/steps", county, [("action", "distribute"), ("document_no", "城扶领〔2026〕1号")])
            #expect(try await SchemeRecord.find(scheme.id!, on: app.db)?.state == .distributed)
        }
    }
}

import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// The annual assessment and the oversight registers through the real routes (issue #7, items 3–6).
@Suite struct AssessmentHTTPTests {
    struct Frozen: Equatable {
        let unit: String; let indicator: Int; let value: Int?; let score: Int; let n: Int64; let d: Int64
    }

    func frozen(_ app: Application, _ scheme: RowID<SchemeRecord>) async throws -> [Frozen] {
        try await AssessmentValue.query(on: app.db).filter(\.$schemeID == scheme).filter(\.$source == "computed").all()
            .map {
                Frozen(
                    unit: $0.unitCode, indicator: $0.indicatorID.rawValue, value: $0.value, score: $0.score,
                    n: $0.numerator, d: $0.denominator)
            }
            .sorted { ($0.unit, $0.indicator) < ($1.unit, $1.indicator) }
    }

    @Test func anAssessmentFromSchemeToDistributedResults() async throws {
        try await withTestApp(households: 216, assessment: true) { app in
            let year = app.clock.today.year
            let region = try await app.session("region")
            // Only region HQ creates a scheme.
            #expect(
                try await app.postForm("/assessments", try await app.session("chengguan"), [("year", String(year))]).0
                    == .forbidden)
            var (s, body, location) = try await app.postForm("/assessments", region, [("year", String(year))])
            #expect(s == .seeOther)
            let scheme = try #require(try await SchemeRecord.query(on: app.db).filter(\.$year == year).first())
            #expect(location == "/assessments/\(scheme.id!)" && scheme.state.rawValue == "draft")
            // A second scheme for the year is refused.
            (s, body, _) = try await app.postForm("/assessments", region, [("year", String(year))])
            #expect(s == .ok && body.contains("form-error"))

            // Weights must add up to 100 points.
            let indicators = try await IndicatorRecord.query(on: app.db).filter(\.$schemeID == scheme.id!).sort(
                \.$position
            ).all()
            func revision(_ first: String) -> [(String, String)] {
                indicators.enumerated().flatMap { k, r in
                    [
                        ("weight[]", k == 0 ? first : AssessmentController.fixed(r.weight)),
                        ("full[]", AssessmentController.fixed(r.fullValue)),
                        ("zero[]", AssessmentController.fixed(r.zeroValue)),
                    ]
                } + [("good", "90"), ("fair", "80"), ("pass", "60")]
            }
            (s, body, _) = try await app.postForm("/assessments/\(scheme.id!)/revision", region, revision("16"))
            #expect(s == .ok && body.contains("form-error"))
            var changed = revision("15.00")
            changed[changed.count - 4] = ("zero[]", "10.00")  // the entered indicator earns nothing below 10%
            (s, _, _) = try await app.postForm("/assessments/\(scheme.id!)/revision", region, changed)
            #expect(s == .seeOther)
            // Revised in place: the same rows, the new bound.
            let revised = try await IndicatorRecord.query(on: app.db).filter(\.$schemeID == scheme.id!).sort(
                \.$position
            ).all()
            #expect(revised.map(\.id) == indicators.map(\.id) && revised.last?.zeroValue == 1_000)

            // A survey of the county this year feeds its third-party indicators. Third-party means third-party
            // (article 7): neither the county about itself nor its prefecture records one — region HQ's evaluator does.
            let good: [(String, String)] = [
                ("year", String(year)), ("evaluator", "第三方"), ("surveyed_on", app.clock.today.description),
                ("sampled_exited", "50"), ("wrongly_exited", "1"), ("sampled_non_registered", "100"), ("missed", "2"),
                ("surveyed_households", "100"), ("approving", "93"),
            ]
            for office in ["chengguan", "lasa"] {
                let refused = try await app.postForm("/units/540102/surveys", try await app.session(office), good)
                #expect(refused.0 == .forbidden, "\(office)")
                #expect(
                    !(try await app.get("/units/540102/surveys", try await app.session(office).0).1)
                        .contains("name=\"sampled_exited\""))
            }
            #expect(try await SurveyRecord.query(on: app.db).filter(\.$year == year).count() == 0)
            // The demo's evaluator account (role evaluator, region HQ's third party).
            let third = try await app.session("evaluator"), county = try await app.session("chengguan")
            (s, body, _) = try await app.postForm(
                "/units/540102/surveys", third,
                [
                    ("year", String(year)), ("evaluator", "第三方"), ("surveyed_on", app.clock.today.description),
                    ("sampled_exited", "50"), ("wrongly_exited", "0"), ("sampled_non_registered", "10"),
                    ("missed", "11"),
                    ("surveyed_households", "100"), ("approving", "90"),
                ])
            #expect(s == .ok && body.contains("form-error"))
            (s, _, _) = try await app.postForm(
                "/units/540102/surveys", third,
                [
                    ("year", String(year)), ("evaluator", "第三方"), ("surveyed_on", app.clock.today.description),
                    ("sampled_exited", "50"), ("wrongly_exited", "1"), ("sampled_non_registered", "100"),
                    ("missed", "2"),
                    ("surveyed_households", "100"), ("approving", "93"),
                ])
            #expect(s == .seeOther)

            for action in ["publish", "compute"] {
                (s, _, _) = try await app.postForm("/assessments/\(scheme.id!)/steps", region, [("action", action)])
                #expect(s == .seeOther, "\(action)")
            }
            // Computed twice on unchanged data: identical values, inputs and scores.
            let first = try await frozen(app, scheme.id!)
            let firstInputs = try await AssessedUnit.query(on: app.db).filter(\.$schemeID == scheme.id!).sort(
                \.$unitCode
            ).all().map(\.inputs)
            #expect(!first.isEmpty)
            (s, _, _) = try await app.postForm("/assessments/\(scheme.id!)/steps", region, [("action", "compute")])
            #expect(s == .seeOther)
            #expect(try await frozen(app, scheme.id!) == first)
            #expect(
                try await AssessedUnit.query(on: app.db).filter(\.$schemeID == scheme.id!).sort(\.$unitCode).all().map(
                    \.inputs) == firstInputs)

            // The county's frozen inputs are the registry's and the survey's.
            let unit = try #require(
                try await AssessedUnit.query(on: app.db).filter(\.$schemeID == scheme.id!).filter(
                    \.$unitCode == "540102"
                ).first())
            let inputs = try JSONDecoder().decode(AssessmentInputs.self, from: Data(unit.inputs.utf8))
            #expect(
                inputs.survey
                    == ExitCriteria.CountySurvey(
                        sampledExited: 50, wronglyExited: 1, sampledNonRegistered: 100, missed: 2,
                        surveyedHouseholds: 100, approving: 93))
            let exits = try await Household.query(on: app.db).filter(\.$countyCode == "540102").filter(
                \.$exitYear == year
            )
            .filter(\.$status != HouseholdStatus.applicant).count()
            let poor = try await Household.query(on: app.db).filter(\.$countyCode == "540102")
                .filter(\.$status ~~ HouseholdStatus.allCases.filter(\.isRemainingPoor)).count()
            #expect(inputs.exits == exits && inputs.poorHouseholds == poor)
            let missed = try #require(indicators.first { $0.key == "missedRate" })
            #expect(
                try await AssessmentValue.query(on: app.db).filter(\.$schemeID == scheme.id!).filter(
                    \.$unitCode == "540102"
                )
                .filter(\.$indicatorID == missed.id!).first()?.value == 200)

            // Ranking waits for the entered values.
            (s, body, _) = try await app.postForm("/assessments/\(scheme.id!)/steps", region, [("action", "rank")])
            #expect(s == .ok && body.contains("form-error"))
            let token = try await app.token("region")
            let entered = try await AssessmentValue.query(on: app.db).filter(\.$schemeID == scheme.id!).filter(
                \.$source == "entered"
            ).all()
            #expect(
                try await app.api(
                    .PUT, "/api/v1/assessments/\(scheme.id!)/entered-values", token: token,
                    json:
                        #"{"unit_code": "540102", "indicator_id": \#(entered[0].indicatorID), "value_pct": "120","#
                        + #" "note": "督查"}"#
                ).0 == .badRequest)
            for (k, v) in entered.enumerated() {
                let (st, b) = try await app.api(
                    .PUT, "/api/v1/assessments/\(scheme.id!)/entered-values", token: token,
                    json:
                        #"{"unit_code": "\#(v.unitCode)", "indicator_id": \#(v.indicatorID),"#
                        + #" "value_pct": "\#(80 + k % 20).5", "note": "督查评价"}"#
                )
                #expect(st == .noContent, "\(b)")
            }
            for action in ["rank", "approve"] {
                (s, _, _) = try await app.postForm("/assessments/\(scheme.id!)/steps", region, [("action", action)])
                #expect(s == .seeOther, "\(action)")
            }
            (s, _, _) = try await app.postForm(
                "/assessments/\(scheme.id!)/steps", region,
                [
                    ("action", "distribute"), ("document_no", "藏扶领〔2026〕9号"),
                    ("recipients[]", "partyCommittee"), ("recipients[]", "discipline"),
                ])
            #expect(s == .seeOther)
            // Article 40 (issue #25 item 8): two of four recipients is not yet a distribution; the page names the rest.
            #expect(try await SchemeRecord.find(scheme.id!, on: app.db)?.state == .approved)
            #expect(
                try await DistributionRecord.query(on: app.db).filter(\.$schemeID == scheme.id!).all().map(\.recipient)
                    .sorted() == ["discipline", "partyCommittee"])
            let pending = try await app.get("/assessments/\(scheme.id!)", region.0).1
            #expect(pending.contains("id=\"missing-recipients\"") && pending.contains(t(app, "recipient_government")))
            // Sending to one already served is refused, and changes nothing.
            (s, _, _) = try await app.postForm(
                "/assessments/\(scheme.id!)/steps", region,
                [("action", "distribute"), ("document_no", "藏扶领〔2026〕10号"), ("recipients[]", "discipline")])
            #expect(try await DistributionRecord.query(on: app.db).filter(\.$schemeID == scheme.id!).count() == 2)
            (s, _, _) = try await app.postForm(
                "/assessments/\(scheme.id!)/steps", region,
                [
                    ("action", "distribute"), ("document_no", "藏扶领〔2026〕10号"),
                    ("recipients[]", "government"), ("recipients[]", "organisation"),
                ])
            #expect(s == .seeOther)
            #expect(try await SchemeRecord.find(scheme.id!, on: app.db)?.state == .distributed)

            // Totals are the sums of the scores; ranks run within each level from 1.
            let units = try await AssessedUnit.query(on: app.db).filter(\.$schemeID == scheme.id!).all()
            let scores = Dictionary(
                grouping: try await AssessmentValue.query(on: app.db).filter(\.$schemeID == scheme.id!).all(),
                by: \.unitCode)
            for u in units { #expect(u.total == scores[u.unitCode]?.map(\.score).reduce(0, +)) }
            for level in [2, 3] { #expect(units.filter { $0.level == level }.map { $0.rank ?? 0 }.min() == 1) }
            // The county's page shows every indicator with its source and score; a township clerk may not open it.
            var page: String
            (s, page) = try await app.get("/assessments/\(scheme.id!)/units/540102", county.0)
            #expect(
                s == .ok && page.contains(t(app, "indicator_missedRate")) && page.contains("2.00%")
                    && page.contains(t(app, "indicator_source_entered")))
            #expect(
                try await app.get("/assessments/\(scheme.id!)/units/540102", try await app.session("clerk1").0).0
                    == .notFound)
            let before = try await app.auditCount()
            (s, page) = try await app.get("/assessments/\(scheme.id!)/results?format=csv", county.0)
            #expect(s == .ok && page.contains("城关区") && !page.contains("达孜区"))
            #expect(try await app.auditCount() == before + 1)
            // The demo's assessment of last year went all the way.
            let last = try #require(try await SchemeRecord.query(on: app.db).filter(\.$year == year - 1).first())
            #expect(last.state.rawValue == "distributed")
            #expect(
                try await AssessedUnit.query(on: app.db).filter(\.$schemeID == last.id!).filter(\.$grade == nil).count()
                    == 0)
        }
    }

    func t(_ app: Application, _ key: String) -> String { app.localizer.translations(.zh)[key] }

    /// Findings rectified on time, counted by TuopinCore's rule (`FindingWorkflow.rectifiedOnTime`):
    /// due in the year and by today, accepted, rectified on or before the deadline.
    @Test func findingsRectifiedOnTimeFollowTheCoreRule() async throws {
        try await withTestApp(households: 30) { app in
            let county = try await ImportExportTests().currentUser(app, "chengguan")
            // The demo's own findings, before these are added.
            let before = try await AssessmentService.inputs(
                on: app.systemData, unit: OrgCode("540102")!, year: 2026, today: app.clock.today)
            let inspection = try await InspectionService.create(
                app: app, user: county, unit: "540102",
                input: .init(
                    kind: "supervision", title: "督查", started_on: "2026-01-05", ended_on: nil,
                    team: [.init(name: "甲", department: "finance")], targets: ["540102001"]))
            // (unit, deadline, state, rectified on): only the first two count as due in 2026 by 2026-11-18.
            let rows: [(String, String, String, String?)] = [
                ("540102001201", "2026-06-10", "verified", "2026-06-10"),  // on the deadline: on time
                ("540102001201", "2026-06-10", "verified", "2026-06-09"),  // the day before: on time
                ("540102001201", "2026-06-10", "verified", "2026-06-11"),  // the day after: late
                ("540102001201", "2026-06-10", "rectified", "2026-06-01"),  // not yet accepted
                ("540102001201", "2026-11-18", "open", nil),  // due today, open
                ("540102001201", "2026-11-19", "verified", "2026-06-01"),  // due tomorrow: not yet due
                ("540102001201", "2025-12-31", "verified", "2025-12-01"),  // last year
                ("540103001201", "2026-06-10", "verified", "2026-06-10"),  // another county
            ]
            for (unit, deadline, state, rectified) in rows {
                let f = FindingRecord()
                f.inspectionID = inspection; f.unitCode = unit; f.responsiblePerson = "某"; f.category = .data;
                f.description = "问题"
                f.raisedOn = CivilDate(iso: "2025-12-01")!; f.deadline = CivilDate(iso: deadline)!;
                f.state = FindingState(rawValue: state)!; f.rectifiedOn = rectified.flatMap { CivilDate(iso: $0) };
                f.version = 1
                try await f.create(on: app.db)
            }
            let inputs = try await AssessmentService.inputs(
                on: app.systemData, unit: OrgCode("540102")!, year: 2026, today: app.clock.today)
            #expect(app.clock.today.description == "2026-11-18")
            #expect(inputs.findingsDue - before.findingsDue == 5)
            #expect(inputs.findingsOnTime - before.findingsOnTime == 2)
        }
    }

    @Test func disputesCasesAndSanctions() async throws {
        let clock = TestClock()
        try await withTestApp(households: 216, clock: clock) { app in
            let today = app.clock.today
            var clerk = try await app.session("clerk1")
            let form = [
                ("parties", "甲 与 乙"), ("kind", "land"), ("description", "草场边界"), ("received_on", today.description),
                ("deadline", today.adding(days: 3).description),
            ]
            var (s, body, _) = try await app.postForm(
                "/units/540102001/disputes", clerk,
                form.map { $0.0 == "deadline" ? ($0.0, today.adding(days: -1).description) : $0 })
            #expect(s == .ok && body.contains("form-error"))
            #expect(try await app.postForm("/units/540102002/disputes", clerk, form).0 == .notFound)
            (s, _, _) = try await app.postForm("/units/540102001/disputes", clerk, form)
            #expect(s == .seeOther)
            let dispute = try #require(try await DisputeRecord.query(on: app.db).filter(\.$parties == "甲 与 乙").first())
            (s, _, _) = try await app.postForm(
                "/disputes/\(dispute.id!)/steps", clerk, [("action", "mediate"), ("note", "村调委会调解")])
            #expect(s == .seeOther)
            #expect(try await DisputeRecord.find(dispute.id!, on: app.db)?.status == .mediating)

            // Five days on it is past its deadline: the township's page counts it with the others overdue.
            clock.advance(5 * 86_400)
            clerk = try await app.session("clerk1")
            let later = app.clock.today.description
            func overdue() async throws -> Int {
                try await DisputeRecord.query(on: app.db).filter(\.$townshipCode == "540102001").filter(
                    \.$status ~~ [DisputeStatus.open, .mediating]
                )
                .filter(\.$deadline < app.clock.today).count()
            }
            let n = try await overdue()
            #expect(n >= 1)
            var page: String
            (s, page) = try await app.get("/units/540102001", clerk.0)
            #expect(
                page.contains("fig-overdue-disputes")
                    && page.contains("/disputes\">\(t(app, "dash_overdue_disputes"))</a><strong>\(n)</strong>"))
            (s, _, _) = try await app.postForm(
                "/disputes/\(dispute.id!)/steps", clerk, [("action", "resolve"), ("note", "双方签订调解协议")])
            #expect(try await overdue() == n - 1)
            (s, body, _) = try await app.postForm(
                "/disputes/\(dispute.id!)/steps", clerk, [("action", "mediate"), ("note", "再次调解")])
            #expect(s == .ok && body.contains("form-error"))

            // A discipline body's case on the township: notes, then closed with its outcome; not for clerks.
            let discipline = try await app.session("discipline")
            (s, _, _) = try await app.postForm(
                "/oversight-cases", discipline,
                [("unit_code", "540102001"), ("person", "某干部"), ("title", "反映资金问题"), ("note", "来信")])
            #expect(s == .seeOther)
            let c = try #require(try await OversightCase.query(on: app.db).filter(\.$title == "反映资金问题").first())
            // The IT audit administrator reads the audit log, not the oversight bodies' cases (issue #22 M2).
            let itAudit = try await app.session("auditadmin")
            let notesBefore = try await OversightCaseNote.query(on: app.db).filter(\.$caseID == c.id!).count()
            var itPage: String
            (s, itPage) = try await app.get("/audit", itAudit.0)
            #expect(s == .ok && itPage.contains("id=\"nav-audit\"") && !itPage.contains("id=\"nav-ocases\""))
            #expect(try await app.get("/oversight-cases", itAudit.0).0 == .forbidden)
            #expect(try await app.get("/api/v1/oversight-cases", itAudit.0).0 == .forbidden)
            #expect(try await app.get("/oversight-cases/\(c.id!)", itAudit.0).0 == .notFound)
            #expect(
                try await app.postForm("/oversight-cases/\(c.id!)/notes", itAudit, [("note", "看看"), ("outcome", "")]).0
                    == .notFound)
            #expect(
                try await app.postForm(
                    "/oversight-cases", itAudit, [("unit_code", "540102001"), ("title", "x"), ("note", "")]
                ).0 == .forbidden)
            #expect(try await OversightCaseNote.query(on: app.db).filter(\.$caseID == c.id!).count() == notesBefore)
            (s, _, _) = try await app.postForm(
                "/oversight-cases/\(c.id!)/notes", discipline, [("note", "已调取台账"), ("outcome", "")])
            (s, _, _) = try await app.postForm(
                "/oversight-cases/\(c.id!)/notes", discipline, [("note", ""), ("outcome", "问题属实，已督促整改")])
            let closed = try #require(try await OversightCase.find(c.id!, on: app.db))
            #expect(closed.status.rawValue == "closed" && closed.outcome == "问题属实，已督促整改")
            #expect(try await OversightCaseNote.query(on: app.db).filter(\.$caseID == c.id!).count() == 2)
            #expect(try await app.get("/oversight-cases", clerk.0).0 == .forbidden)
            #expect(try await app.get("/oversight-cases/\(c.id!)", clerk.0).0 == .notFound)

            // A penalty resting on the case; a basis in another unit is refused.
            (s, _, _) = try await app.postForm(
                "/units/540102001/sanctions", discipline,
                [
                    ("measure", "criticism"), ("subject_type", "unit"), ("subject_name", "乡政府"), ("reason", "资金拨付不及时"),
                    ("decided_on", later), ("document_no", "纪〔2026〕1号"), ("basis", "oversightCase"),
                    ("basis_id", String(c.id!)),
                ])
            #expect(s == .seeOther)
            let other = try #require(try await FindingRecord.query(on: app.db).filter(\.$unitCode !~ "540102").first())
            (s, body, _) = try await app.postForm(
                "/units/540102001/sanctions", discipline,
                [
                    ("measure", "interview"), ("subject_type", "cadre"), ("subject_name", "乡长"), ("reason", "问题"),
                    ("decided_on", later), ("document_no", "纪〔2026〕2号"), ("basis", "finding"),
                    ("basis_id", String(other.id!)),
                ])
            #expect(s == .ok && body.contains("form-error"))
            (s, page) = try await app.get("/units/540102001/sanctions", clerk.0)
            #expect(page.contains("纪〔2026〕1号") && !page.contains("纪〔2026〕2号"))
            #expect(
                try await app.postForm(
                    "/units/540102001/sanctions", clerk,
                    [
                        ("measure", "award"), ("subject_type", "unit"), ("subject_name", "x"),
                        ("reason", "x"), ("decided_on", later), ("document_no", "x"),
                    ]
                ).0 == .forbidden)
        }
    }

    /// Every oversight page renders for the users it is for, in all three languages (the demo's records on it).
    @Test func everyOversightPageRenders() async throws {
        try await withTestApp(households: 216, assessment: true) { app in
            let scheme = try #require(try await SchemeRecord.query(on: app.db).first())
            let inspection = try #require(
                try await InspectionRecord.query(on: app.db).filter(\.$unitCode == "5401").first())
            let ocase = try #require(try await OversightCase.query(on: app.db).first())
            let pages: [(String, [String])] = [
                (
                    "region",
                    [
                        "/assessments", "/assessments/\(scheme.id!)", "/assessments/\(scheme.id!)/units/540102",
                        "/units/54/surveys", "/units/54/sanctions",
                    ]
                ),
                (
                    "chengguan",
                    [
                        "/units/540102/inspections", "/inspections/\(inspection.id!)",
                        "/inspections/\(inspection.id!)/notification",
                        "/units/540102/surveys", "/units/540102/disputes", "/units/540102/sanctions", "/units/540102",
                    ]
                ),
                (
                    "clerk1",
                    ["/units/540102001/disputes", "/units/540102001/inspections", "/inspections/\(inspection.id!)"]
                ),
                (
                    "discipline",
                    ["/oversight-cases", "/oversight-cases/\(ocase.id!)", "/audit", "/audit?unit=540102&changes=1"]
                ),
            ]
            for (user, paths) in pages {
                var (headers, _) = try await app.session(user)
                for lang in ["zh-Hans", "bo", "en"] {
                    headers.replaceOrAdd(name: .acceptLanguage, value: lang)
                    for path in paths {
                        let (status, body) = try await app.get(path, headers)
                        #expect(status == .ok, "\(user) \(lang) \(path): \(status) \(body.prefix(300))")
                    }
                }
            }
        }
    }
}

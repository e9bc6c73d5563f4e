import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// The responsibility chain through the real routes (issue #5): each rule's violation on the 责任落实
/// page of the right unit, and the form or API call that resolves it; on both databases.
@Suite struct ResponsibilityHTTPTests {
    func openViolation(_ app: Application, rule: String, subject: String) async throws -> ViolationRecord? {
        try await ViolationRecord.query(on: app.db).filter(\.$rule == rule).filter(\.$subject == subject).filter(
            \.$resolvedAt == nil
        ).first()
    }

    func multipart(
        _ fields: [(String, String)], file: (name: String, filename: String, type: String, data: Data), boundary: String
    ) -> ByteBuffer {
        var body = Data()
        for (k, v) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8))
        }
        body.append(
            Data(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; "
                    + "filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n").utf8))
        body.append(file.data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return ByteBuffer(data: body)
    }

    /// R-16-1: a county without this year's letter; drafting it is not enough, signing it with the
    /// scanned PDF resolves it. Not a PDF, dates out of order, another unit's letter: refused, nothing changes.
    @Test func aCountysLetterIsDraftedSignedAndArchived() async throws {
        try await withTestApp(households: 216) { app in
            let year = app.clock.today.year
            try await LetterRecord.query(on: app.db).filter(\.$unitCode == "540102").filter(\.$year == year).delete()
            _ = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
            let subject = "letter:540102:\(year)"
            #expect(try await openViolation(app, rule: "R-16-1", subject: subject) != nil)
            let session = try await app.session("chengguan")
            var (status, body) = try await app.get("/units/540102/compliance", session.0)
            #expect(status == .ok && body.contains("R-16-1") && body.contains("/units/540102/responsibility"))

            let fields = [
                ("year", String(year)), ("target_households", "120"), ("target_people", "480"),
                ("target_villages", "3"),
                ("target_counties", "0"), ("target_funds", "1500000.50"), ("signatory", "县委书记 甲"),
                ("counterpart_signatory", "拉萨市委书记 乙"), ("drafted_on", "\(year)-01-10"),
            ]
            // People fewer than households: refused with the field named, nothing stored.
            var (s, b, _) = try await app.postForm(
                "/units/540102/letters", session, fields.map { $0.0 == "target_people" ? ($0.0, "100") : $0 })
            #expect(s == .ok && b.contains("form-error") && b.contains("target_people"))
            #expect(
                try await LetterRecord.query(on: app.db).filter(\.$unitCode == "540102").filter(\.$year == year).count()
                    == 0)
            (s, _, _) = try await app.postForm("/units/540102/letters", session, fields)
            #expect(s == .seeOther)
            let letter = try #require(
                try await LetterRecord.query(on: app.db).filter(\.$unitCode == "540102").filter(\.$year == year).first()
            )
            #expect(letter.state.rawValue == "draft" && letter.targetFunds == 150_000_050 && letter.targetPeople == 480)
            // A township clerk cannot draft the county's letter; another county's office cannot see it.
            #expect(
                try await app.postForm("/units/540102/letters", try await app.session("clerk1"), fields).0 == .notFound)

            func sign(_ signedOn: String, _ data: Data, type: String = "application/pdf") async throws -> (
                HTTPResponseStatus, String
            ) {
                var headers = session.0
                headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=XyZ")
                var out: (HTTPResponseStatus, String) = (.ok, "")
                try await app.testing().test(
                    .POST, "/letters/\(letter.id!)/sign", headers: headers,
                    body: multipart(
                        [("_csrf", session.1), ("signed_on", signedOn)],
                        file: ("file", "letter.pdf", type, data), boundary: "XyZ")
                ) { res in
                    out = (res.status, res.body.string)
                }
                return out
            }
            (status, body) = try await sign("\(year)-01-20", Data("PK\u{3}\u{4} not a pdf".utf8))
            #expect(status == .ok && body.contains("form-error"))
            (status, body) = try await sign("\(year)-01-09", DemoResponsibility.scan)  // before it was drafted
            #expect(status == .ok && body.contains("form-error"))
            #expect(try await LetterRecord.find(letter.id!, on: app.db)!.state.rawValue == "draft")
            #expect(try await openViolation(app, rule: "R-16-1", subject: subject) != nil)
            (status, _) = try await sign("\(year)-01-20", DemoResponsibility.scan)
            #expect(status == .seeOther)
            let signed = try await LetterRecord.find(letter.id!, on: app.db)!
            #expect(
                signed.state.rawValue == "signed" && signed.signedOn?.description == "\(year)-01-20"
                    && signed.fileSize == DemoResponsibility.scan.count)
            #expect(try await openViolation(app, rule: "R-16-1", subject: subject) == nil)
            // The scan comes back to whoever may see the county, and not to another township's clerk.
            try await app.testing().test(.GET, "/letters/\(letter.id!)/file", headers: session.0) { res in
                #expect(
                    res.status == .ok && res.headers.contentType?.subType == "pdf"
                        && Data(buffer: res.body) == DemoResponsibility.scan)
            }
            #expect(try await app.get("/letters/\(letter.id!)/file", try await app.session("clerk2").0).0 == .notFound)
            // Signed letters are not edited; they are archived.
            #expect(try await app.postForm("/units/540102/letters", session, fields).1.contains("form-error"))
            #expect(try await app.postForm("/letters/\(letter.id!)/archive", session, []).0 == .seeOther)
            #expect(try await LetterRecord.find(letter.id!, on: app.db)!.state.rawValue == "archived")
            (status, body) = try await app.get("/units/540102/responsibility", session.0)
            #expect(status == .ok && body.contains("id=\"letter-\(year)\"") && body.contains("1500000.50"))
        }
    }

    /// R-04-1 and R-04-2 show on the region's page; R-22-1 on a township's; R-10-2 for a missing
    /// quarterly report, resolved by submitting it (figures frozen from the registry).
    @Test func reportsAreDueBySchedule() async throws {
        try await withTestApp(households: 216) { app in
            let today = app.clock.today
            _ = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
            // The demo region's own letter for this year is a draft and last year's report is missing.
            #expect(try await openViolation(app, rule: "R-04-1", subject: "letter:54:\(today.year)")?.unitCode == "54")
            #expect(
                try await openViolation(app, rule: "R-04-2", subject: "report:54:\(today.year - 1)")?.unitCode == "54")
            let region = try await app.session("region")
            let (status, body) = try await app.get("/units/54/compliance", region.0)
            #expect(status == .ok && body.contains("R-04-1") && body.contains("R-04-2"))
            // R-10-1: the prefecture without this year's letter, on the prefecture office's page.
            try await LetterRecord.query(on: app.db).filter(\.$unitCode == "5401").filter(\.$year == today.year)
                .delete()
            _ = try await ComplianceService.check(app: app, root: OrgCode("5401")!, actor: .system)
            #expect(
                try await openViolation(app, rule: "R-10-1", subject: "letter:5401:\(today.year)")?.unitCode == "5401")
            #expect(try await app.get("/units/5401/compliance", try await app.session("lasa").0).1.contains("R-10-1"))

            let period = try #require(
                ReportSchedule().periods(level: .township, from: today.year - 1, through: today).first {
                    $0.due < today
                })
            try await ProgressReportRecord.query(on: app.db).filter(\.$unitCode == "540102001").filter(
                \.$period == period.label
            ).delete()
            try await LetterRecord.query(on: app.db).filter(\.$unitCode == "540102001").filter(
                \.$year == today.year - 1
            ).delete()
            _ = try await ComplianceService.check(app: app, root: OrgCode("540102")!, actor: .system)
            #expect(
                try await openViolation(app, rule: "R-10-2", subject: "report:540102001:\(period.label)")?.unitCode
                    == "540102001")
            #expect(
                try await openViolation(app, rule: "R-22-1", subject: "letter:540102001:\(today.year - 1)")?.unitCode
                    == "540102001")
            let clerk = try await app.session("clerk1")
            let page = try await app.get("/units/540102001/compliance", clerk.0).1
            #expect(page.contains("R-10-2") && page.contains(period.label) && page.contains("R-22-1"))
            var resp = try await app.get("/units/540102001/responsibility", clerk.0).1
            #expect(resp.contains("id=\"report-\(period.label)\" class=\"standing-missing\""))
            // The form shows the figures a report submitted now would freeze.
            let households = try await Household.query(on: app.db).filter(\.$townshipCode == "540102001").filter(
                \.$status != HouseholdStatus.applicant
            ).count()
            #expect(
                resp.contains("id=\"report-form\"") && resp.contains("id=\"report-figures\"")
                    && resp.contains(">\(households)</td>"))

            // An unknown period and an empty narrative are refused; the real one is accepted once.
            #expect(
                try await app.postForm("/units/540102001/reports", clerk, [("period", "1999-Q1"), ("narrative", "x")]).1
                    .contains("form-error"))
            #expect(
                try await app.postForm(
                    "/units/540102001/reports", clerk, [("period", period.label), ("narrative", " ")]
                ).1.contains("form-error"))
            #expect(
                try await ProgressReportRecord.query(on: app.db).filter(\.$unitCode == "540102001").filter(
                    \.$period == period.label
                ).count() == 0)
            let (s, _, _) = try await app.postForm(
                "/units/540102001/reports", clerk, [("period", period.label), ("narrative", "产业项目按期推进")])
            #expect(s == .seeOther)
            let report = try #require(
                try await ProgressReportRecord.query(on: app.db).filter(\.$unitCode == "540102001").filter(
                    \.$period == period.label
                ).first())
            let frozen = try JSONDecoder().decode(
                ResponsibilityService.ReportFigures.self, from: Data(report.figures.utf8))
            #expect(
                frozen
                    == (try await ResponsibilityService.figures(
                        on: app.systemData, unit: OrgCode("540102001")!, year: period.end.year)))
            #expect(
                frozen.households
                    == (try await Household.query(on: app.db).filter(\.$townshipCode == "540102001")
                        .filter(\.$status != HouseholdStatus.applicant).count()))
            #expect(try await openViolation(app, rule: "R-10-2", subject: "report:540102001:\(period.label)") == nil)
            #expect(
                try await app.postForm(
                    "/units/540102001/reports", clerk, [("period", period.label), ("narrative", "again")]
                ).1.contains("form-error"))
            resp = try await app.get("/units/540102001/responsibility", clerk.0).1
            #expect(resp.contains("id=\"report-\(period.label)\" class=\"standing-late\""))
            // The API says the same; another township's clerk may not submit for this one.
            let token = try await app.token("clerk1")
            let overview = try JSONDecoder().decode(
                ResponsibilityController.Overview.self,
                from: Data(try await app.api(.GET, "/api/v1/units/540102001/responsibility", token: token).1.utf8))
            #expect(overview.reports.first { $0.period == period.label }?.standing == "late")
            let other = try await app.token("clerk2")
            #expect(
                try await app.api(
                    .POST, "/api/v1/units/540102001/reports", token: other,
                    json: #"{"period": "\#(period.label)", "narrative": "x"}"#
                ).0 == .notFound)
        }
    }

    /// R-07-1: a county without this year's annual plan; one made through the API resolves it, and
    /// the page reads its targets against what the registry says was achieved.
    @Test func annualPlansAgainstActuals() async throws {
        try await withTestApp(households: 216) { app in
            let year = app.clock.today.year
            try await UnitPlanRecord.query(on: app.db).filter(\.$unitCode == "540102").filter(\.$kind == .annual)
                .filter(\.$periodFrom == year).delete()
            _ = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
            #expect(try await openViolation(app, rule: "R-07-1", subject: "plan:540102:\(year)")?.unitCode == "540102")
            let session = try await app.session("chengguan")
            #expect(try await app.get("/units/540102/compliance", session.0).1.contains("R-07-1"))
            let token = try await app.token("chengguan")
            var (status, body) = try await app.api(
                .POST, "/api/v1/units/540102/plans", token: token,
                json:
                    #"{"kind": "annual", "title": "年度计划", "period_from": \#(year), "period_to": \#(year + 1),"#
                    + #" "approved_on": "\#(year)-02-01"}"#
            )
            #expect(status == .badRequest && body.contains("period_to"))
            (status, _) = try await app.api(
                .POST, "/api/v1/units/540102/plans", token: token,
                json:
                    #"{"kind": "annual", "title": "城关区年度计划", "period_from": \#(year), "target_households": 30,"#
                    + #" "target_people": 120, "approved_on": "\#(year)-02-01"}"#
            )
            #expect(status == .created)
            #expect(try await openViolation(app, rule: "R-07-1", subject: "plan:540102:\(year)") == nil)
            // Two households of the county exited this year (the demo's exits are years ago), so the actuals are not
            // zero by accident.
            let two = try await Household.query(on: app.db).filter(\.$countyCode == "540102").filter(
                \.$status == HouseholdStatus.exitedWithPolicy
            )
            .sort(\.$id).limit(2).all()
            try await Household.query(on: app.db).filter(\.$id ~~ two.map { $0.id! }).set(\.$exitYear, to: year)
                .update()
            let exited = try await Household.query(on: app.db).filter(\.$countyCode == "540102").filter(
                \.$exitYear == year
            ).count()
            #expect(exited >= 2)
            (status, body) = try await app.get("/units/540102/responsibility", session.0)
            let plan = try #require(
                try await UnitPlanRecord.query(on: app.db).filter(\.$unitCode == "540102").filter(\.$periodFrom == year)
                    .filter(\.$kind == .annual).first())
            #expect(status == .ok && body.contains("城关区年度计划") && body.contains("id=\"plan-\(plan.id!)-actuals\""))
            // Every kind of plan is named in words (a five-year plan's key once showed as "plan_kind_fiveYear").
            #expect(body.contains("五年规划") && !body.contains("plan_kind_"))
            let overview = try JSONDecoder().decode(
                ResponsibilityController.Overview.self,
                from: Data(try await app.api(.GET, "/api/v1/units/540102/responsibility", token: token).1.utf8))
            #expect(overview.plans.first { $0.id == plan.id }?.actuals?.households == exited)
            // The unit's own page reads the plan against the registry too.
            let unitPage = try await app.get("/units/540102", session.0).1
            #expect(unitPage.contains("id=\"annual-plan\"") && unitPage.contains("城关区年度计划"))
        }
    }

    /// R-05-1: the secretary of a poverty county that has not exited cannot be changed until region HQ
    /// records an exemption; a change recorded without one shows on the county's page until region HQ
    /// covers it. R-20-2 likewise for a township with poor villages.
    @Test func theLeadershipLock() async throws {
        try await withTestApp(households: 216) { app in
            let county = try await OrgUnit.find("540102", on: app.db)!
            #expect(county.isPovertyCounty && county.exitYear == nil)
            let token = try await app.token("chengguan")
            let session = try await app.session("chengguan")
            #expect(
                try await app.postForm(
                    "/units/540102/cadres", session,
                    [("name", "新书记"), ("rank", "countyDivision"), ("position", "secretary")]
                ).0 == .seeOther)
            let newcomer = try #require(
                try await Cadre.query(on: app.db).filter(\.$unitCode == "540102").filter(\.$name == "新书记").first())
            let change = #"{"role": "secretary", "cadre_id": \#(newcomer.id!), "changed_on": "2026-11-01"}"#
            var (status, body) = try await app.api(.POST, "/api/v1/units/540102/principals", token: token, json: change)
            #expect(status == .conflict && body.contains("R-05-1"))
            #expect(try await OrgUnit.find("540102", on: app.db)!.secretaryID == county.secretaryID)
            // Only region HQ records exemptions.
            #expect(
                try await app.postForm(
                    "/units/540102/exemptions", session,
                    [("role", "secretary"), ("document_no", "藏扶领〔2026〕1号"), ("granted_on", "2026-10-30")]
                ).0 == .forbidden)
            let region = try await app.session("region")
            #expect(
                try await app.postForm(
                    "/units/540102/exemptions", region,
                    [("role", "secretary"), ("document_no", "藏扶领〔2026〕1号"), ("granted_on", "2026-10-30")]
                ).0 == .seeOther)
            (status, _) = try await app.api(.POST, "/api/v1/units/540102/principals", token: token, json: change)
            #expect(status == .created)
            #expect(try await OrgUnit.find("540102", on: app.db)!.secretaryID == newcomer.id)
            (status, body) = try await app.get("/units/540102/responsibility", session.0)
            #expect(body.contains("id=\"principal-history\"") && body.contains("藏扶领〔2026〕1号") && body.contains("新书记"))
            // The exemption was used: the next change is refused again.
            let back = #"{"role": "secretary", "cadre_id": \#(county.secretaryID!), "changed_on": "2026-11-02"}"#
            #expect(
                try await app.api(.POST, "/api/v1/units/540102/principals", token: token, json: back).0 == .conflict)
            // A unit whose head was never recorded (set up here): recording its first head replaces no one in
            // post, so the lock does not apply and no exemption is used.
            let vacant = try await OrgUnit.find("540102", on: app.db)!
            vacant.headID = nil
            try await vacant.save(on: app.db)
            let head = #"{"role": "head", "cadre_id": \#(county.secretaryID!), "changed_on": "2026-11-02"}"#
            #expect(try await app.api(.POST, "/api/v1/units/540102/principals", token: token, json: head).0 == .created)
            let first = try await PrincipalChange.query(on: app.db).filter(\.$unitCode == "540102").filter(
                \.$role == .head
            ).sort(\.$id, .descending).first()
            #expect(first?.lockedRule == nil && first?.exemptionID == nil && first?.fromCadreID == nil)

            // A change on record from before, made while locked and never exempted.
            let township = try await OrgUnit.find("540102001", on: app.db)!
            let facts = try await ResponsibilityService.lockFacts(on: app.systemData, unit: township)
            #expect(LeadershipLock.lockingRule(facts, replacesIncumbent: true) == .r20_2)
            let old = PrincipalChange()
            old.unitCode = "540102001"; old.role = .head; old.fromCadreID = nil; old.toCadreID = township.headID!
            old.changedOn = CivilDate(iso: "2017-03-01")!; old.lockedRule = "R-20-2"; old.recordedAt = Date()
            try await old.save(on: app.db)
            _ = try await ComplianceService.check(app: app, root: OrgCode("540102")!, actor: .system)
            #expect(
                try await openViolation(app, rule: "R-20-2", subject: "principal_change:\(old.id!)")?.unitCode
                    == "540102001")
            #expect(
                try await app.get("/units/540102001/compliance", try await app.session("clerk1").0).1.contains("R-20-2")
            )
            #expect(
                try await app.postForm(
                    "/units/540102001/exemptions", region,
                    [("role", "head"), ("document_no", "藏扶领〔2017〕9号"), ("granted_on", "2026-11-10")]
                ).0 == .seeOther)
            #expect(try await openViolation(app, rule: "R-20-2", subject: "principal_change:\(old.id!)") == nil)
            #expect(try await PrincipalChange.find(old.id!, on: app.db)!.exemptionID != nil)
            // The demo holds R-05-1 changes of its own, on the county's page (seen by the prefecture office above it).
            let demo = try await PrincipalChange.query(on: app.db).filter(\.$lockedRule == "R-05-1").filter(
                \.$exemptionID == nil
            ).all()
            try #require(!demo.isEmpty)
            let regionHQ = try await app.session("region")
            for c in demo {
                #expect(
                    try await openViolation(app, rule: "R-05-1", subject: "principal_change:\(c.id!)")?.unitCode
                        == c.unitCode)
                let page = try await app.get("/units/\(c.unitCode)/compliance", regionHQ.0).1
                #expect(page.contains("R-05-1") && page.contains("/units/\(c.unitCode)/responsibility"))
            }
        }
    }

    /// R-28-1, R-28-2 and R-32-1 on a poor village's page, each resolved through the village's
    /// responsibility page: a second leader, a project, and linked people whose income rose.
    /// R-20-1 likewise: a township short of 扶贫专干 gets one through the cadre form.
    @Test func villageActorsThroughTheirPage() async throws {
        try await withTestApp(households: 216) { app in
            let village = "540102001201"
            try await LeaderBeneficiary.query(on: app.db).delete()
            try await LeaderProject.query(on: app.db).delete()
            try await LeaderTraining.query(on: app.db).delete()
            try await PartyLeader.query(on: app.db).delete()
            _ = try await ComplianceService.check(app: app, root: OrgCode("540102")!, actor: .system)
            #expect(try await openViolation(app, rule: "R-28-1", subject: "village:\(village)") != nil)
            let clerk = try await app.session("clerk1")
            #expect(try await app.get("/units/\(village)/compliance", clerk.0).1.contains("R-28-1"))
            // A village cadre reads the page but does not keep it; another township's clerk cannot see it.
            #expect(
                try await app.postForm("/units/\(village)/leaders", try await app.session("village1"), [("name", "次仁")])
                    .0 == .forbidden)
            #expect(
                try await app.get("/units/\(village)/responsibility", try await app.session("clerk2").0).0 == .notFound)
            for name in ["次仁", "卓玛"] {
                #expect(try await app.postForm("/units/\(village)/leaders", clerk, [("name", name)]).0 == .seeOther)
            }
            #expect(try await openViolation(app, rule: "R-28-1", subject: "village:\(village)") == nil)
            let leader = try #require(try await PartyLeader.query(on: app.db).filter(\.$name == "次仁").first())
            #expect(try await openViolation(app, rule: "R-28-2", subject: "leader:\(leader.id!)") != nil)
            #expect(try await openViolation(app, rule: "R-32-1", subject: "leader:\(leader.id!)") != nil)
            let villagePage = try await app.get("/units/\(village)/compliance", clerk.0).1
            #expect(villagePage.contains("R-28-2") && villagePage.contains("R-32-1") && villagePage.contains("次仁"))
            #expect(
                try await app.postForm(
                    "/leaders/\(leader.id!)/project", clerk, [("name", "牦牛养殖合作社"), ("started_on", "2025-03-01")]
                ).0 == .seeOther)
            #expect(try await openViolation(app, rule: "R-28-2", subject: "leader:\(leader.id!)") == nil)
            // Three heads of registered households of the township whose latest income is above the year before.
            let heads = try await Member.query(on: app.db).join(
                Household.self, on: \Member.$household.$id == \Household.$id
            )
            .filter(Household.self, \.$townshipCode == "540102001").filter(
                Household.self, \.$status != HouseholdStatus.applicant
            )
            .filter(\.$relation == .head).all()
            var rising: [Member] = []
            for m in heads where rising.count < 3 {
                let incomes = try await IncomeRecord.query(on: app.db).filter(\.$householdID == m.$household.id).all()
                let h = try await Household.find(m.$household.id, on: app.db)!
                let byYear = Dictionary(
                    uniqueKeysWithValues: incomes.map {
                        (
                            $0.year,
                            IncomeFacts(
                                year: $0.year, wage: Money(fen: $0.wage), business: Money(fen: $0.business),
                                property: Money(fen: $0.property), transfer: Money(fen: $0.transfer),
                                costs: Money(fen: $0.costs)
                            ).perCapita(members: h.memberCount)
                        )
                    })
                if PartyLeaderRule.rose(byYear) { rising.append(m) }
            }
            try #require(rising.count == 3)
            let protector = app.tuopin.protector
            for (i, m) in rising.enumerated() {
                let id = try protector.decrypt(m.idCipher)
                #expect(
                    try await app.postForm("/leaders/\(leader.id!)/beneficiary", clerk, [("resident_id", id)]).0
                        == .seeOther)
                let open = try await openViolation(app, rule: "R-32-1", subject: "leader:\(leader.id!)")
                #expect((open == nil) == (i == 2), "after \(i + 1) linked people")
            }
            // The same person twice, and an ID that is no member of the county: refused.
            #expect(
                try await app.postForm(
                    "/leaders/\(leader.id!)/beneficiary", clerk,
                    [("resident_id", try protector.decrypt(rising[0].idCipher))]
                ).1.contains("form-error"))
            #expect(
                try await app.postForm(
                    "/leaders/\(leader.id!)/beneficiary", clerk, [("resident_id", "540102199001011234")]
                ).1.contains("form-error"))
            // A person of another township of the county: the clerk may not see them, so may not link them (or learn
            // they exist).
            let outside = try #require(
                try await Member.query(on: app.db).join(Household.self, on: \Member.$household.$id == \Household.$id)
                    .filter(Household.self, \.$countyCode == "540102").filter(
                        Household.self, \.$townshipCode != "540102001"
                    ).first())
            let before = try await LeaderBeneficiary.query(on: app.db).count()
            #expect(
                try await app.postForm(
                    "/leaders/\(leader.id!)/beneficiary", clerk,
                    [("resident_id", try protector.decrypt(outside.idCipher))]
                ).1.contains("form-error"))
            #expect(try await LeaderBeneficiary.query(on: app.db).count() == before)
            // Enterprise aid only from an enterprise in the village's reach.
            let otherEnterprise = try #require(
                try await Organisation.query(on: app.db).filter(\.$unitCode == "540103").filter(\.$type == "enterprise")
                    .first())
            let ownEnterprise = try #require(
                try await Organisation.query(on: app.db).filter(\.$unitCode == "540102").filter(\.$type == "enterprise")
                    .first())
            let aidBefore = try await EnterpriseAid.query(on: app.db).count()
            #expect(
                try await app.postForm(
                    "/units/\(village)/enterprise-aid", clerk,
                    [("organisation_id", String(otherEnterprise.id!)), ("started_on", "2025-01-01")]
                ).1.contains("form-error"))
            #expect(
                try await app.postForm(
                    "/units/\(village)/enterprise-aid", clerk,
                    [("organisation_id", String(ownEnterprise.id!)), ("started_on", "2025-01-01")]
                ).0 == .seeOther)
            #expect(try await EnterpriseAid.query(on: app.db).count() == aidBefore + 1)
            let page = try await app.get("/units/\(village)/responsibility", clerk.0).1
            #expect(page.contains("id=\"leader-\(leader.id!)\"") && page.contains("牦牛养殖合作社"))

            // A work team from a designated unit (article 35), and a member serving in it.
            let sponsor = try #require(
                try await Organisation.query(on: app.db).filter(\.$unitCode == "540102").filter(\.$type == "department")
                    .first())
            #expect(
                try await app.postForm(
                    "/units/\(village)/organisations", clerk, [("name", "第二驻村工作队"), ("type", "work_team")]
                ).1.contains("form-error"))
            // Nor from another county's department (out of the village's reach).
            let foreign = try #require(
                try await Organisation.query(on: app.db).filter(\.$unitCode == "540103").filter(\.$type == "department")
                    .first())
            #expect(
                try await app.postForm(
                    "/units/\(village)/organisations", clerk,
                    [("name", "第二驻村工作队"), ("type", "work_team"), ("sponsor_id", String(foreign.id!))]
                ).1.contains("form-error"))
            #expect(try await Organisation.query(on: app.db).filter(\.$name == "第二驻村工作队").count() == 0)
            #expect(
                try await app.postForm(
                    "/units/540102001/organisations", clerk,
                    [("name", "工作队"), ("type", "work_team"), ("sponsor_id", String(sponsor.id!))]
                ).1.contains("form-error"))
            #expect(
                try await app.postForm(
                    "/units/\(village)/organisations", clerk,
                    [("name", "第二驻村工作队"), ("type", "work_team"), ("sponsor_id", String(sponsor.id!))]
                ).0 == .seeOther)
            let team = try #require(try await Organisation.query(on: app.db).filter(\.$name == "第二驻村工作队").first())
            #expect(team.sponsorID == sponsor.id && team.unitCode == village)
            #expect(
                try await app.postForm(
                    "/units/\(village)/cadres", clerk,
                    [
                        ("name", "队员甲"), ("rank", "staff"), ("stationed_role", "workTeamMember"), ("position", "cadre"),
                        ("organisation_id", String(team.id!)),
                    ]
                ).0 == .seeOther)
            let member = try #require(try await Cadre.query(on: app.db).filter(\.$name == "队员甲").first())
            #expect(
                member.organisationID == team.id && member.rank == "staff" && member.stationedRole == "workTeamMember")
            let teamPage = try await app.get("/units/\(village)/responsibility", clerk.0).1
            #expect(teamPage.contains("第二驻村工作队") && teamPage.contains(sponsor.name))

            // R-20-1: the township has two 扶贫专干 in the demo; one leaves, one is added.
            let staff = try await Cadre.query(on: app.db).filter(\.$unitCode == "540102001").filter(
                \.$position == "povertyStaff"
            ).filter(\.$active == true).all()
            try #require(staff.count == 2)
            #expect(try await app.postForm("/cadres/\(staff[0].id!)/deactivate", clerk, []).0 == .seeOther)
            #expect(try await openViolation(app, rule: "R-20-1", subject: "township:540102001")?.unitCode == "540102")
            // On the county's list, linking to the township's page where the cadre is added.
            #expect(
                try await app.get("/units/540102/compliance", try await app.session("chengguan").0).1.contains(
                    "/units/540102001/responsibility"))
            #expect(
                try await app.postForm(
                    "/units/540102001/cadres", clerk,
                    [("name", "新专干"), ("rank", "staff"), ("position", "povertyStaff"), ("phone", "12ab")]
                ).1.contains("form-error"))
            #expect(try await openViolation(app, rule: "R-20-1", subject: "township:540102001") != nil)
            #expect(
                try await app.postForm(
                    "/units/540102001/cadres", clerk,
                    [("name", "新专干"), ("rank", "staff"), ("position", "povertyStaff"), ("phone", "13912345678")]
                ).0 == .seeOther)
            #expect(try await openViolation(app, rule: "R-20-1", subject: "township:540102001") == nil)
            // The phone is kept encrypted and shown masked.
            let added = try #require(try await Cadre.query(on: app.db).filter(\.$name == "新专干").first())
            #expect(
                added.phoneCipher != nil && added.phoneCipher != "13912345678" && added.phoneMasked == "139****5678")
            let township = try await app.get("/units/540102001/responsibility", clerk.0).1
            #expect(township.contains("139****5678") && !township.contains("13912345678"))
        }
    }

    /// Article 37's quotas are a standard: region HQ raises the section rank's to 2, and every
    /// section-rank cadre with one pairing becomes an R-37-1 violation; a county office may not change it.
    @Test func regionHQChangesAPairingQuota() async throws {
        try await withTestApp(households: 216) { app in
            let county = try await app.session("chengguan")
            #expect(try await app.postForm("/pairing-quotas/section", county, [("households", "2")]).0 == .forbidden)
            let region = try await app.session("region")
            #expect(
                try await app.postForm("/pairing-quotas/section", region, [("households", "11")]).1.contains(
                    "id=\"standards-error\""))
            #expect(try await PairingService.quotas(on: app.systemData).required(for: .section) == 1)
            let before = try await ViolationRecord.query(on: app.db).filter(\.$rule == "R-37-1").filter(
                \.$resolvedAt == nil
            ).count()
            #expect(
                try await app.postForm("/pairing-quotas/section", region, [("households", "2"), ("version", "1")]).0
                    == .seeOther)
            #expect(try await PairingService.quotas(on: app.systemData).required(for: .section) == 2)
            let after = try await ViolationRecord.query(on: app.db).filter(\.$rule == "R-37-1").filter(
                \.$resolvedAt == nil
            ).count()
            #expect(after > before)
            // A stale form (the version it was read at) is refused.
            #expect(
                try await app.postForm("/pairing-quotas/section", region, [("households", "1"), ("version", "1")]).0
                    == .conflict)
            #expect(try await app.get("/standards", region.0).1.contains("id=\"quota-section\""))
        }
    }

    /// R-06-1 on the region's page (the demo's 2014 低保 line is below the poverty line); region HQ
    /// corrects the standard on the Standards page and the violation is resolved at once.
    @Test func theRegionCorrectsAStandard() async throws {
        try await withTestApp(households: 216) { app in
            #expect(try await openViolation(app, rule: "R-06-1", subject: "standard:2014")?.unitCode == "54")
            let region = try await app.session("region")
            #expect(try await app.get("/units/54/compliance", region.0).1.contains("R-06-1"))
            let s = try await StandardRecord.find(2014, on: app.db)!
            let line = Money(fen: s.povertyLine).description
            let (status, _, _) = try await app.postForm(
                "/standards/2014", region,
                [
                    ("version", String(s.version)), ("poverty_line", line), ("dibao_line", line),
                    ("notice_min_days", "7"),
                    ("village_incidence_pct", "3"), ("county_incidence_pct", "3"), ("wrong_exit_pct", "2"),
                    ("missed_pct", "2"), ("recognition_pct", "90"),
                ])
            #expect(status == .seeOther)
            #expect(try await openViolation(app, rule: "R-06-1", subject: "standard:2014") == nil)
        }
    }

    /// A write that loses a race for a unique row (a second letter for the same unit and year, as two
    /// writers on PostgreSQL could) is a 409, not a 500: the driver's constraint error maps to a conflict.
    @Test func aLostUniqueRaceIsAConflict() async throws {
        try await withTestApp(households: 0) { app in
            let letter = try #require(try await LetterRecord.query(on: app.db).first())
            do {
                try await app.db.sqlDatabase.insert(into: LetterRecord.schema)
                    .columns(
                        "unit_code", "year", "state", "target_households", "target_people", "target_villages",
                        "target_counties", "target_funds",
                        "signatory", "counterpart_signatory", "drafted_on", "version"
                    )
                    .values(
                        SQLBind(letter.unitCode), SQLBind(letter.year), SQLBind("draft"), SQLBind(0), SQLBind(0),
                        SQLBind(0), SQLBind(0), SQLBind(Int64(0)),
                        SQLBind("x"), SQLBind("y"), SQLBind("2026-01-01"), SQLBind(1)
                    ).run()
                Issue.record("the unique index let a second letter in")
            } catch {
                #expect(AppError.from(error) == .conflict, "\(String(reflecting: error))")
            }
        }
    }

    /// A NUL byte (which PostgreSQL cannot store) in a search or a text field is a 400, found by
    /// schemathesis as a 500 on PostgreSQL; any such driver error maps to bad input.
    @Test func controlCharactersAreBadInputNotServerErrors() async throws {
        try await withTestApp(households: 216) { app in
            let token = try await app.token("clerk1")
            #expect(try await app.api(.GET, "/api/v1/households?q=%C3%88%00x", token: token).0 == .badRequest)
            #expect(try await app.api(.GET, "/api/v1/households?q=%E5%8D%93", token: token).0 == .ok)
            let report = #"{"period": "2026-Q3", "narrative": "a\u0000b"}"#
            #expect(
                try await app.api(.POST, "/api/v1/units/540102001/reports", token: token, json: report).0 == .badRequest
            )
            if app.db.isPostgres {
                do {
                    try await app.db.sqlDatabase.update(OrgUnit.schema).set("name", to: SQLBind("a\u{0}b")).where(
                        "code", .equal, SQLBind("54")
                    ).run()
                    Issue.record("PostgreSQL stored a NUL")
                } catch {
                    #expect(AppError.from(error) == .badRequest, "\(String(reflecting: error))")
                }
            }
        }
    }
}

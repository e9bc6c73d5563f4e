import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// The 责任落实 pages and pairing (issue #5, article 37) through the real routes, on both databases.
@Suite struct ComplianceHTTPTests {
    /// An unpaired poor household is an R-37-2 violation on its village's page, counted on the
    /// township's and county's; pairing it through the household page resolves it at once.
    @Test func anUnpairedHouseholdShowsOnItsVillagesPageAndPairingResolvesIt() async throws {
        try await withTestApp(households: 216) { app in
            let village = "540102001201"
            let h = try await Household.query(on: app.db).filter(\.$villageCode == village)
                .filter(\.$status == HouseholdStatus.notExited).sort(\.$id).first()!
            try await Pairing.query(on: app.db).filter(\.$householdID == h.id!).delete()
            let summary = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
            #expect(summary.byRule["R-37-2", default: 0] >= 1)

            let (session, csrf) = try await app.session("clerk1")
            var (status, body) = try await app.get("/units/\(village)/compliance", session)
            #expect(
                status == .ok && body.contains("R-37-2") && body.contains(h.number)
                    && body.contains("/households/\(h.id!)"))
            // The county office sees its townships' counts and follows them down.
            let (county, _) = try await app.session("chengguan")
            (status, body) = try await app.get("/units/540102/compliance", county)
            #expect(
                status == .ok && body.contains("id=\"compliance-children\"")
                    && body.contains("/units/540102001/compliance"))
            // above the clerk's township
            #expect(try await app.get("/units/540102/compliance", session).0 == .notFound)
            // Another township's clerk cannot see it; the API says the same as the page.
            let (other, _) = try await app.session("clerk2")
            #expect(try await app.get("/units/\(village)/compliance", other).0 == .notFound)
            let token = try await app.token("chengguan")
            (status, body) = try await app.get(
                "/api/v1/units/\(village)/violations", ["Authorization": "Bearer \(token)"])
            let report = try JSONDecoder().decode(ComplianceController.Report.self, from: Data(body.utf8))
            #expect(report.violations.contains { $0.rule == "R-37-2" && $0.subject == "household:\(h.id!)" })

            // Pair it through the household page.
            let cadre = try await PairingService.candidates(for: OrgCode(village)!, on: app.systemData).first!
            var form = session; form.contentType = .urlEncodedForm
            try await app.testing().test(
                .POST, "/households/\(h.id!)/pairings", headers: form,
                body: ByteBuffer(string: "_csrf=\(csrf)&cadre_id=\(cadre.id!)&started_on=2020-03-01")
            ) { res in
                #expect(res.status == .seeOther)
            }
            let open = try await ViolationRecord.query(on: app.db).filter(\.$subject == "household:\(h.id!)").filter(
                \.$rule == "R-37-2"
            ).all()
            #expect(open.count == 1 && open[0].resolvedAt != nil)
            (_, body) = try await app.get("/households/\(h.id!)", session)
            #expect(body.contains("id=\"pairings\"") && body.contains(cadre.name))
        }
    }

    /// R-37-3: ending the pairing of a household that has not exited is refused with the rule; an
    /// exited household's pairing may end. A pairing ended by other means shows as a violation.
    @Test func aPairingCannotEndBeforeTheHouseholdExits() async throws {
        try await withTestApp(households: 216) { app in
            let token = try await app.token("clerk1")
            let headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
            let poor = try await Household.query(on: app.db).filter(\.$townshipCode == "540102001")
                .filter(\.$status == HouseholdStatus.notExited).sort(\.$id).first()!
            let cadre = try await PairingService.candidates(for: OrgCode(poor.villageCode)!, on: app.systemData).last!
            var pairingID: RowID<Pairing> = 0
            try await app.testing().test(
                .POST, "/api/v1/households/\(poor.id!)/pairings", headers: headers,
                body: ByteBuffer(string: #"{"cadre_id": \#(cadre.id!), "started_on": "2020-01-01"}"#)
            ) { res in
                #expect(res.status == .created)
                pairingID = try res.content.decode(ComplianceController.Created.self).id
            }
            // The same cadre twice at once: 409; a cadre of another county: 400.
            try await app.testing().test(
                .POST, "/api/v1/households/\(poor.id!)/pairings", headers: headers,
                body: ByteBuffer(string: #"{"cadre_id": \#(cadre.id!), "started_on": "2020-01-01"}"#)
            ) { res in
                #expect(res.status == .conflict)
            }
            let foreign = try await Cadre.query(on: app.db).filter(\.$unitCode == "540103").first()!
            try await app.testing().test(
                .POST, "/api/v1/households/\(poor.id!)/pairings", headers: headers,
                body: ByteBuffer(string: #"{"cadre_id": \#(foreign.id!), "started_on": "2020-01-01"}"#)
            ) { res in
                #expect(res.status == .badRequest)
            }
            try await app.testing().test(
                .POST, "/api/v1/pairings/\(pairingID)/end", headers: headers,
                body: ByteBuffer(string: #"{"ended_on": "2021-01-01", "end_reason": "调动"}"#)
            ) { res in
                #expect(res.status == .conflict && res.body.string.contains("pairing_before_exit"))
            }
            #expect(try await Pairing.find(pairingID, on: app.db)!.endedOn == nil)
            // Ended by other means (an old record): R-37-3 finds it.
            try await Pairing.query(on: app.db).filter(\.$id == pairingID).set(
                \.$endedOn, to: CivilDate(iso: "2021-01-01")!
            ).update()
            let summary = try await ComplianceService.check(app: app, root: OrgCode("540102")!, actor: .system)
            #expect(summary.byRule["R-37-3", default: 0] >= 1)
            #expect(
                try await ViolationRecord.query(on: app.db).filter(\.$subject == "pairing:\(pairingID)").filter(
                    \.$resolvedAt == nil
                ).count() == 1)

            // An exited household's pairing may end.
            let exited = try await Household.query(on: app.db).filter(\.$townshipCode == "540102001")
                .filter(\.$status == HouseholdStatus.exitedWithPolicy).sort(\.$id).first()!
            let p = Pairing()
            p.cadreID = cadre.id!; p.householdID = exited.id!; p.startedOn = CivilDate(iso: "2018-01-01")!
            try await p.save(on: app.db)
            try await app.testing().test(
                .POST, "/api/v1/pairings/\(p.id!)/end", headers: headers,
                body: ByteBuffer(string: #"{"ended_on": "2021-01-01", "end_reason": "已脱贫"}"#)
            ) { res in
                #expect(res.status == .ok)
            }
        }
    }

    /// The demo has a sprinkling of every rule's violations, and `check` finds them again unchanged.
    /// The rule ids heading the lower units' table.
    static func ruleHeadings(_ page: String) -> [String] {
        page.components(separatedBy: #"<th class="n rule"><abbr title=""#).dropFirst().compactMap { cell in
            cell.split(separator: ">", maxSplits: 1).last.map { String($0.prefix { $0 != "<" }) }
        }
    }

    @Test func theDemoHasEveryRulesViolations() async throws {
        try await withTestApp(households: 600) { app in
            let open = try await ViolationRecord.query(on: app.db).filter(\.$resolvedAt == nil).all()
            for rule in ComplianceRules.all {
                #expect(open.contains { $0.rule == rule.id.rawValue }, "no \(rule.id) in the demo")
            }
            let again = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
            #expect(again.opened == 0 && again.resolved == 0 && again.found == open.count)
            // The county's page lists its townships by the rules they break, not by all 28 (issue #24 item 7).
            let county = try await app.session("chengguan")
            let page = try await app.get("/units/540102/compliance", county.0).1
            var under = Set<String>()
            for v in open where v.unitCode.hasPrefix("540102") && v.unitCode != "540102" { under.insert(v.rule) }
            let headed = Self.ruleHeadings(page)
            #expect(Set(headed) == under && headed.count == under.count && under.count < ComplianceRules.all.count)
        }
    }

    /// The assignment helper: the township clerk opens the proposals for unpaired households, confirms
    /// them, and every proposed household is paired with the proposed cadre; R-37-2 is resolved for them.
    @Test func theAssignmentHelperPairsUnpairedHouseholds() async throws {
        try await withTestApp(households: 216) { app in
            let township = "540102001"
            let poor = try await Household.query(on: app.db).filter(\.$townshipCode == township)
                .filter(\.$status == HouseholdStatus.notExited).sort(\.$id).limit(3).all()
            try await Pairing.query(on: app.db).filter(\.$householdID ~~ poor.map { $0.id! }).delete()
            // Room under quota: the county's cadres lose their pairings.
            let countyCadres = try await Cadre.query(on: app.db).filter(\.$unitCode == "540102").all()
            try await Pairing.query(on: app.db).filter(\.$cadreID ~~ countyCadres.map { $0.id! }).delete()
            _ = try await ComplianceService.check(app: app, root: OrgCode("540102")!, actor: .system)
            let clerk = try await app.session("clerk1")
            let compliance = try await app.get("/units/\(township)/compliance", clerk.0).1
            #expect(compliance.contains("/units/\(township)/pairing-proposals"))
            let proposals = try await PairingService.proposals(
                for: OrgCode(township)!, on: app.systemData, t: app.localizer.translations(.zh))
            for h in poor { #expect(proposals.contains { $0.household_id == h.id }, "no proposal for \(h.number)") }
            let page = try await app.get("/units/\(township)/pairing-proposals", clerk.0).1
            #expect(page.contains("id=\"proposals\"") && page.contains(poor[0].number))
            // Another township's clerk sees nothing of it and cannot apply it.
            #expect(
                try await app.get("/units/\(township)/pairing-proposals", try await app.session("clerk2").0).0
                    == .notFound)
            let fields = proposals.map { ("pair[]", "\($0.household_id):\($0.cadre_id)") }
            #expect(
                try await app.postForm("/units/\(township)/pairing-proposals", try await app.session("clerk2"), fields)
                    .0 == .notFound)
            #expect(
                try await app.postForm("/units/\(township)/pairing-proposals", clerk, [("pair[]", "x")]).1.contains(
                    "form-error"))
            #expect(try await app.postForm("/units/\(township)/pairing-proposals", clerk, fields).0 == .seeOther)
            for p in proposals {
                #expect(
                    try await Pairing.query(on: app.db).filter(\.$householdID == p.household_id).filter(
                        \.$cadreID == p.cadre_id
                    )
                    .filter(\.$endedOn == nil).count() == 1)
            }
            for h in poor {
                #expect(
                    try await ViolationRecord.query(on: app.db).filter(\.$rule == "R-37-2").filter(
                        \.$subject == "household:\(h.id!)"
                    )
                    .filter(\.$resolvedAt == nil).count() == 0)
            }
        }
    }
}

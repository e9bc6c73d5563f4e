import Fluent
import Testing
import TuopinCore
import VaporTesting

@testable import TuopinServer

/// Article 30 (issue #25 item 9): the village page lists the notices that concern the village — the township's
/// fund disclosure allocating to it among them — and its supervisor may file an observation on that notice;
/// another village's supervisor may not.
@Suite(.serialized) struct VillageNoticesHTTPTests {
    let village = "540102001201"

    @Test func aSupervisorSeesAndObservesTheTownshipsFundNoticeForTheVillage() async throws {
        try await withTestApp(households: 216) { app in
            let county = try await APIClient.login(app, "chengguan")
            let w = WorkflowCaseTests()
            let today = w.day(app), year = app.clock.today.year
            #expect(
                try await county.call(
                    .POST, "/api/v1/units/540102/receipts",
                    ["source": "central", "year": year, "amount": "80000", "entry_date": today, "counterpart": "中央"]
                ).status == .created)
            #expect(
                try await county.call(
                    .POST, "/api/v1/units/540102/allocations",
                    ["source": "central", "year": year, "amount": "60000", "entry_date": today, "to_unit": "540102001"]
                ).status == .created)
            let clerk = try await APIClient.login(app, "clerk1")
            let give = try await clerk.call(
                .POST, "/api/v1/units/540102001/allocations",
                [
                    "source": "central", "year": year, "amount": "50000", "entry_date": today, "to_unit": village,
                    "note": "村级道路",
                ])
            #expect(give.status == .created, "\(give.text)")
            let disclosed = try await clerk.call(
                .POST, "/api/v1/units/540102001/disclosures",
                [
                    "entry_ids": [give.json["id"] as! Int], "place": "乡政府公示栏", "starts_on": today,
                    "ends_on": w.day(app, 9),
                ])
            #expect(disclosed.status == .created, "\(disclosed.text)")
            let noticeID = disclosed.json["id"] as! Int

            // On the village page, for its supervisor, with a word on what an observation does.
            let supervisor = try await app.session("supervisor1")
            let page = try await app.get("/units/\(village)", supervisor.0).1
            #expect(page.contains("id=\"village-notices\"") && page.contains("href=\"/gongshi/\(noticeID)\""))
            #expect(page.contains(app.localizer.translations(.zh)["village_notices_observe"]))
            // Not on a village the allocation does not reach.
            let other = try await app.get("/units/540102001202", try await app.session("chengguan").0).1
            #expect(!other.contains("href=\"/gongshi/\(noticeID)\""))
            // The notice page offers the observation to this village's supervisor, and takes it.
            #expect(try await app.get("/gongshi/\(noticeID)", supervisor.0).1.contains("value=\"observation\""))
            let r = try await APIClient.login(app, "supervisor1").call(
                .POST, "/api/v1/notices/\(noticeID)/objections", ["text": "道路资金尚未到村。", "kind": "observation"])
            #expect(r.status == .created, "\(r.text)")
            #expect(try await Objection.query(on: app.db).filter(\.$kind == .observation).count() == 1)
        }
    }

    /// The supervisor's channel reaches no further than the notices concerning the village.
    @Test func notAboutAnotherVillage() async throws {
        let supervisor = Scope(bindings: [RoleBinding(role: .villageSupervisor, unit: OrgCode("540102001201")!)])
        #expect(supervisor.mayObserve(noticeConcerning: [OrgCode("540102")!, OrgCode("540102001201")!]))
        #expect(!supervisor.mayObserve(noticeConcerning: [OrgCode("540102")!, OrgCode("540102001202")!]))
        #expect(!supervisor.mayObserve(noticeConcerning: []))
    }
}

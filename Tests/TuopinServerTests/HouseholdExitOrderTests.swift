import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// Household exit in the national order (issue #25 item 1): a household that does not agree ends its case, the
/// township may refuse, and the prefecture's 备案审核 refusal reverses an exit — status back, exit year cleared,
/// audited and on the household's history. Cases of the old order move to the step with the same work done.
@Suite struct HouseholdExitOrderTests {
    let w = WorkflowCaseTests()

    func body(_ app: Application, _ action: String, notice: Bool) -> [String: Any] {
        var b: [String: Any] = ["action": action]
        if notice { b.merge(w.noticeBody(app)) { $1 } }
        if action == "recordConsent" { b["consent"] = true; b["consent_date"] = w.day(app) }
        return b
    }

    /// A poor household of village1's village that meets the exit criteria, with its exit case proposed by the village.
    func proposedExit(_ app: Application, _ village: APIClient) async throws -> (RowID<Household>, Int) {
        let hh = try await w.poorHousehold(app)
        try await w.setExitFacts(app, household: hh, perCapitaAbove: true)
        let r = try await village.call(
            .POST, "/api/v1/cases",
            ["workflow": "W-household-exit", "household_id": hh, "year": 2020, "votes_for": 20, "votes_against": 1])
        #expect(r.status == .created, "\(r.text)")
        return (hh, (r.json["ids"] as! [Int])[0])
    }

    /// A household of village1's village taken through the exit to 销号 (8 steps), by the API.
    func exitToDeregistration(_ app: Application, _ clock: TestClock) async throws -> (RowID<Household>, Int) {
        let village = try await APIClient.login(app, "village1"), clerk = try await APIClient.login(app, "clerk1")
        let county = try await APIClient.login(app, "chengguan")
        let (hh, id) = try await proposedExit(app, village)
        // Dates are read when each step is sent (the clock moves past each notice).
        let steps: [(APIClient, String, Bool)] = [
            (village, "verify", false), (village, "recordConsent", false), (village, "publishVillageNotice", true),
            (clerk, "reviewTownship", false), (county, "approveCounty", false), (county, "announce", true),
            (county, "deregister", false),
        ]
        for (client, action, opensNotice) in steps {
            let s = try await client.call(.POST, "/api/v1/cases/\(id)/steps", body(app, action, notice: opensNotice))
            #expect(s.status == .ok, "\(action): \(s.text)")
            if opensNotice { try await w.afterNotice(clock, village, clerk, county) }
        }
        return (hh, id)
    }

    @Test func aPrefectureRefusalAtFilingReversesTheExit() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let (hh, id) = try await exitToDeregistration(app, clock)
            #expect(try await Household.find(hh, on: app.db)!.exitYear == 2020)
            let prefecture = try await APIClient.login(app, "lasa")
            var r = try await prefecture.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "reject"])
            #expect(r.status == .badRequest)  // a refusal gives its reason
            #expect(try await Household.find(hh, on: app.db)!.status == .exitedWithPolicy)
            r = try await prefecture.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "reject", "reason": "备案审核：收入核算漏计医疗支出"])
            #expect(r.status == .ok, "\(r.text)")
            let h = try #require(try await Household.find(hh, on: app.db))
            #expect(h.status == .notExited && h.exitYear == nil)
            #expect(try await w.caseStatus(app, id) == (8, "rejected"))
            #expect(try await app.auditCount(action: "household.exit_reverse") == 1)
            let page = try await app.get("/households/\(hh)", try await app.session("clerk1").0).1
            #expect(page.contains("退出撤销（备案审核未通过）"))
        }
    }

    @Test func aHouseholdThatDoesNotAgreeOrATownshipRefusalEndsTheCase() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let households = try await w.gather(app, count: 2)
            let village = try await APIClient.login(app, "village1"), clerk = try await APIClient.login(app, "clerk1")
            var ids: [Int] = []
            for hh in households {
                try await w.setExitFacts(app, household: hh, perCapitaAbove: true)
                let r = try await village.call(
                    .POST, "/api/v1/cases",
                    [
                        "workflow": "W-household-exit", "household_id": hh, "year": 2020, "votes_for": 20,
                        "votes_against": 1,
                    ])
                ids.append((r.json["ids"] as! [Int])[0])
                _ = try await village.call(.POST, "/api/v1/cases/\(ids.last!)/steps", ["action": "verify"])
            }
            // The household does not agree: the village records it, and the case ends.
            var r = try await village.call(
                .POST, "/api/v1/cases/\(ids[0])/steps", ["action": "reject", "reason": "户主不认可退出"])
            #expect(r.status == .ok)
            #expect(try await w.caseStatus(app, ids[0]) == (2, "rejected"))
            // The township's review may refuse after the village notice.
            _ = try await village.call(
                .POST, "/api/v1/cases/\(ids[1])/steps",
                ["action": "recordConsent", "consent": true, "consent_date": w.day(app)])
            _ = try await village.call(
                .POST, "/api/v1/cases/\(ids[1])/steps",
                ["action": "publishVillageNotice"].merging(w.noticeBody(app)) { $1 })
            try await w.afterNotice(clock, village, clerk)
            r = try await clerk.call(
                .POST, "/api/v1/cases/\(ids[1])/steps", ["action": "reject", "reason": "乡镇审核：收入不稳定"])
            #expect(r.status == .ok)
            #expect(try await w.caseStatus(app, ids[1]) == (4, "rejected"))
            for hh in households { #expect(try await Household.find(hh, on: app.db)!.status == .notExited) }
        }
    }

    /// Article 30 (issue #25 item 9): a village supervisor's observation on the notice holds the next step until
    /// the publishing level answers it; an observation is answered, not accepted or rejected.
    @Test func aSupervisorsObservationHoldsTheNextStepUntilAnswered() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let village = try await APIClient.login(app, "village1"), clerk = try await APIClient.login(app, "clerk1")
            let supervisor = try await APIClient.login(app, "supervisor1")
            let (_, id) = try await proposedExit(app, village)
            var r: APIClient.Reply
            for action in ["verify", "recordConsent", "publishVillageNotice"] {
                r = try await village.call(
                    .POST, "/api/v1/cases/\(id)/steps", body(app, action, notice: action == "publishVillageNotice"))
                #expect(r.status == .ok, "\(action): \(r.text)")
            }
            let noticeID = try #require(try await WorkflowCase.find(RowID(id), on: app.db)?.noticeID)
            r = try await supervisor.call(
                .POST, "/api/v1/notices/\(noticeID)/objections",
                ["text": "评议会议有两名村民代表未到场。", "kind": "observation", "case_id": id])
            #expect(r.status == .created, "\(r.text)")
            let observation = try #require(
                try await Objection.query(on: app.db).filter(\.$kind == .observation).first())
            #expect(observation.status == .open)
            try await w.afterNotice(clock, village, clerk, supervisor)
            r = try await clerk.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "reviewTownship"])
            #expect(r.status == .conflict && r.errorCode == "wf_objection_open", "\(r.text)")
            r = try await village.call(
                .POST, "/api/v1/objections/\(observation.id!)/decision", ["decision": "accept", "reason": "—"])
            #expect(r.status == .badRequest)
            r = try await village.call(
                .POST, "/api/v1/objections/\(observation.id!)/decision",
                ["decision": "answer", "reason": "已补充两名代表的书面意见，附会议记录。"])
            #expect(r.status == .noContent, "\(r.text)")
            #expect(try await Objection.find(observation.id!, on: app.db)?.status == .noted)
            r = try await clerk.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "reviewTownship"])
            #expect(r.status == .ok, "\(r.text)")
        }
    }

    /// 返贫 (issue #25 item 5): an exited household that falls back goes through W-return, not identification; at
    /// the end it is poor again (返贫) and its exit year is kept, so the exit stays on record.
    @Test func anExitedHouseholdReturnsToPovertyWithItsExitKept() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let hh = try await w.poorHousehold(app)
            try await app.db.sqlDatabase.update(Household.schema)
                .set("status", to: SQLBind(HouseholdStatus.exitedWithPolicy.rawValue)).set(
                    "exit_year", to: SQLBind(2019)
                )
                .where("id", .equal, SQLBind(hh)).run()
            let village = try await APIClient.login(app, "village1"), clerk = try await APIClient.login(app, "clerk1")
            let county = try await APIClient.login(app, "chengguan")
            var r = try await village.call(
                .POST, "/api/v1/cases",
                ["workflow": "W-identification", "household_id": hh, "year": 2020, "votes_for": 20, "votes_against": 1])
            #expect(r.status == .conflict && r.text.contains("返贫认定"), "\(r.text)")
            r = try await village.call(
                .POST, "/api/v1/cases", ["workflow": "W-return", "household_id": hh, "year": 2020])
            #expect(r.status == .created, "\(r.text)")
            let id = (r.json["ids"] as! [Int])[0]
            let steps: [(APIClient, String, [String: Any])] = [
                (village, "appraise", ["votes_for": 20, "votes_against": 1]), (village, "publishVillageNotice", [:]),
                (clerk, "reviewTownship", [:]), (clerk, "publishSecondNotice", [:]), (county, "approveCounty", [:]),
                (county, "announceCounty", [:]), (county, "register", [:]),
            ]
            for (client, action, extra) in steps {
                let notice = Workflows.returnToPoverty.steps[Workflows.returnToPoverty.stepIndex(action)!].opensNotice
                var b = body(app, action, notice: notice)
                b.merge(extra) { $1 }
                r = try await client.call(.POST, "/api/v1/cases/\(id)/steps", b)
                #expect(r.status == .ok, "\(action): \(r.text)")
                if notice { try await w.afterNotice(clock, village, clerk, county) }
            }
            let h = try #require(try await Household.find(hh, on: app.db))
            #expect(h.status == .returnedToPoverty && h.exitYear == 2019)
            #expect(try await app.auditCount(action: "household.return") == 1)
            // Poor again: its exit is the next thing, and identification is still not for it.
            #expect(Workflows.startable(forHousehold: h.status).id == Workflows.householdExit.id)
        }
    }

    @Test func casesOfTheOldOrderMoveToTheSameWorkDone() async throws {
        try await withTestApp(households: 216, cases: true) { app in
            let cases = try await WorkflowCase.query(on: app.db).filter(\.$workflow == Workflows.householdExit.id)
                .sort(\.$id).limit(3).all()
            try #require(cases.count == 3)
            for (c, old) in zip(cases, [5, 6, 7]) {
                try await app.db.sqlDatabase.update("cases").set("step", to: SQLBind(old)).where(
                    "id", .equal, SQLBind(c.id!)
                ).run()
            }
            try await HouseholdExitOrder.moveCases(on: app.db.sqlDatabase)
            var moved: [Int] = []
            for c in cases { moved.append(try await WorkflowCase.find(c.id!, on: app.db)!.step) }
            #expect(moved == [5, 8, 9])
        }
    }
}

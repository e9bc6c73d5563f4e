import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// A JSON API client for scenario tests: one user's token, raw JSON in and out.
final class APIClient: @unchecked Sendable {
    let app: Application
    let user: String
    private(set) var token: String

    init(app: Application, user: String, token: String) { self.app = app; self.user = user; self.token = token }

    /// Signs in again (sessions end after 12 hours; scenario tests move the clock by days).
    func renew() async throws { token = try await app.token(user) }

    struct Reply {
        let status: HTTPResponseStatus
        let json: [String: Any]
        let array: [[String: Any]]
        let text: String
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var message: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    static func login(_ app: Application, _ user: String) async throws -> APIClient {
        APIClient(app: app, user: user, token: try await app.token(user))
    }

    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> Reply {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        if body != nil { headers.add(name: .contentType, value: "application/json") }
        var reply: Reply?
        try await app.testing().test(
            method, path, headers: headers,
            body: body.map { ByteBuffer(data: try! jsonBody($0)) }
        ) { res in
            let data = Data(buffer: res.body)
            let object = try? JSONSerialization.jsonObject(with: data)
            reply = Reply(
                status: res.status, json: object as? [String: Any] ?? [:], array: object as? [[String: Any]] ?? [],
                text: res.body.string)
        }
        return reply!
    }
}

/// Walks the four workflows end to end over HTTP as the right roles, and checks each refusal.
@Suite struct WorkflowCaseTests {
    static let village = "540102001201"

    /// Moves the clock past a notice (8 days) and signs everyone in again.
    func afterNotice(_ clock: TestClock, _ clients: APIClient...) async throws {
        clock.advance(8 * 86_400)
        for c in clients { try await c.renew() }
    }

    /// A date `days` after the app's today, as the forms send it.
    func day(_ app: Application, _ days: Int = 0) -> String { app.clock.today.adding(days: days).description }

    func noticeBody(_ app: Application) -> [String: Any] {
        ["place": "村委会公示栏", "starts_on": day(app), "ends_on": day(app, 6)]
    }

    /// Makes a household meet (or miss) the exit criteria through the registry API.
    func setExitFacts(_ app: Application, household id: RowID<Household>, perCapitaAbove: Bool) async throws {
        let clerk = try await APIClient.login(app, "clerk1")
        func version() async throws -> Int { try await Household.find(id, on: app.db)!.version }
        try await clerk.call(
            .PUT, "/api/v1/households/\(id)/incomes/2020",
            [
                "version": try await version(), "wage": perCapitaAbove ? "90000" : "100", "business": "0",
                "property": "0",
                "transfer": "0", "costs": "0",
            ])
        for kind in GuaranteeKind.allCases {
            let r = try await clerk.call(
                .PUT, "/api/v1/households/\(id)/guarantees/\(kind.rawValue)",
                ["version": try await version(), "met": true])
            #expect(r.status == .ok || r.status == .noContent, "\(r.text)")
        }
    }

    /// The small test demo has one household per village: move `count` of the county's households into
    /// village1's village as 未脱贫 (test set-up, straight in the database).
    func gather(_ app: Application, count: Int) async throws -> [RowID<Household>] {
        let ids = try await Household.query(on: app.db).filter(\.$countyCode == "540102").sort(\.$id).limit(count).all()
            .map { $0.id! }
        try await app.db.sqlDatabase.update(Household.schema).set("village_code", to: SQLBind(Self.village))
            .set("township_code", to: SQLBind("540102001")).set(
                "status", to: SQLBind(HouseholdStatus.notExited.rawValue)
            )
            .where("id", .in, SQLBind.group(ids)).run()
        return ids
    }

    func poorHousehold(_ app: Application) async throws -> RowID<Household> { try await gather(app, count: 1)[0] }

    func caseStatus(_ app: Application, _ id: Int) async throws -> (step: Int, status: String) {
        let c = try await WorkflowCase.find(RowID(id), on: app.db)!
        return (c.step, c.status.rawValue)
    }

    @Test func householdExitEndToEndWithEveryRefusal() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let hh = try await poorHousehold(app)
            let village = try await APIClient.login(app, "village1")
            let clerk = try await APIClient.login(app, "clerk1")
            let county = try await APIClient.login(app, "chengguan")
            let prefecture = try await APIClient.login(app, "lasa")
            try await setExitFacts(app, household: hh, perCapitaAbove: false)

            // Only the village may propose, and only with a majority recorded.
            var r = try await clerk.call(
                .POST, "/api/v1/cases",
                [
                    "workflow": "W-household-exit", "household_id": hh, "year": 2020,
                    "votes_for": 20, "votes_against": 1,
                ])
            #expect(r.status == .forbidden && r.errorCode == "wf_wrong_role")
            r = try await village.call(
                .POST, "/api/v1/cases",
                [
                    "workflow": "W-household-exit", "household_id": hh, "year": 2020,
                    "votes_for": 3, "votes_against": 9,
                ])
            #expect(r.status == .conflict && r.errorCode == "wf_appraisal_votes")
            #expect(try await WorkflowCase.query(on: app.db).filter(\.$householdID != nil).count() == 0)
            r = try await village.call(
                .POST, "/api/v1/cases",
                [
                    "workflow": "W-household-exit", "household_id": hh, "year": 2020,
                    "votes_for": 20, "votes_against": 1,
                ])
            #expect(r.status == .created, "\(r.text)")
            let id = (r.json["ids"] as! [Int])[0]
            // A second open exit case for the same household is refused.
            r = try await village.call(
                .POST, "/api/v1/cases",
                [
                    "workflow": "W-household-exit", "household_id": hh, "year": 2020,
                    "votes_for": 20, "votes_against": 1,
                ])
            #expect(r.status == .conflict && r.errorCode == "not_eligible")

            // Income below the line: refused with the reason, nothing changes.
            let audit = try await app.auditCount()
            r = try await village.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "verify"])
            #expect(
                r.status == .conflict && r.errorCode == "wf_exit_criteria" && r.message.contains("2020"), "\(r.text)")
            #expect(try await caseStatus(app, id).step == 1)
            #expect(try await app.auditCount() == audit)
            try await setExitFacts(app, household: hh, perCapitaAbove: true)
            // Out of order, and the wrong level.
            r = try await village.call(
                .POST, "/api/v1/cases/\(id)/steps",
                ["action": "recordConsent", "consent": true, "consent_date": day(app)])
            #expect(r.status == .conflict && r.errorCode == "wf_out_of_order")
            r = try await county.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "verify"])
            #expect(r.status == .forbidden && r.errorCode == "wf_wrong_role")
            r = try await village.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "verify"])
            #expect(r.status == .ok, "\(r.text)")
            // Consent must be recorded.
            r = try await village.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "recordConsent"])
            #expect(r.status == .conflict && r.errorCode == "wf_consent_missing")
            r = try await village.call(
                .POST, "/api/v1/cases/\(id)/steps",
                ["action": "recordConsent", "consent": true, "consent_date": day(app)])
            #expect(r.status == .ok)
            // A notice shorter than the year's minimum is refused; a 7-day one opens.
            r = try await village.call(
                .POST, "/api/v1/cases/\(id)/steps",
                ["action": "publishVillageNotice", "place": "村委会", "starts_on": day(app), "ends_on": day(app, 3)])
            #expect(r.status == .badRequest && r.errorCode == "notice_too_short")
            r = try await village.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "publishVillageNotice"].merging(noticeBody(app)) { $1 })
            #expect(r.status == .ok, "\(r.text)")
            let noticeID = try await WorkflowCase.find(RowID(id), on: app.db)!.noticeID!

            // The township's review waits for the notice's end…
            r = try await clerk.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "reviewTownship"])
            #expect(r.status == .conflict && r.errorCode == "wf_notice_running")
            // …and for every objection: one filed on the portal (no login) blocks it.
            var code = ""
            try await app.testing().test(
                .POST, "/api/v1/notices/\(noticeID)/objections", headers: ["Content-Type": "application/json"],
                body: ByteBuffer(string: #"{"text":"该户家里新买了汽车","case_id":\#(id)}"#)
            ) { res in
                #expect(res.status == .created)
                code = try res.content.decode(PortalController.Filed.self).code
            }
            try await afterNotice(clock, village, clerk, county, prefecture)
            r = try await clerk.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "reviewTownship"])
            #expect(r.status == .conflict && r.errorCode == "wf_objection_open", "\(r.text)")
            // The village (which published the notice) rejects the objection with a public reason.
            let objection = try await Objection.query(on: app.db).filter(\.$code == code).first()!
            // The objector's address is kept as a keyed hash, not a plain SHA-256 a table reverses (issue #22).
            #expect(objection.clientHash == app.tuopin.protector.index("objection-client:unknown"))
            #expect(objection.clientHash != Hashing.sha256Hex("unknown"))
            r = try await clerk.call(
                .POST, "/api/v1/objections/\(objection.id!)/decision", ["decision": "reject", "reason": "核实为借用亲属车辆"])
            #expect(r.status == .forbidden)
            r = try await village.call(
                .POST, "/api/v1/objections/\(objection.id!)/decision", ["decision": "reject", "reason": "核实为借用亲属车辆"])
            #expect(r.status == .noContent, "\(r.text)")
            try await app.testing().test(.GET, "/api/v1/objections/\(code)") { res in
                #expect(res.status == .ok && res.body.string.contains("核实为借用亲属车辆"))
            }
            // The township reviews, the county decides — the household has not exited yet (article 18, 2016 意见).
            r = try await clerk.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "reviewTownship"])
            #expect(r.status == .ok, "\(r.text)")
            r = try await county.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "approveCounty"])
            #expect(r.status == .ok, "\(r.text)")
            #expect(try await Household.find(hh, on: app.db)!.status == .notExited)
            // 公告退出 after the decision; 销号 waits for it to end, and only then is the household exited.
            r = try await clerk.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "announce"].merging(noticeBody(app)) { $1 })
            #expect(r.status == .ok, "\(r.text)")
            r = try await county.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "deregister"])
            #expect(r.status == .conflict && r.errorCode == "wf_notice_running")
            #expect(try await Household.find(hh, on: app.db)!.exitYear == nil)
            try await afterNotice(clock, village, clerk, county, prefecture)
            r = try await county.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "deregister"])
            #expect(r.status == .ok, "\(r.text)")
            let exited = try await Household.find(hh, on: app.db)!
            #expect(exited.status == .exitedWithPolicy && exited.exitYear == 2020)
            #expect(try await caseStatus(app, id) == (8, "open"))
            r = try await prefecture.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "filePrefecture"])
            #expect(r.status == .ok)
            #expect(try await caseStatus(app, id) == (9, "closed"))
            // Twice is refused.
            r = try await prefecture.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "filePrefecture"])
            #expect(r.status == .conflict && r.errorCode == "wf_finished")
            // The timeline names who did what.
            r = try await village.call(.GET, "/api/v1/cases/\(id)")
            #expect((r.json["steps"] as! [[String: Any]]).count == 9)
            // Another township's clerk cannot see the case.
            let other = try await APIClient.login(app, "clerk2")
            #expect(try await other.call(.GET, "/api/v1/cases/\(id)").status == .notFound)
        }
    }

    @Test func identificationWithQuotaAndAcceptedObjection() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            // A new family applies: the clerk enters it as 监测对象, not yet poor.
            let village = try await APIClient.login(app, "village1")
            let clerk = try await APIClient.login(app, "clerk1")
            let member: [String: Any] = [
                "name": "次仁", "resident_id": ImportExportTests().idWithCheck("54010219850312551"), "relation": "head",
                "ethnicity": "tibetan", "education": "primary", "schooling": "notInSchool", "health": "healthy",
                "labour": "ordinary", "migrant_months": 0,
            ]
            var r = try await clerk.call(
                .POST, "/api/v1/households",
                [
                    "number": "5401020012019990", "village": Self.village, "attribute": "general",
                    "main_cause": "illness", "identified_year": 2020, "applicant": true,
                    "members": [member],
                ])
            #expect(r.status == .created, "\(r.text)")
            let hh = r.json["id"] as! Int
            #expect(try await Household.find(RowID(hh), on: app.db)!.status == .applicant)
            let county = try await APIClient.login(app, "chengguan")
            let region = try await APIClient.login(app, "region")
            r = try await clerk.call(
                .POST, "/api/v1/cases", ["workflow": "W-identification", "household_id": hh, "year": 2020])
            #expect(r.status == .created, "\(r.text)")
            let id = (r.json["ids"] as! [Int])[0]
            r = try await village.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "appraise"])
            #expect(r.errorCode == "wf_appraisal_votes")
            r = try await village.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "appraise", "votes_for": 40, "votes_against": 3])
            #expect(r.status == .ok)
            r = try await village.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "publishVillageNotice"].merging(noticeBody(app)) { $1 })
            #expect(r.status == .ok)
            // An objection accepted sends the case back before the notice.
            let noticeID = try await WorkflowCase.find(RowID(id), on: app.db)!.noticeID!
            try await app.testing().test(
                .POST, "/api/v1/notices/\(noticeID)/objections", headers: ["Content-Type": "application/json"],
                body: ByteBuffer(string: #"{"text":"评议会议未通知全体村民"}"#)
            ) { res in #expect(res.status == .created) }
            let objection = try await Objection.query(on: app.db).filter(\.$noticeID == noticeID).first()!
            r = try await village.call(
                .POST, "/api/v1/objections/\(objection.id!)/decision", ["decision": "accept", "reason": "重新召开评议会议"])
            #expect(r.status == .noContent)
            #expect(try await caseStatus(app, id) == (2, "open"))
            r = try await village.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "publishVillageNotice"].merging(noticeBody(app)) { $1 })
            #expect(r.status == .ok)
            try await afterNotice(clock, village, clerk, county, region)
            r = try await clerk.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "reviewTownship"])
            #expect(r.status == .ok)
            r = try await clerk.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "publishSecondNotice"].merging(noticeBody(app)) { $1 })
            #expect(r.status == .ok)
            try await afterNotice(clock, village, clerk, county, region)
            // Scale control: a quota region HQ never set does not block (issue #25 item 11); a quota used up does,
            // until region's exemption.
            #expect(try await CaseFigures.withinQuota(on: app.systemData, county: "540102", year: 2020))
            r = try await county.call(.PUT, "/api/v1/units/540102/quotas/2020", ["quota": 5])
            #expect(r.status == .forbidden)
            r = try await region.call(.PUT, "/api/v1/units/540102/quotas/2020", ["quota": 0])
            #expect(r.status == .ok)
            r = try await county.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "approveCounty"])
            #expect(r.errorCode == "wf_quota")
            r = try await region.call(
                .PUT, "/api/v1/units/540102/quotas/2020", ["quota": 0, "exemption": "藏扶领〔2020〕7号"])
            r = try await county.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "approveCounty"])
            #expect(r.status == .ok, "\(r.text)")
            r = try await county.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "announceCounty"].merging(noticeBody(app)) { $1 })
            #expect(r.status == .ok)
            try await afterNotice(clock, village, clerk, county, region)
            r = try await county.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "register"])
            #expect(r.status == .ok)
            let registered = try await Household.find(RowID(hh), on: app.db)!
            #expect(registered.status == .notExited && registered.identifiedYear == 2020)
            #expect(try await caseStatus(app, id) == (8, "closed"))
        }
    }

    @Test func villageAndCountyExitCheckTheirThresholds() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let clerk = try await APIClient.login(app, "clerk1")
            let county = try await APIClient.login(app, "chengguan")
            let prefecture = try await APIClient.login(app, "lasa")
            let region = try await APIClient.login(app, "region")
            // Village exit: incidence needs the village's rural population, kept by the county.
            var r = try await clerk.call(
                .POST, "/api/v1/cases", ["workflow": "W-village-exit", "unit_code": Self.village, "year": 2020])
            #expect(r.status == .created, "\(r.text)")
            let v = (r.json["ids"] as! [Int])[0]
            r = try await county.call(.POST, "/api/v1/cases/\(v)/steps", ["action": "reviewCounty"])
            #expect(r.status == .ok)
            r = try await prefecture.call(.POST, "/api/v1/cases/\(v)/steps", ["action": "assessPrefecture"])
            #expect(r.errorCode == "wf_village_incidence")
            r = try await clerk.call(
                .PUT, "/api/v1/units/\(Self.village)/rural-population", ["rural_population": 100_000])
            #expect(r.status == .forbidden)
            r = try await county.call(
                .PUT, "/api/v1/units/\(Self.village)/rural-population", ["rural_population": 100_000])
            #expect(r.status == .ok)
            r = try await prefecture.call(.POST, "/api/v1/cases/\(v)/steps", ["action": "assessPrefecture"])
            #expect(r.status == .ok, "\(r.text)")
            r = try await prefecture.call(
                .POST, "/api/v1/cases/\(v)/steps", ["action": "publishNotice"].merging(noticeBody(app)) { $1 })
            #expect(r.status == .ok)
            try await afterNotice(clock, clerk, county, prefecture, region)
            r = try await prefecture.call(.POST, "/api/v1/cases/\(v)/steps", ["action": "approvePrefecture"])
            #expect(r.status == .ok)
            #expect(try await OrgUnit.find(Self.village, on: app.db)!.exitYear == 2020)

            // County exit: each of the four thresholds refuses by name.
            r = try await county.call(
                .POST, "/api/v1/cases", ["workflow": "W-county-exit", "unit_code": "540102", "year": 2020])
            #expect(r.status == .created, "\(r.text)")
            let c = (r.json["ids"] as! [Int])[0]
            r = try await prefecture.call(.POST, "/api/v1/cases/\(c)/steps", ["action": "checkPrefecture"])
            #expect(r.status == .ok)
            let good: [String: Any] = [
                "sampled_exited": 1000, "wrongly_exited": 5, "sampled_non_registered": 1000, "missed": 5,
                "surveyed_households": 500, "approving": 480,
            ]
            // The county's third-party survey of the year is filled into the region's form (article 7).
            let survey = SurveyRecord()
            survey.unitCode = "540102"; survey.year = 2020; survey.evaluator = "第三方";
            survey.surveyedOn = CivilDate(iso: "2020-11-01")!
            survey.sampledExited = 1000; survey.wronglyExited = 5; survey.sampledNonRegistered = 1000; survey.missed = 5
            survey.surveyedHouseholds = 500; survey.approving = 480; survey.note = ""; survey.createdBy = 0
            try await survey.save(on: app.db)
            let (_, form) = try await app.get("/cases/\(c)", try await app.session("region").0)
            for (name, value) in good {
                #expect(form.contains(#"name="\#(name)" min="0" required size="6" value="\#(value)""#), "\(name)")
            }
            let t = app.localizer.translations(.zh)
            for (change, threshold) in [
                (["surveyed_households": 500, "approving": 400], "recognition"),
                // A missed rate of exactly 2% fails it; 2% of the county's non-registered people (about 2,000 of
                // 100,000) still leaves the comprehensive incidence below 3% (issue #25 item 3: over people).
                (["wrongly_exited": 50], "wrongExitRate"), (["missed": 20], "missedRate"),
            ] {
                r = try await region.call(
                    .POST, "/api/v1/cases/\(c)/steps",
                    ["action": "assessRegion"].merging(good.merging(change) { $1 }) { $1 })
                #expect(
                    r.errorCode == "wf_county_thresholds" && r.message.contains(t["wf_threshold_\(threshold)"]),
                    "\(threshold): \(r.text)")
                #expect(!r.message.contains(t["wf_threshold_comprehensiveIncidence"]))
            }
            // The comprehensive incidence: 100,000 rural people, then only 200.
            r = try await county.call(.PUT, "/api/v1/units/\(Self.village)/rural-population", ["rural_population": 200])
            r = try await region.call(
                .POST, "/api/v1/cases/\(c)/steps", ["action": "assessRegion"].merging(good) { $1 })
            #expect(
                r.errorCode == "wf_county_thresholds" && r.message.contains(t["wf_threshold_comprehensiveIncidence"]),
                "\(r.text)")
            #expect(try await caseStatus(app, c) == (2, "open"))
            r = try await county.call(
                .PUT, "/api/v1/units/\(Self.village)/rural-population", ["rural_population": 1_000_000])
            r = try await region.call(
                .POST, "/api/v1/cases/\(c)/steps", ["action": "assessRegion"].merging(good) { $1 })
            #expect(r.status == .ok, "\(r.text)")
            r = try await region.call(
                .POST, "/api/v1/cases/\(c)/steps", ["action": "publishNotice"].merging(noticeBody(app)) { $1 })
            #expect(r.status == .ok)
            try await afterNotice(clock, clerk, county, prefecture, region)
            r = try await region.call(.POST, "/api/v1/cases/\(c)/steps", ["action": "recordStateCouncilConsent"])
            #expect(r.errorCode == "wf_state_council")
            r = try await region.call(
                .POST, "/api/v1/cases/\(c)/steps",
                [
                    "action": "recordStateCouncilConsent", "document_number": "国开发〔2020〕3号",
                    "document_date": day(app, -1),
                ])
            #expect(r.status == .ok, "\(r.text)")
            r = try await region.call(.POST, "/api/v1/cases/\(c)/steps", ["action": "approveRegion"])
            #expect(r.status == .ok, "\(r.text)")
            #expect(try await OrgUnit.find("540102", on: app.db)!.exitYear == 2020)
        }
    }

    @Test func exactlyOneOfTwoConcurrentIdenticalStepsSucceeds() async throws {
        try await withTestApp { app in
            let hh = try await poorHousehold(app)
            let village = try await APIClient.login(app, "village1")
            let r = try await village.call(
                .POST, "/api/v1/cases",
                [
                    "workflow": "W-household-exit", "household_id": hh, "year": 2020,
                    "votes_for": 20, "votes_against": 1,
                ])
            let id = (r.json["ids"] as! [Int])[0]
            try await setExitFacts(app, household: hh, perCapitaAbove: true)
            let audit = try await app.auditCount()
            async let a = village.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "verify"])
            async let b = village.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "verify"])
            let statuses = try await [a.status, b.status]
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 1, "\(statuses)")
            #expect(try await CaseStep.query(on: app.db).filter(\.$caseID == RowID(id)).count() == 2)
            #expect(try await app.auditCount() == audit + 1)
        }
    }

    @Test func portalNoticeShowsNoIdentityAndPrintsThirtyPerPage() async throws {
        try await withTestApp { app in
            // A batch of 33 households of one village: two printed pages.
            let ids = try await gather(app, count: 33)
            let village = try await APIClient.login(app, "village1")
            var r = try await village.call(
                .POST, "/api/v1/cases",
                [
                    "workflow": "W-household-exit", "household_ids": ids, "year": 2020,
                    "votes_for": 20, "votes_against": 1,
                ])
            #expect(r.status == .created)
            let caseIDs = r.json["ids"] as! [Int]
            for hh in ids { try await setExitFacts(app, household: hh, perCapitaAbove: true) }
            r = try await village.call(.POST, "/api/v1/case-batches", ["action": "verify", "case_ids": caseIDs])
            #expect(r.status == .ok, "\(r.text)")
            r = try await village.call(
                .POST, "/api/v1/case-batches",
                ["action": "recordConsent", "case_ids": caseIDs, "consent": true, "consent_date": day(app)])
            #expect(r.status == .ok)
            r = try await village.call(
                .POST, "/api/v1/case-batches",
                ["action": "publishVillageNotice", "case_ids": caseIDs].merging(noticeBody(app)) { $1 })
            #expect(r.status == .ok)
            // The demo's own notices are of projects and funds; this is the households' one.
            let notices = try await Notice.query(on: app.db).filter(\.$workflow == Workflows.householdExit.id).all()
            #expect(notices.count == 1)
            let notice = notices[0]
            // Rendered without login: names yes, ID numbers and phones never.
            let members = try await Member.query(on: app.db).filter(\.$household.$id ~~ ids).all()
            let protector = app.tuopin.protector
            // Full ID numbers, their last 12 characters, the masks, full and masked phones.
            var secrets: [String] = []
            for m in members {
                let full = try protector.decrypt(m.idCipher)
                secrets += [full, String(full.suffix(12)), m.idMasked]
            }
            for h in try await Household.query(on: app.db).filter(\.$id ~~ ids).all() {
                if let cipher = h.phoneCipher { secrets.append(try protector.decrypt(cipher)) }
                if let masked = h.phoneMasked { secrets.append(masked) }
            }
            let scanner = SecretScanner(secrets)
            for path in [
                "/gongshi/\(notice.id!)", "/gongshi/\(notice.id!)?print=1", "/api/v1/notices/\(notice.id!)", "/gongshi",
            ] {
                try await app.testing().test(.GET, path) { res in
                    #expect(res.status == .ok)
                    let html = res.body.string
                    #expect(scanner.found(in: html).isEmpty, "\(path) shows \(scanner.found(in: html))")
                    // ID and phone numbers: digits on their own — not inside the objection form's random token.
                    let text = html.replacingOccurrences(
                        of: #"name="form_token" value="[0-9a-f]+""#, with: "", options: .regularExpression)
                    #expect(text.range(of: #"\d{17}[\dXx]"#, options: .regularExpression) == nil)
                    #expect(text.range(of: #"(?<!\d)1[3-9]\d{9}(?!\d)"#, options: .regularExpression) == nil)
                }
            }
            try await app.testing().test(.GET, "/gongshi/\(notice.id!)?print=1") { res in
                let sheets = res.body.string.components(separatedBy: "class=\"sheet\"").count - 1
                #expect(sheets == (ids.count + 29) / 30)
                // 藏汉双语: Tibetan and Chinese labels, the Tibetan place name, the portal address and its QR code.
                let html = res.body.string
                #expect(html.contains("གསལ་བསྒྲགས་བྱེད་མཁན་ལས་ཁུངས།") && html.contains("公示单位"))
                #expect(html.contains("ལྷ་ས་གྲོང་ཁྱེར།"))
                #expect(html.contains("/gongshi/\(notice.id!)</p>") && html.contains("<svg"))
            }
        }
    }

    @Test func objectionsAreRateLimitedPerClientAndSpotChecksSendCasesBack() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let hh = try await poorHousehold(app)
            let village = try await APIClient.login(app, "village1")
            var r = try await village.call(
                .POST, "/api/v1/cases",
                [
                    "workflow": "W-household-exit", "household_id": hh, "year": 2020,
                    "votes_for": 20, "votes_against": 1,
                ])
            let id = (r.json["ids"] as! [Int])[0]
            try await setExitFacts(app, household: hh, perCapitaAbove: true)
            _ = try await village.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "verify"])
            _ = try await village.call(
                .POST, "/api/v1/cases/\(id)/steps",
                ["action": "recordConsent", "consent": true, "consent_date": day(app)])
            r = try await village.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "publishVillageNotice"].merging(noticeBody(app)) { $1 })
            let noticeID = try await WorkflowCase.find(RowID(id), on: app.db)!.noticeID!
            var statuses: [HTTPResponseStatus] = []
            for i in 0..<(ObjectionRule.perHour + 1) {
                try await app.testing().test(
                    .POST, "/api/v1/notices/\(noticeID)/objections", headers: ["Content-Type": "application/json"],
                    body: ByteBuffer(string: #"{"text":"意见\#(i)"}"#)
                ) { res in statuses.append(res.status) }
            }
            #expect(
                statuses.dropLast().allSatisfy { $0 == .created } && statuses.last == .tooManyRequests, "\(statuses)")
            for o in try await Objection.query(on: app.db).all() {
                r = try await village.call(
                    .POST, "/api/v1/objections/\(o.id!)/decision", ["decision": "reject", "reason": "不属实"])
                #expect(r.status == .noContent)
            }
            try await afterNotice(clock, village)
            let clerk = try await APIClient.login(app, "clerk1")
            _ = try await clerk.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "reviewTownship"])
            #expect(try await caseStatus(app, id).step == 5)
            // The county draws its sample (seeded, recorded); a sampled case waits for its check.
            let county = try await APIClient.login(app, "chengguan")
            r = try await county.call(
                .POST, "/api/v1/spot-checks",
                ["workflow": "W-household-exit", "county_code": "540102", "year": 2020, "seed": "42"])
            #expect(r.status == .created, "\(r.text)")
            let check = r.json["id"] as! Int
            #expect(r.json["seed"] as? String == "42" && (r.json["case_ids"] as? [Int]) == [id])
            r = try await county.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "approveCounty"])
            #expect(r.errorCode == "wf_spot_check_pending")
            r = try await county.call(
                .PUT, "/api/v1/spot-checks/\(check)/cases/\(id)", ["result": "failed", "note": "入户核实收入不实"])
            #expect(r.status == .ok && r.json["failed"] as? Int == 1, "\(r.text)")
            #expect(try await caseStatus(app, id) == (1, "open"))
            // The page shows the check and its figures to the county, not to a township clerk.
            let (countyPage, csrf) = try await app.session("chengguan")
            try await app.testing().test(.GET, "/spot-checks", headers: countyPage) { res in
                #expect(
                    res.status == .ok && res.body.string.contains("id=\"spot-\(check)\"")
                        && res.body.string.contains("入户核实收入不实"))
            }
            let (clerkPage, _) = try await app.session("clerk1")
            try await app.testing().test(.GET, "/spot-checks", headers: clerkPage) { res in
                #expect(res.status == .ok && !res.body.string.contains("id=\"spot-\(check)\""))
            }
            // Drawing from the page: nothing waits for approval now, so the county is told so.
            var form = countyPage
            form.contentType = .urlEncodedForm
            try await app.testing().test(
                .POST, "/spot-checks", headers: form,
                body: ByteBuffer(
                    string: "_csrf=\(csrf)&workflow=W-household-exit&county_code=540102&year=2020&percent=10")
            ) { res in
                #expect(res.status == .conflict && res.body.string.contains("没有等待县级审批的事项"))
            }
        }
    }
}

/// The demo's cases, and the workflow pages in the three languages.
@Suite struct WorkflowDemoAndPagesTests {
    @Test func demoHoldsCasesInManyStatesWithNoticesAndObjections() async throws {
        try await withTestApp(households: 600, cases: true) { app in
            let cases = try await WorkflowCase.query(on: app.db).all()
            for wf in [Workflows.householdExit, Workflows.returnToPoverty] {
                let states = Set(cases.filter { $0.workflow == wf.id }.map { "\($0.step)/\($0.status)" })
                // Every step reached (a case starts with its first step done), finished, and refused.
                let expected = Set((1..<wf.steps.count).map { "\($0)/open" } + ["\(wf.steps.count)/closed"])
                #expect(expected.isSubset(of: states), "\(wf.id): \(states.sorted())")
                #expect(states.contains { $0.hasSuffix("rejected") }, "\(wf.id): \(states.sorted())")
            }
            let villageStates = Set(
                cases.filter { $0.workflow == Workflows.villageExit.id }.map { "\($0.step)/\($0.status)" })
            #expect(
                villageStates.isSuperset(of: ["1/open", "2/open", "3/open", "4/open", "5/closed", "1/rejected"]),
                "\(villageStates)")
            #expect(cases.contains { $0.workflow == Workflows.countyExit.id })
            let objections = try await Objection.query(on: app.db).all()
            #expect(Set(objections.map(\.status)).isSuperset(of: ObjectionStatus.allCases))
            let today = app.clock.today
            let notices = try await Notice.query(on: app.db).all()
            #expect(notices.contains { $0.endsOn >= today } && notices.contains { $0.endsOn < today })
            #expect(try await AuditVerifier.verify(on: app.systemData).firstBreak == nil)
        }
    }

    @Test func inboxCaseAndPortalPagesRenderInEveryLanguageAndAFormStepWorks() async throws {
        try await withTestApp(households: 600, cases: true) { app in
            let (headers, csrf) = try await app.session("village1")
            let waiting = try await WorkflowCase.query(on: app.db).filter(\.$workflow == Workflows.householdExit.id)
                .filter(\.$step == 2).filter(\.$status == .open).first()!
            for lang in ["zh-Hans", "bo", "en"] {
                var h = headers
                h.add(name: .acceptLanguage, value: lang)
                try await app.testing().test(.GET, "/lang/\(lang)?to=/cases", headers: headers) { res in
                    #expect(res.status == .seeOther)
                }
                for path in [
                    "/cases", "/cases/\(waiting.id!)", "/gongshi", "/gongshi/1", "/gongshi/1?print=1",
                    "/households/\(waiting.householdID!)",
                    "/spot-checks", "/help", "/units/540102001201", "/units/540102001201/responsibility",
                    "/units/540102001201/compliance",
                ] {
                    try await app.testing().test(.GET, path, headers: h) { res in
                        #expect(res.status == .ok, "\(lang) \(path)")
                        for key in [
                            "wf_", "notice_col_", "help_", "spot_", "objection_", "case_status_", "resp_", "rule_",
                            "letter_state_", "report_standing_",
                            "plan_kind_", "org_type_", "contribution_", "rank_", "compliance_",
                        ] {
                            #expect(!res.body.string.contains(key), "\(lang) \(path): untranslated \(key)")
                        }
                    }
                }
            }
            // The village's inbox lists the open objection on its notice, to decide.
            try await app.testing().test(.GET, "/cases", headers: headers) { res in
                #expect(res.body.string.contains("id=\"objections-to-decide\""))
            }
            // Not another township's clerk: those notices are outside its scope.
            let (other, _) = try await app.session("clerk2")
            try await app.testing().test(.GET, "/cases", headers: other) { res in
                #expect(res.status == .ok && !res.body.string.contains("id=\"objections-to-decide\""))
            }
            // The case page's form takes the step (consent), with the CSRF token.
            var form = headers
            form.contentType = .urlEncodedForm
            let body =
                "_csrf=\(csrf)&version=\(waiting.version)&action=recordConsent&consent=true&"
                + "consent_date=\(app.clock.today.description)"
            try await app.testing().test(
                .POST, "/cases/\(waiting.id!)/steps", headers: form, body: ByteBuffer(string: body)
            ) { res in
                #expect(res.status == .seeOther, "\(res.body.string.prefix(400))")
            }
            #expect(try await WorkflowCase.find(waiting.id!, on: app.db)!.step == 3)
            // Without the token nothing happens.
            try await app.testing().test(
                .POST, "/cases/\(waiting.id!)/steps", headers: form,
                body: ByteBuffer(string: "action=publishVillageNotice")
            ) { res in #expect(res.status == .forbidden) }
        }
    }
}

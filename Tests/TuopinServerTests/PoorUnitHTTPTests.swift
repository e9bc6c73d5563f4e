import Fluent
import Testing
import TuopinCore
import VaporTesting

@testable import TuopinServer

/// Issue #25 item 7: 贫困村 and 贫困乡镇 are flags the county keeps, cleared by the unit's exit; R-29-1, R-28-1
/// and R-20-2's lock read them, not the households.
@Suite(.serialized) struct PoorUnitHTTPTests {
    let village = "540102001201", township = "540102001"

    func open(_ app: Application, _ rule: String, _ subject: String) async throws -> Bool {
        try await ResponsibilityHTTPTests().openViolation(app, rule: rule, subject: subject) != nil
    }

    @Test func theCountyRegistersAndWithdrawsAPoorVillage() async throws {
        try await withTestApp(households: 216) { app in
            // The demo's villages with registered households are poor villages, their township a poor township.
            #expect(try await OrgUnit.find(village, on: app.db)!.isPoor)
            #expect(try await OrgUnit.find(township, on: app.db)!.isPoor)
            // Its first secretary leaves: R-29-1 asks the poor village for one.
            let secretary = try #require(
                try await Cadre.query(on: app.db).filter(\.$unitCode == village).filter(\.$position == "firstSecretary")
                    .first())
            let clerk = try await app.session("clerk1")
            #expect(try await app.postForm("/cadres/\(secretary.id!)/deactivate", clerk, []).0 == .seeOther)
            #expect(try await open(app, "R-29-1", "village:\(village)"))

            // Only the county keeps the flag: the township clerk is refused, another county does not see it.
            let county = try await APIClient.login(app, "chengguan")
            #expect(
                try await APIClient.login(app, "clerk1").call(.PUT, "/api/v1/units/\(village)/poor", ["is_poor": false])
                    .status == .forbidden)
            var r = try await APIClient.login(app, "clerk2").call(
                .PUT, "/api/v1/units/\(village)/poor", ["is_poor": false])
            #expect(r.status == .forbidden || r.status == .notFound)
            // Withdrawn (registered in error): R-29-1 no longer asks it; the page offers to register it again.
            let page = try await app.get("/units/\(village)", try await app.session("chengguan").0).1
            #expect(page.contains("id=\"poor-withdraw\"") && page.contains("贫困村"))
            r = try await county.call(.PUT, "/api/v1/units/\(village)/poor", ["is_poor": false])
            #expect(r.status == .ok && r.json["is_poor"] as? Bool == false, "\(r.text)")
            #expect(try await !open(app, "R-29-1", "village:\(village)"))
            #expect(try await app.auditCount(action: "unit.poor") == 1)
            // Withdrawing what is not registered changes nothing.
            r = try await county.call(.PUT, "/api/v1/units/\(village)/poor", ["is_poor": false])
            #expect(r.status == .badRequest)
            #expect(try await app.auditCount(action: "unit.poor") == 1)
            // A village not registered as poor has no exit to make.
            r = try await APIClient.login(app, "clerk1").call(
                .POST, "/api/v1/cases", ["workflow": "W-village-exit", "unit_code": village, "year": 2020])
            #expect(
                r.errorCode == "not_eligible"
                    && r.message == app.localizer.translations(.zh)["wf_not_eligible_not_poor_village"], "\(r.text)")
            // Registered again through the page's form.
            let after = try await app.get("/units/\(village)", try await app.session("chengguan").0).1
            #expect(after.contains("id=\"poor-register\""))
            let version = try await OrgUnit.find(village, on: app.db)!.version
            #expect(
                try await app.postForm(
                    "/units/\(village)/poor", try await app.session("chengguan"),
                    [("is_poor", "true"), ("version", String(version))]
                ).0 == .seeOther)
            #expect(try await open(app, "R-29-1", "village:\(village)"))
        }
    }

    /// R-20-2 locks a poor township's principals until it exits: the township-exit case ends the lock.
    @Test func aPoorTownshipExitsAndItsLockEnds() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let unit = try await OrgUnit.find(township, on: app.db)!
            #expect(try await ResponsibilityService.lockFacts(on: app.systemData, unit: unit).poorTownshipNotExited)
            let clerk = try await APIClient.login(app, "clerk1")
            let county = try await APIClient.login(app, "chengguan")
            let prefecture = try await APIClient.login(app, "lasa")
            // A township exit is about a township: a village's code is refused.
            let wrong = try await clerk.call(
                .POST, "/api/v1/cases", ["workflow": "W-township-exit", "unit_code": "540102001201", "year": 2020])
            #expect(wrong.status == .badRequest, "\(wrong.text)")
            var r = try await clerk.call(
                .POST, "/api/v1/cases", ["workflow": "W-township-exit", "unit_code": township, "year": 2020])
            #expect(r.status == .created, "\(r.text)")
            let id = (r.json["ids"] as! [Int])[0]
            r = try await county.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "reviewCounty"])
            #expect(r.status == .ok, "\(r.text)")
            let tests = WorkflowCaseTests()
            r = try await county.call(
                .POST, "/api/v1/cases/\(id)/steps", ["action": "publishNotice"].merging(tests.noticeBody(app)) { $1 })
            #expect(r.status == .ok, "\(r.text)")
            try await tests.afterNotice(clock, clerk, county, prefecture)
            r = try await prefecture.call(.POST, "/api/v1/cases/\(id)/steps", ["action": "approvePrefecture"])
            #expect(r.status == .ok, "\(r.text)")
            let exited = try await OrgUnit.find(township, on: app.db)!
            #expect(exited.exitYear == 2020 && exited.isPoor)
            #expect(try await !ResponsibilityService.lockFacts(on: app.systemData, unit: exited).poorTownshipNotExited)
            // An exited township's registration is history: it cannot be withdrawn, nor its exit begun again.
            r = try await county.call(.PUT, "/api/v1/units/\(township)/poor", ["is_poor": false])
            #expect(r.status == .badRequest)
            r = try await clerk.call(
                .POST, "/api/v1/cases", ["workflow": "W-township-exit", "unit_code": township, "year": 2020])
            #expect(
                r.errorCode == "not_eligible"
                    && r.message == app.localizer.translations(.zh)["wf_not_eligible_unit_exited"])
        }
    }
}

import Fluent
import Foundation
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// Article 24: a township principal certifies the township's data; afterwards every change needs
/// a reason, recorded and shown in the household's history. Other townships are unaffected.
@Suite struct CertificationTests {
    @Test func certifiedDataChangesOnlyWithAReasonThroughEveryDoor() async throws {
        try await withTestApp { app in
            let leader = try await APIClient.login(app, "township1")
            let clerk = try await APIClient.login(app, "clerk1")
            let hh = try await app.householdID(inTownship: "540102001")
            func version() async throws -> Int {
                let h = try await Household.find(hh, on: app.db)
                return h!.version
            }
            let income: [String: Any] = [
                "wage": "5000", "business": "0", "property": "0", "transfer": "0", "costs": "0",
            ]
            // Before certification no reason is needed.
            var r = try await clerk.call(
                .PUT, "/api/v1/households/\(hh)/incomes/2019", income.merging(["version": try await version()]) { $1 })
            #expect(r.status == .ok || r.status == .noContent, "\(r.text)")
            // Only the township principal certifies, and only their township.
            r = try await clerk.call(
                .POST, "/api/v1/certifications",
                ["township_code": "540102001", "period_from": "2020-01-01", "period_to": "2020-12-31"])
            #expect(r.status == .forbidden)
            r = try await leader.call(
                .POST, "/api/v1/certifications",
                ["township_code": "540103001", "period_from": "2020-01-01", "period_to": "2020-12-31"])
            #expect(r.status == .notFound)
            r = try await leader.call(
                .POST, "/api/v1/certifications",
                ["township_code": "540102001", "period_from": "2020-01-01", "period_to": "2020-12-31"])
            #expect(r.status == .created, "\(r.text)")
            // Now: refused without a reason, nothing written.
            let before = try await version()
            r = try await clerk.call(
                .PUT, "/api/v1/households/\(hh)/incomes/2019",
                income.merging(["version": before, "wage": "6000"]) { $1 })
            #expect(r.status == .badRequest && r.errorCode == "reason_required", "\(r.text)")
            #expect(try await version() == before)
            r = try await clerk.call(.PATCH, "/api/v1/households/\(hh)", ["version": before, "address": "三组1号"])
            #expect(r.errorCode == "reason_required", "\(r.text)")
            // With a reason: written, and the reason is in the history.
            r = try await clerk.call(
                .PUT, "/api/v1/households/\(hh)/incomes/2019",
                income.merging(["version": before, "wage": "6000", "change_reason": "补录务工收入（县人社局核实）"]) { $1 })
            #expect(r.status == .ok || r.status == .noContent, "\(r.text)")
            let (headers, _) = try await app.session("clerk1")
            try await app.testing().test(.GET, "/households/\(hh)", headers: headers) { res in
                #expect(res.body.string.contains("补录务工收入（县人社局核实）"))
            }
            // Imports are held to the same rule.
            let rows = [
                IncomesTemplate.header,
                [try await Household.find(hh, on: app.db)!.number, "2018", "1", "1", "1", "1", "0"],
            ]
            let actor = ExchangeActor.user(try await app.currentUser("clerk1"))
            await #expect(throws: AppError.reasonRequired) {
                _ = try await RegistryImport.incomes(app: app, rows: rows, actor: actor, dryRun: false)
            }
            let report = try await CertificationService.$changeReason.withValue("年度数据复核") {
                try await RegistryImport.incomes(app: app, rows: rows, actor: actor, dryRun: false)
            }
            #expect(report.written)
            // Another township is not certified: no reason needed there.
            let other = try await app.householdID(inTownship: "540103001")
            let clerk2 = try await APIClient.login(app, "clerk2")
            r = try await clerk2.call(
                .PUT, "/api/v1/households/\(other)/incomes/2019",
                income.merging(["version": try await Household.find(other, on: app.db)!.version]) { $1 })
            #expect(r.status == .ok || r.status == .noContent, "\(r.text)")
        }
    }
}

extension Application {
    /// A signed-in user as the services see them, without HTTP.
    func currentUser(_ username: String) async throws -> CurrentUser {
        let user = try await User.query(on: db).filter(\.$username == username).with(\.$bindings).first()!
        return try CurrentUser(user, sessionKind: "test")
    }
}

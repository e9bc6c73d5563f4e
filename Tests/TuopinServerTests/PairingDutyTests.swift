import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// 不脱贫不脱钩 when a cadre leaves (issue #25 item 6, article 37): the cadre's pairings end as "cadre left", the
/// households show as needing a new cadre (R-37-2) and are not counted as dropped (R-37-3); only cadres in post
/// count; and article 37's quotas are floors region HQ may raise but not lower.
@Suite struct PairingDutyTests {
    func openViolation(_ app: Application, rule: String, subject: String) async throws -> ViolationRecord? {
        try await ResponsibilityHTTPTests().openViolation(app, rule: rule, subject: subject)
    }

    @Test func theArticlesQuotasAreFloors() {
        #expect(PairingQuota.problem(households: 2, for: .prefectureDepartment) != nil)
        #expect(PairingQuota.problem(households: 3, for: .prefectureDepartment) == nil)
        #expect(PairingQuota.problem(households: 4, for: .prefectureDepartment) == nil)
        #expect(PairingQuota.problem(households: 1, for: .countyDivision) != nil)
        #expect(PairingQuota.problem(households: 2, for: .countyDivision) == nil)
        #expect(PairingQuota.problem(households: 0, for: .section) != nil)
        #expect(PairingQuota.problem(households: 1, for: .section) == nil)
        #expect(PairingQuota.problem(households: 0, for: .staff) == nil)
        #expect(PairingQuota.problem(households: 10, for: .staff) == nil)
        #expect(PairingQuota.problem(households: 11, for: .staff) != nil)
    }

    @Test func aCadreWhoLeavesHandsTheirHouseholdsOn() async throws {
        try await withTestApp(households: 216) { app in
            let region = try await app.session("region")
            // Region HQ may not lower a rank's quota below the article's.
            #expect(
                try await app.postForm(
                    "/pairing-quotas/countyDivision", region, [("households", "1"), ("version", "1")]
                ).0 == .badRequest)
            #expect(try await PairingService.quotas(on: app.systemData).required(for: .countyDivision) == 2)
            // A cadre in post, not a principal, who holds pairings of poor households.
            let principals = Set(try await OrgUnit.query(on: app.db).all().flatMap { [$0.secretaryID, $0.headID] })
            let held = try await Pairing.query(on: app.db).filter(\.$endedOn == nil).all()
            // A cadre in post, not a principal, made the only cadre of a poor household (test set-up).
            let cadreID = try #require(
                Dictionary(grouping: held, by: \.cadreID).keys.sorted().first { !principals.contains($0) })
            let poor = HouseholdStatus.allCases.filter(\.isRemainingPoor)
            let sole = try #require(
                try await Household.query(on: app.db).filter(\.$status ~~ poor).sort(\.$id).first()?.id)
            try await app.db.sqlDatabase.delete(from: Pairing.schema).where("household_id", .equal, SQLBind(sole)).run()
            let pairing = Pairing()
            pairing.cadreID = cadreID; pairing.householdID = sole; pairing.startedOn = app.clock.today
            try await pairing.create(on: app.db)
            let orphaned = [sole]
            #expect(try await app.postForm("/cadres/\(cadreID)/deactivate", region, []).0 == .seeOther)
            _ = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
            let ended = try await Pairing.query(on: app.db).filter(\.$cadreID == cadreID).all()
            #expect(ended.allSatisfy { $0.endedOn == app.clock.today && $0.endReason == PairingRule.cadreLeft })
            // The households that had only this cadre need a new one (R-37-2); none counts as dropped (R-37-3).
            for h in orphaned {
                #expect(try await openViolation(app, rule: "R-37-2", subject: "household:\(h)") != nil, "\(h)")
            }
            for p in ended {
                #expect(try await openViolation(app, rule: "R-37-3", subject: "pairing:\(p.id!)") == nil)
            }
            #expect(try await app.auditCount(action: "cadre.deactivate") == 1)
            // The household's page says why the pairing ended and that a new cadre is needed.
            let page = try await app.get("/households/\(orphaned[0])", region.0).1
            #expect(page.contains("干部离任，需另行安排结对干部"))
        }
    }

    @Test func onlyACadreInPostCounts() async throws {
        try await withTestApp(households: 216) { app in
            // A pairing left open while its cadre is marked out of post (an old record): the household is unpaired.
            let poor = HouseholdStatus.allCases.filter(\.isRemainingPoor)
            let h = try #require(try await Household.query(on: app.db).filter(\.$status ~~ poor).sort(\.$id).first())
            try await app.db.sqlDatabase.delete(from: Pairing.schema).where("household_id", .equal, SQLBind(h.id!))
                .run()
            let cadre = try #require(try await Cadre.query(on: app.db).filter(\.$active == true).sort(\.$id).first())
            let pairing = Pairing()
            pairing.cadreID = cadre.id!; pairing.householdID = h.id!; pairing.startedOn = app.clock.today
            try await pairing.create(on: app.db)
            _ = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
            #expect(try await openViolation(app, rule: "R-37-2", subject: "household:\(h.id!)") == nil)
            try await app.db.sqlDatabase.update(Cadre.schema).set("active", to: SQLBind(false))
                .where("id", .equal, SQLBind(pairing.cadreID)).run()
            _ = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
            #expect(try await openViolation(app, rule: "R-37-2", subject: "household:\(h.id!)") != nil)
        }
    }
}

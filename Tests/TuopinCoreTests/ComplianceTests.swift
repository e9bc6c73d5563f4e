import Testing
@testable import TuopinCore

/// Each rule with a fixture that violates it and one that does not.
@Suite struct ComplianceTests {
    let village = OrgCode("540102001201")!, county = OrgCode("540102")!

    func cadre(_ id: Int, _ rank: CadreRank, pairings: Int, active: Bool = true) -> ComplianceFacts.Cadre {
        .init(id: id, rank: rank, unit: county, active: active, activePairings: pairings)
    }

    func household(_ id: Int, _ status: HouseholdStatus, pairings: Int, ended: [Int] = []) -> ComplianceFacts.Household {
        .init(id: id, number: "540102001201\(1000 + id)", village: village, status: status, activePairings: pairings, endedPairings: ended)
    }

    /// R-37-1: quotas by rank — 3, 2, 1; staff have none; inactive cadres are not counted.
    @Test func r37_1CadresMeetTheirRanksQuota() {
        let facts = ComplianceFacts(cadres: [cadre(1, .prefectureDepartment, pairings: 2), cadre(2, .prefectureDepartment, pairings: 3),
                                             cadre(3, .countyDivision, pairings: 1), cadre(4, .section, pairings: 1),
                                             cadre(5, .staff, pairings: 0), cadre(6, .workTeamMember, pairings: 0, active: false),
                                             cadre(7, .villageOfficialGraduate, pairings: 0)], households: [],
                                    unitsWithPoor: [OrgCode("54")!, OrgCode("5401")!, county])
        let found = ComplianceRules.r37_1.check(facts)
        #expect(found.map(\.subject) == ["cadre:1", "cadre:3", "cadre:7"])
        #expect(found[0].details == ["1", "2", "3"] && found[0].unit == county && found[0].article == 37)
        var changed = facts
        changed.quotas.byRank[.prefectureDepartment] = 2
        #expect(ComplianceRules.r37_1.check(changed).map(\.subject) == ["cadre:3", "cadre:7"])
        // Once the county has no poor households left, no quota is owed.
        changed.unitsWithPoor = []
        #expect(ComplianceRules.r37_1.check(changed).isEmpty)
    }

    /// R-37-2: every 未脱贫 or 返贫 household has a pairing cadre; exited ones need none.
    @Test func r37_2EveryPoorHouseholdIsPaired() {
        let facts = ComplianceFacts(cadres: [], households: [household(1, .notExited, pairings: 0), household(2, .returnedToPoverty, pairings: 0),
                                                             household(3, .notExited, pairings: 1), household(4, .exitedWithPolicy, pairings: 0)], unitsWithPoor: [])
        let found = ComplianceRules.r37_2.check(facts)
        #expect(found.map(\.subject) == ["household:1", "household:2"] && found.allSatisfy { $0.unit == village })
    }

    /// R-37-3: "不脱贫不脱钩" — an ended pairing of a household still poor is a violation; once it exits, not.
    @Test func r37_3NoPairingEndsBeforeExit() {
        let facts = ComplianceFacts(cadres: [], households: [household(1, .notExited, pairings: 1, ended: [10, 11]),
                                                             household(2, .exitedWithoutPolicy, pairings: 0, ended: [12])], unitsWithPoor: [])
        #expect(ComplianceRules.r37_3.check(facts).map(\.subject) == ["pairing:10", "pairing:11"])
        #expect(PairingRule.endRefusal(householdStatus: .notExited) == .pairingBeforeExit)
        #expect(PairingRule.endRefusal(householdStatus: .returnedToPoverty) == .pairingBeforeExit)
        #expect(PairingRule.endRefusal(householdStatus: .exitedWithPolicy) == nil)
    }

    @Test func theEngineRunsEveryRuleAndKeysAreStable() {
        let facts = ComplianceFacts(cadres: [cadre(1, .section, pairings: 0)], households: [household(1, .notExited, pairings: 0, ended: [5])],
                                    unitsWithPoor: [county])
        let found = ComplianceRules.evaluate(facts)
        #expect(Set(found.map(\.rule)) == ["R-37-1", "R-37-2", "R-37-3"])
        #expect(Set(found.map(\.key)).count == found.count)
    }
}

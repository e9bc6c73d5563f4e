import Testing
@testable import TuopinCore

/// Issue #25 items 6 and 10: rank and stationed role are separate; positions come from a fixed list.
@Suite struct CadreListTests {
    let county = OrgCode("540102")!

    func owed(_ rank: CadreRank, _ role: StationedRole, pairings: Int, quotas: PairingQuota = PairingQuota()) -> Bool {
        var facts = ComplianceFacts(
            cadres: [.init(id: 1, rank: rank, role: role, unit: county, active: true, activePairings: pairings)],
            households: [], unitsWithPoor: [county])
        facts.quotas = quotas
        return !ComplianceRules.r37_1.check(facts).isEmpty
    }

    /// Article 37: a cadre in two groups owes the larger quota — a county-division work-team leader two,
    /// a staff work-team member or graduate one, staff not stationed none.
    @Test func aCadreOwesTheLargerOfRankAndRoleQuota() {
        #expect(owed(.countyDivision, .workTeamLeader, pairings: 1))
        #expect(!owed(.countyDivision, .workTeamLeader, pairings: 2))
        #expect(!owed(.countyDivision, .workTeamLeader, pairings: 3))
        #expect(owed(.staff, .workTeamMember, pairings: 0))
        #expect(!owed(.staff, .workTeamMember, pairings: 1))
        #expect(owed(.staff, .workTeamLeader, pairings: 0))
        #expect(owed(.staff, .villageOfficialGraduate, pairings: 0))
        #expect(!owed(.staff, .villageOfficialGraduate, pairings: 1))
        #expect(!owed(.staff, .none, pairings: 0))
        #expect(owed(.section, .none, pairings: 0) && !owed(.section, .none, pairings: 1))
        // Region HQ raising the work-team quota to 2 binds a staff member of a team, not a section cadre outside it.
        var raised = PairingQuota()
        raised.byGroup[.workTeamMember] = 2
        #expect(owed(.staff, .workTeamMember, pairings: 1, quotas: raised))
        #expect(!owed(.staff, .workTeamMember, pairings: 2, quotas: raised))
        #expect(!owed(.section, .none, pairings: 1, quotas: raised))
        #expect(PairingQuota().required(rank: .prefectureDepartment, role: .workTeamMember) == 3)
    }

    /// The article's numbers are floors for every group, the stationed roles included; ten is the ceiling.
    @Test func quotaFloorsHoldForRolesToo() {
        #expect(PairingQuota.problem(households: 0, for: .workTeamMember) == "households")
        #expect(PairingQuota.problem(households: 1, for: .workTeamMember) == nil)
        #expect(PairingQuota.problem(households: 0, for: .villageOfficialGraduate) == "households")
        #expect(PairingQuota.problem(households: 1, for: .countyDivision) == "households")
        #expect(PairingQuota.problem(households: 2, for: .countyDivision) == nil)
        #expect(PairingQuota.problem(households: 10, for: .staff) == nil)
        #expect(PairingQuota.problem(households: 11, for: .staff) == "households")
        #expect(QuotaGroup.groups(rank: .section, role: .workTeamLeader) == [.section, .workTeamMember])
    }

    /// Articles 20 and 29: 扶贫专干 are a township's, first secretaries and village cadres a village's;
    /// a poverty-alleviation office exists at county level and above; only villages have stationed cadres.
    @Test func positionsAndRolesBelongToTheirLevels() {
        #expect(CadrePosition.povertyStaff.allowed(at: .township))
        #expect(!CadrePosition.povertyStaff.allowed(at: .county) && !CadrePosition.povertyStaff.allowed(at: .village))
        #expect(
            CadrePosition.firstSecretary.allowed(at: .village) && !CadrePosition.firstSecretary.allowed(at: .township))
        #expect(CadrePosition.povertyOfficeDirector.allowed(at: .county))
        #expect(!CadrePosition.povertyOfficeDirector.allowed(at: .township))
        #expect(!CadrePosition.deputyLeader.allowed(at: .village) && CadrePosition.deputyLeader.allowed(at: .township))
        #expect(
            CadrePosition.offered(at: .region) == [.secretary, .head, .deputyLeader, .povertyOfficeDirector, .cadre])
        #expect(
            StationedRole.workTeamMember.allowed(at: .village) && !StationedRole.workTeamMember.allowed(at: .township))
        #expect(StationedRole.none.allowed(at: .region))
    }

    /// Positions typed as free text before the list are read as the nearest listed one.
    @Test func freeTextPositionsAreReadOntoTheList() {
        let read = ["扶贫专干", "第一书记", "县委书记", "乡镇长", "原行政负责人", "政府主席", "驻村工作队员", "大学生村官", "司机"]
            .map(CadrePosition.reading)
        #expect(
            read == [.povertyStaff, .firstSecretary, .secretary, .head, .head, .head, .cadre, .villageCadre, .cadre])
        #expect(CadrePosition.reading("firstSecretary") == .firstSecretary)
    }
}

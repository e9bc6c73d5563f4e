import Testing
@testable import TuopinCore

/// The responsibility chain's rules (letters, reports, plans, leadership lock), each with a fixture
/// that violates it and one that does not, and the schedule and validation they rest on.
@Suite struct ResponsibilityTests {
    let region = OrgCode("54")!, prefecture = OrgCode("5401")!, county = OrgCode("540102")!,
        township = OrgCode("540102001")!

    func chain(today: String, _ edit: (inout ComplianceFacts.Chain) -> Void = { _ in }) -> ComplianceFacts {
        var facts = ComplianceFacts(cadres: [], households: [], unitsWithPoor: [])
        facts.chain.today = CivilDate(iso: today)!
        facts.chain.units = [region, prefecture, county, township]
        edit(&facts.chain)
        return facts
    }

    /// R-04-1, R-10-1, R-16-1, R-22-1: a signed letter per year at each level; this year's is owed from 1 April.
    @Test func lettersPerYearPerLevel() {
        let march = chain(today: "2026-03-31") {
            $0.letterYears = [self.region: [2025], self.prefecture: [2025], self.county: [2025]]
        }
        #expect(ComplianceRules.r04_1.check(march).isEmpty)
        #expect(ComplianceRules.r22_1.check(march).map(\.subject) == ["letter:540102001:2025"])
        #expect(
            ComplianceRules.r22_1.check(march).first?.unit == township
                && ComplianceRules.r22_1.check(march).first?.article == 22)
        let april = chain(today: "2026-04-01") {
            $0.letterYears = [self.region: [2025, 2026], self.prefecture: [2025], self.county: [2026]]
        }
        #expect(ComplianceRules.r04_1.check(april).isEmpty)
        #expect(ComplianceRules.r10_1.check(april).map(\.subject) == ["letter:5401:2026"])
        #expect(ComplianceRules.r16_1.check(april).map(\.subject) == ["letter:540102:2025"])
        #expect(
            ComplianceRules.r22_1.check(april).map(\.subject) == ["letter:540102001:2025", "letter:540102001:2026"])
        #expect(ComplianceRules.r04_1.check(chain(today: "2026-05-01")).map(\.details) == [["2025"], ["2026"]])
    }

    /// R-04-2 (region, annual by 31 January) and R-10-2 (others, quarterly, 15 days after the quarter).
    @Test func reportsBySchedule() {
        let facts = chain(today: "2026-07-16") { c in
            c.reports = [
                self.region: ["2025": CivilDate(iso: "2026-02-10")!],
                self.county: [
                    "2025-Q1": CivilDate(iso: "2025-04-01")!, "2025-Q2": CivilDate(iso: "2025-07-10")!,
                    "2025-Q3": CivilDate(iso: "2025-10-15")!, "2025-Q4": CivilDate(iso: "2026-01-15")!,
                    "2026-Q1": CivilDate(iso: "2026-04-15")!, "2026-Q2": CivilDate(iso: "2026-07-15")!,
                ],
            ]
        }
        // The region's 2025 report came late but came; 2026's is not due yet.
        #expect(ComplianceRules.r04_2.check(facts).isEmpty)
        #expect(ComplianceRules.r04_2.check(chain(today: "2026-02-01")).map(\.subject) == ["report:54:2025"])
        #expect(ComplianceRules.r04_2.check(chain(today: "2026-01-31")).isEmpty)
        let r10 = ComplianceRules.r10_2.check(facts)
        // The county has all six; the prefecture and the township have none of the six due.
        #expect(r10.filter { $0.unit == county }.isEmpty)
        #expect(
            r10.filter { $0.unit == prefecture }.map(\.subject)
                == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"].map { "report:5401:\($0)" })
        #expect(r10.first { $0.unit == township }?.details == ["2025-Q1", "2025-04-15"])
        // On the due day itself a report is not yet missing.
        #expect(ComplianceRules.r10_2.check(chain(today: "2026-07-15") { $0.units = [self.county] }).count == 5)
        // A longer due period is the region's to set.
        var schedule = ReportSchedule()
        schedule.byLevel[.county] = .init(frequency: .annual, dueDays: 60)
        #expect(
            ComplianceRules.r10_2.check(
                chain(today: "2026-07-16") {
                    $0.units = [self.county]; $0.schedule = schedule
                }
            ).map(\.subject) == ["report:540102:2025"])
    }

    @Test func reportStanding() {
        let q = ReportSchedule().periods(level: .county, year: 2026)[2]
        #expect(q.label == "2026-Q3" && q.end.description == "2026-09-30" && q.due.description == "2026-10-15")
        #expect(
            ReportStanding.of(q, submittedOn: CivilDate(iso: "2026-10-15"), today: CivilDate(iso: "2026-11-01")!)
                == .onTime)
        #expect(
            ReportStanding.of(q, submittedOn: CivilDate(iso: "2026-10-16"), today: CivilDate(iso: "2026-11-01")!)
                == .late)
        #expect(ReportStanding.of(q, submittedOn: nil, today: CivilDate(iso: "2026-10-15")!) == .open)
        #expect(ReportStanding.of(q, submittedOn: nil, today: CivilDate(iso: "2026-10-16")!) == .missing)
        #expect(ReportSchedule().periods(level: .village, year: 2026).isEmpty)
        #expect(
            ReportSchedule().periods(level: .region, from: 2025, through: CivilDate(iso: "2026-03-01")!).map(\.label)
                == ["2026", "2025"])
        #expect(throws: ReportSchedule.Problem.field("due_days")) {
            try ReportSchedule(byLevel: [.county: .init(frequency: .quarterly, dueDays: 121)]).validated()
        }
    }

    /// R-07-1: prefectures and counties have an annual plan for the current year; townships are not asked.
    @Test func r07_1AnnualPlans() {
        let facts = chain(today: "2026-06-01") { $0.annualPlans = [self.county] }
        #expect(ComplianceRules.r07_1.check(facts).map(\.subject) == ["plan:5401:2026"])
        #expect(
            ComplianceRules.r07_1.check(chain(today: "2026-06-01") { $0.annualPlans = [self.county, self.prefecture] })
                .isEmpty)
        #expect(
            PlanKind.annual.periodProblem(from: 2026, to: 2026) == nil
                && PlanKind.annual.periodProblem(from: 2026, to: 2027) == "period_to")
        #expect(
            PlanKind.fiveYear.periodProblem(from: 2021, to: 2025) == nil
                && PlanKind.fiveYear.periodProblem(from: 2021, to: 2024) == "period_to")
        #expect(PlanKind.special.periodProblem(from: 2026, to: 2025) == "period_to")
    }

    /// R-05-1 and R-20-2: the lock, and changes recorded without an exemption.
    @Test func leadershipLock() {
        let lockedCounty = LeadershipLock.UnitFacts(level: .county, povertyCountyNotExited: true)
        func refusal(_ f: LeadershipLock.UnitFacts, replaces: Bool = true, exempted: Bool = false) -> Refusal? {
            LeadershipLock.refusal(f, replacesIncumbent: replaces, exempted: exempted)
        }
        #expect(refusal(lockedCounty) == .leadershipLocked(rule: "R-05-1"))
        #expect(refusal(lockedCounty, exempted: true) == nil)
        // Recording a first principal or filling a vacancy is not an adjustment: not locked.
        #expect(refusal(lockedCounty, replaces: false) == nil)
        #expect(LeadershipLock.lockingRule(lockedCounty, replacesIncumbent: false) == nil)
        #expect(refusal(.init(level: .county)) == nil)
        // A poor township not exited is locked (article 20, item 7); a township not registered poor, or one
        // that exited, is free.
        #expect(refusal(.init(level: .township, poorTownshipNotExited: true)) == .leadershipLocked(rule: "R-20-2"))
        #expect(refusal(.init(level: .township, poorTownshipNotExited: true), replaces: false) == nil)
        #expect(refusal(.init(level: .township, poorTownshipNotExited: false)) == nil)
        #expect(PoorUnit.isPoor(registered: true, exitYear: nil) && !PoorUnit.isPoor(registered: true, exitYear: 2019))
        #expect(!PoorUnit.isPoor(registered: false, exitYear: nil))
        #expect(refusal(.init(level: .prefecture, povertyCountyNotExited: true)) == nil)
        #expect(Refusal.leadershipLocked(rule: "R-05-1").key == "leadership_locked_R-05-1")
        let facts = chain(today: "2026-06-01") { c in
            c.unexemptedChanges = [
                .init(
                    id: 7, unit: self.county, rule: "R-05-1", changedOn: CivilDate(iso: "2025-03-02")!, from: "甲",
                    to: "乙"),
                .init(
                    id: 8, unit: self.township, rule: "R-20-2", changedOn: CivilDate(iso: "2025-05-02")!, from: "丙",
                    to: "丁"),
            ]
        }
        #expect(ComplianceRules.r05_1.check(facts).map(\.subject) == ["principal_change:7"])
        #expect(ComplianceRules.r05_1.check(facts).first?.details == ["2025-03-02", "甲", "乙"])
        #expect(ComplianceRules.r20_2.check(facts).map(\.unit) == [township])
        #expect(ComplianceRules.r05_1.check(chain(today: "2026-06-01")).isEmpty)
    }

    /// Dates out of order, targets out of range, files that are not PDF.
    @Test func letterValidation() {
        let today = CivilDate(iso: "2026-06-01")!
        #expect(
            ResponsibilityChain.letterDateProblem(
                year: 2026, draftedOn: CivilDate(iso: "2026-01-10")!, signedOn: CivilDate(iso: "2026-01-09"),
                today: today) == "signed_on")
        #expect(
            ResponsibilityChain.letterDateProblem(
                year: 2026, draftedOn: CivilDate(iso: "2026-01-10")!, signedOn: CivilDate(iso: "2026-06-02"),
                today: today) == "signed_on")
        #expect(
            ResponsibilityChain.letterDateProblem(
                year: 2026, draftedOn: CivilDate(iso: "2026-06-02")!, signedOn: nil, today: today) == "drafted_on")
        #expect(
            ResponsibilityChain.letterDateProblem(
                year: 2029, draftedOn: CivilDate(iso: "2026-01-10")!, signedOn: nil, today: today) == "drafted_on")
        #expect(
            ResponsibilityChain.letterDateProblem(
                year: 2026, draftedOn: CivilDate(iso: "2025-12-20")!, signedOn: CivilDate(iso: "2026-01-05"),
                today: today) == nil)
        #expect(throws: ResponsibilityTargets.Problem.field("target_people")) {
            try ResponsibilityTargets(households: 10, people: 5).validated()
        }
        #expect(throws: ResponsibilityTargets.Problem.field("target_villages")) {
            try ResponsibilityTargets(villages: -1).validated()
        }
        #expect(
            ResponsibilityChain.isPDF(Array("%PDF-1.4\n".utf8))
                && !ResponsibilityChain.isPDF(Array("PK\u{3}\u{4}".utf8)))
        #expect(LetterState.draft.next == .signed && LetterState.archived.next == nil && !LetterState.draft.binds)
    }

    /// R-28-1, R-28-2, R-32-1: party-member leaders of poor villages, their projects and the people they lift.
    @Test func partyMemberLeaders() {
        let v1 = OrgCode("540102001201")!, v2 = OrgCode("540102001202")!, v3 = OrgCode("540102001203")!
        func household(_ id: Int, _ village: OrgCode, _ status: HouseholdStatus) -> ComplianceFacts.Household {
            .init(
                id: id, number: "\(village.value)\(1000 + id)", village: village, status: status, activePairings: 1,
                endedPairings: [])
        }
        var facts = ComplianceFacts(
            cadres: [],
            households: [
                household(1, v1, .notExited), household(2, v2, .returnedToPoverty),
                household(3, v3, .exitedWithPolicy),
            ], unitsWithPoor: [])
        // v1 and v2 are poor villages; v3 exited (its registration is history), so it is not asked.
        facts.poorVillages = [v1, v2]
        facts.partyLeaders = [
            .init(id: 1, village: v1, name: "甲", projects: 1, risingPeople: 3),
            .init(id: 2, village: v1, name: "乙", projects: 2, risingPeople: 5),
            .init(id: 3, village: v2, name: "丙", projects: 0, risingPeople: 2),
            .init(id: 4, village: v3, name: "丁", projects: 3, risingPeople: 3),
        ]
        // v1 has two (enough), v2 one; v3 has no poor households left, so it is not asked.
        #expect(ComplianceRules.r28_1.check(facts).map(\.subject) == ["village:540102001202"])
        #expect(ComplianceRules.r28_1.check(facts).first?.details == ["1"])
        #expect(ComplianceRules.r28_2.check(facts).map(\.subject) == ["leader:3", "leader:4"])
        #expect(
            ComplianceRules.r28_2.check(facts).first?.details == ["丙", "0"]
                && ComplianceRules.r28_2.check(facts).first?.unit == v2)
        #expect(ComplianceRules.r32_1.check(facts).map(\.subject) == ["leader:3"])
        // Four leaders in a village is too many, too.
        facts.partyLeaders += [
            .init(id: 5, village: v1, name: "戊", projects: 1, risingPeople: 3),
            .init(id: 6, village: v1, name: "己", projects: 1, risingPeople: 3),
        ]
        #expect(ComplianceRules.r28_1.check(facts).map(\.subject) == ["village:540102001201", "village:540102001202"])
        #expect(PartyLeaderRule.rose([2024: Money(yuan: 4000), 2025: Money(yuan: 4100)]))
        #expect(!PartyLeaderRule.rose([2024: Money(yuan: 4000), 2025: Money(yuan: 4000)]))
        #expect(!PartyLeaderRule.rose([2025: Money(yuan: 9000)]))
        #expect(PartyLeaderRule.rose([2019: Money(yuan: 5000), 2023: Money(yuan: 3000), 2024: Money(yuan: 3100)]))
    }

    /// Who acts for a village from outside it, when a report opens, and when a plan may be approved.
    @Test func reachOpeningAndApproval() {
        let village = OrgCode("540102001201")!
        for (unit, reaches) in [
            ("54", true), ("5401", true), ("540102", true), ("540102003", true), ("5402", false), ("540103", false),
        ] {
            #expect(VillageReach.reaches(OrgCode(unit)!, village: village) == reaches, "\(unit)")
        }
        #expect(VillageReach.maySendWorkTeam(type: .department, unit: OrgCode("540102")!, to: village))
        // a township does not send work teams
        #expect(!VillageReach.maySendWorkTeam(type: .department, unit: OrgCode("540102003")!, to: village))
        #expect(!VillageReach.maySendWorkTeam(type: .villageCommittee, unit: OrgCode("540102")!, to: village))
        #expect(!VillageReach.maySendWorkTeam(type: .department, unit: OrgCode("540103")!, to: village))
        #expect(VillageReach.mayHelp(type: .enterprise, unit: OrgCode("540102003")!, village: village))
        #expect(!VillageReach.mayHelp(type: .department, unit: OrgCode("540102")!, village: village))
        #expect(!VillageReach.mayHelp(type: .enterprise, unit: OrgCode("540103")!, village: village))
        let q3 = ReportSchedule().periods(level: .county, year: 2026)[2]
        #expect(q3.opensOn.description == "2026-09-15")
        #expect(
            ReportStanding.of(
                due: CivilDate(iso: "2026-01-31")!, submittedOn: CivilDate(iso: "2026-02-01"),
                today: CivilDate(iso: "2026-03-01")!) == .late)
        let today = CivilDate(iso: "2026-06-01")!
        #expect(
            PlanKind.approvalProblem(approvedOn: CivilDate(iso: "2024-12-31")!, periodFrom: 2026, today: today) == nil)
        #expect(
            PlanKind.approvalProblem(approvedOn: CivilDate(iso: "2023-12-31")!, periodFrom: 2026, today: today)
                == "approved_on")
        #expect(
            PlanKind.approvalProblem(approvedOn: CivilDate(iso: "2026-06-02")!, periodFrom: 2026, today: today)
                == "approved_on")
    }
}

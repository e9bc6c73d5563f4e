import Testing
@testable import TuopinCore

@Suite struct CaseRulesTests {
    let village = OrgCode("540102001201")!

    /// Who acts: a binding with one of the step's roles on the case's unit or above it.
    @Test func actingRoleFollowsBindingsAndLevels() {
        let step = Workflows.householdExit.steps[1]  // verify: village or township
        let clerkHere = Scope(bindings: [RoleBinding(role: .clerk, unit: OrgCode("540102001")!)])
        let clerkThere = Scope(bindings: [RoleBinding(role: .clerk, unit: OrgCode("540103001")!)])
        let county = Scope(bindings: [RoleBinding(role: .countyOffice, unit: OrgCode("540102")!)])
        #expect(clerkHere.actingRole(for: step, on: village) == .clerk)
        #expect(clerkThere.actingRole(for: step, on: village) == nil)
        #expect(county.actingRole(for: step, on: village) == nil)
        let wf = Workflows.householdExit
        var facts = StepFacts()
        facts.householdExitFailures = []
        #expect(
            wf.transition(.at(1), action: "verify", scope: clerkThere, on: village, facts: facts).map(\.state)
                == .failure(.wrongRole(allowed: [.villageCadre, .clerk])))
        #expect(
            wf.transition(.at(1), action: "verify", scope: clerkHere, on: village, facts: facts).map(\.role)
                == .success(.clerk))
    }

    /// Every (state, action, scope) gives the same answer as (state, action, role) for a user bound at the case's unit.
    @Test(arguments: Workflows.all.map(\.id))
    func scopeDecisionsMatchRoleDecisions(id: String) {
        let wf = Workflows.named(id)!
        for state in wf.states {
            for action in wf.actions {
                for role in Role.allCases {
                    let unit =
                        role.allowedLevels.contains(.village)
                        ? village : village.ancestor(at: role.allowedLevels.max()!)!
                    let scope = Scope(bindings: [RoleBinding(role: role, unit: unit)])
                    let byRole = wf.transition(state, action: action, by: role, facts: StepFacts())
                    let byScope = wf.transition(state, action: action, scope: scope, on: village, facts: StepFacts())
                        .map(\.state)
                    #expect(byRole == byScope, "\(id) \(state) \(action) \(role)")
                }
            }
        }
    }

    @Test func spotCheckSamplesAtLeastTenPercentDeterministically() {
        let ids = Array(1...95)
        let a = SpotCheck.sample(ids, seed: 42, percent: 10)
        #expect(a.count == 10 && Set(a).isSubset(of: Set(ids)) && a == a.sorted())
        #expect(SpotCheck.sample(ids.shuffled(), seed: 42, percent: 10) == a)
        #expect(SpotCheck.sample(ids, seed: 43, percent: 10) != a)
        #expect(SpotCheck.sample([7], seed: 1, percent: 10) == [7])
        #expect(SpotCheck.sample([], seed: 1, percent: 10).isEmpty)
        #expect(SpotCheck.sampleSize(population: 100, percent: 25) == 25)
        // Rounded up, at least one case: 10% of 91 is 9.1 → 10; of 90 exactly 9; 1% of 5 → 1.
        #expect(SpotCheck.sampleSize(population: 91, percent: 10) == 10)
        #expect(SpotCheck.sampleSize(population: 90, percent: 10) == 9)
        #expect(SpotCheck.sampleSize(population: 5, percent: 1) == 1)
    }

    @Test func noticePeriodRules() throws {
        let today = CivilDate(year: 2026, month: 11, day: 27)!
        try NoticePeriod.validate(start: today, end: today.adding(days: 6), today: today, minDays: 7)
        #expect(throws: NoticePeriod.Problem.tooShort(minDays: 7)) {
            try NoticePeriod.validate(start: today, end: today.adding(days: 5), today: today, minDays: 7)
        }
        #expect(throws: NoticePeriod.Problem.startInPast) {
            try NoticePeriod.validate(
                start: today.adding(days: -1), end: today.adding(days: 6), today: today, minDays: 7)
        }
        #expect(throws: NoticePeriod.Problem.tooLong) {
            try NoticePeriod.validate(start: today, end: today.adding(days: 60), today: today, minDays: 7)
        }
        #expect(!NoticePeriod.hasEnded(end: today, today: today))
        #expect(NoticePeriod.hasEnded(end: today, today: today.adding(days: 1)))
        // The inbox's "from" day is the first day hasEnded holds: the day after the end, not the end.
        let first = NoticePeriod.firstActionDay(end: today)
        #expect(first == today.adding(days: 1))
        #expect(NoticePeriod.hasEnded(end: today, today: first))
        #expect(!NoticePeriod.hasEnded(end: today, today: first.adding(days: -1)))
    }

    @Test func aStepWaitsOnlyRightAfterANotice() {
        let wf = Workflows.householdExit
        let notices = wf.steps.indices.filter { wf.steps[$0].opensNotice }
        #expect(!notices.isEmpty)
        for i in 0...wf.steps.count {
            #expect(wf.followsNotice(i) == (i > 0 && notices.contains(i - 1)), "step \(i)")
        }
        #expect(!wf.followsNotice(0) && !wf.followsNotice(wf.steps.count + 1))
    }

    @Test func civilDateArithmetic() {
        let d = CivilDate(year: 2020, month: 2, day: 28)!
        #expect(d.adding(days: 1) == CivilDate(year: 2020, month: 2, day: 29))
        #expect(d.adding(days: 2) == CivilDate(year: 2020, month: 3, day: 1))
        #expect(CivilDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
        #expect(CivilDate(year: 2026, month: 11, day: 27)!.daysSince(CivilDate(year: 2025, month: 11, day: 27)!) == 365)
        #expect(CivilDate(iso: "2026-11-27") == CivilDate(year: 2026, month: 11, day: 27))
        #expect(CivilDate(iso: "2026-13-01") == nil && CivilDate(iso: "yesterday") == nil)
        for n in stride(from: -800_000, through: 800_000, by: 997) { #expect(CivilDate(dayNumber: n).dayNumber == n) }
    }

    @Test func appraisalVotesNeedAMajority() {
        #expect(AppraisalVotes(votesFor: 10, votesAgainst: 3)?.passes == true)
        #expect(AppraisalVotes(votesFor: 3, votesAgainst: 3)?.passes == false)
        #expect(AppraisalVotes(votesFor: nil, votesAgainst: 3) == nil)
        #expect(AppraisalVotes(votesFor: -1, votesAgainst: 3) == nil)
        #expect(AppraisalVotes(votesFor: 0, votesAgainst: 0) == nil)
    }

    /// The policy the server applies generically: where each workflow changes its subject, which
    /// notices are 公告, what each form asks for, and who may enter which workflow.
    @Test func effectsNoticesInputsAndEligibilityLiveInTheDefinitions() {
        func effects(_ wf: WorkflowDefinition) -> [String: StepEffect] {
            Dictionary(uniqueKeysWithValues: wf.steps.compactMap { s in s.effect.map { (s.action, $0) } })
        }
        #expect(effects(Workflows.identification) == ["register": .registerPoor])
        #expect(effects(Workflows.householdExit) == ["deregister": .exitHousehold])
        #expect(effects(Workflows.villageExit) == ["approvePrefecture": .exitUnit])
        #expect(effects(Workflows.countyExit) == ["approveRegion": .exitUnit])
        #expect(
            StepEffect.registerPoor.householdStatus == .notExited
                && StepEffect.exitHousehold.householdStatus == .exitedWithPolicy)
        let announcements = Workflows.all.flatMap { $0.steps.filter { $0.notice == .gonggao }.map(\.action) }
        #expect(
            announcements == [
                "announceCounty", "announce", "approveCounty", "announceCompletion", "disclose", "announceCounty",
            ])
        // 返贫 (issue #25 item 5): exited households only, poor again with the exit kept; identification is for
        // households never registered.
        #expect(effects(Workflows.returnToPoverty) == ["register": .returnToPoverty])
        #expect(StepEffect.returnToPoverty.householdStatus == .returnedToPoverty)
        #expect(Workflows.startable(forHousehold: .exitedWithPolicy).id == Workflows.returnToPoverty.id)
        #expect(Workflows.startable(forHousehold: .applicant).id == Workflows.identification.id)
        #expect(
            Workflows.identification.ineligibility(household: .exitedWithoutPolicy)
                == "wf_not_eligible_exited_use_return")
        #expect(Workflows.returnToPoverty.ineligibility(household: .notExited) == "wf_not_eligible_not_exited")
        #expect(Workflows.returnToPoverty.ineligibility(household: .exitedWithPolicy) == nil)
        #expect(!Workflows.returnToPoverty.steps[5].requires.contains(.withinQuota))
        let county = Workflows.countyExit
        #expect(county.inputs(at: county.stepIndex("assessRegion")!).survey)
        #expect(!county.inputs(at: county.stepIndex("approveRegion")!).survey)  // checks the recorded survey
        #expect(county.inputs(at: county.stepIndex("recordStateCouncilConsent")!).document)
        #expect(Workflows.householdExit.inputs(at: 0).votes && Workflows.householdExit.inputs(at: 2).consent)
        #expect(Workflows.identification.ineligibility(household: .notExited) == "wf_not_eligible_poor")
        #expect(Workflows.identification.ineligibility(household: .applicant) == nil)
        #expect(Workflows.householdExit.ineligibility(household: .exitedWithPolicy) == "wf_not_eligible_exited")
        #expect(Workflows.householdExit.ineligibility(household: .returnedToPoverty) == nil)
        #expect(county.ineligibility(unitExited: false, registeredPoor: false) == "wf_not_eligible_not_poverty_county")
        #expect(county.ineligibility(unitExited: false, registeredPoor: true) == nil)
        #expect(
            Workflows.villageExit.ineligibility(unitExited: true, registeredPoor: true)
                == "wf_not_eligible_unit_exited")
        // Item 7: only a registered poor village or township exits.
        #expect(
            Workflows.villageExit.ineligibility(unitExited: false, registeredPoor: false)
                == "wf_not_eligible_not_poor_village")
        #expect(Workflows.villageExit.ineligibility(unitExited: false, registeredPoor: true) == nil)
        #expect(
            Workflows.townshipExit.ineligibility(unitExited: false, registeredPoor: false)
                == "wf_not_eligible_not_poor_township")
        #expect(Workflows.townshipExit.ineligibility(unitExited: false, registeredPoor: true) == nil)
        #expect(Workflows.startable(forHousehold: .returnedToPoverty).id == Workflows.householdExit.id)
        #expect(Workflows.startable(forUnit: .township)?.id == "W-township-exit")
        #expect(Workflows.startable(forUnit: .prefecture) == nil)
        #expect(Workflows.townshipExit.subject.unitLevel == .township && CaseSubject.household.unitLevel == nil)
        let supervisor = Scope(bindings: [RoleBinding(role: .villageSupervisor, unit: village)])
        #expect(supervisor.mayObserve(noticeOf: village) && !supervisor.mayObserve(noticeOf: OrgCode("540102001202")!))
    }
}

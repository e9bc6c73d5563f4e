/// Rules around a workflow case that are not the state machine itself: who acts for which unit
/// and how a spot check draws its sample (the notices' rules are in `Portal/Notices.swift`).
extension Scope {
    /// The role under which the user may take `step` on a case of `unit`: a binding with one of the
    /// step's roles on the unit itself or on a unit above it. Nil when the user may not act.
    public func actingRole(for step: WorkflowStep, on unit: OrgCode) -> Role? {
        bindings.filter { step.roles.contains($0.role) && unit.isSelfOrDescendant(of: $0.unit) }
            .map(\.role).sorted { $0.rawValue < $1.rawValue }.first
    }
}

extension Scope {
    /// Who decides the objections and answers the observations on a notice: whoever may take the step that
    /// published it (`workflow`'s `action`) on the notice's unit.
    public func decidesObjections(onNoticeOf workflow: String, action: String, unit: OrgCode) -> Bool {
        guard let wf = Workflows.named(workflow), let index = wf.stepIndex(action) else { return false }
        return actingRole(for: wf.steps[index], on: unit) != nil
    }

    /// A village supervisor (村务监督委员会) may file observations on notices of its village.
    public func mayObserve(noticeOf unit: OrgCode) -> Bool {
        bindings.contains { $0.role == .villageSupervisor && unit.isSelfOrDescendant(of: $0.unit) }
    }

    /// … and on any notice that concerns its village (article 30): a township's or county's fund disclosure
    /// allocating to the village or to a project sited in it.
    public func mayObserve(noticeConcerning units: [OrgCode]) -> Bool { units.contains { mayObserve(noticeOf: $0) } }
}

/// What a step asks the user for, derived from its requirements and notice.
public struct StepInputs: Sendable, Equatable {
    public var votes = false, consent = false, notice = false, survey = false, document = false
}

extension WorkflowDefinition {
    /// The survey figures (三率一度) are entered at the first step that checks the county thresholds;
    /// later steps check the recorded ones.
    public func inputs(at index: Int) -> StepInputs {
        guard steps.indices.contains(index) else { return StepInputs() }
        let step = steps[index]
        let firstThresholds = steps.firstIndex { $0.requires.contains(.countyThresholds) }
        return StepInputs(
            votes: step.requires.contains(.appraisalVotes), consent: step.requires.contains(.householdConsent),
            notice: step.opensNotice, survey: firstThresholds == index,
            document: step.requires.contains(.stateCouncilConsent))
    }

    /// Why a household cannot enter this workflow (message key), or nil: identification is for households never
    /// registered, 返贫 for those that exited, household exit for those still poor.
    public func ineligibility(household status: HouseholdStatus) -> String? {
        switch id {
        case Workflows.identification.id where status.isRemainingPoor: "wf_not_eligible_poor"
        case Workflows.identification.id where status.hasExited: "wf_not_eligible_exited_use_return"
        case Workflows.returnToPoverty.id where !status.hasExited: "wf_not_eligible_not_exited"
        case Workflows.householdExit.id where !status.isRemainingPoor: "wf_not_eligible_exited"
        default: nil
        }
    }

    /// Why a village, township or county cannot enter this workflow (message key), or nil: only a unit
    /// registered as poor (贫困村, 贫困乡镇, 贫困县) and not yet exited exits.
    public func ineligibility(unitExited: Bool, registeredPoor: Bool) -> String? {
        if unitExited { return "wf_not_eligible_unit_exited" }
        guard !registeredPoor else { return nil }
        switch subject {
        case .county: return "wf_not_eligible_not_poverty_county"
        case .township: return "wf_not_eligible_not_poor_township"
        default: return "wf_not_eligible_not_poor_village"
        }
    }
}

extension Workflows {
    /// The workflow a household can start: exit while poor, 返贫 once exited, identification otherwise.
    public static func startable(forHousehold status: HouseholdStatus) -> WorkflowDefinition {
        status.isRemainingPoor ? householdExit : status.hasExited ? returnToPoverty : identification
    }

    /// The workflow a unit can start: village, township or county exit.
    public static func startable(forUnit level: OrgLevel) -> WorkflowDefinition? {
        switch level {
        case .village: villageExit
        case .township: townshipExit
        case .county: countyExit
        default: nil
        }
    }
}

/// Spot checks (article 18: the county checks the accuracy of identification and exit): a seeded random
/// sample of `percent` of a batch (rounded up), at least one case. The least share a check may draw is
/// local practice (`LocalPractice.Key.spotCheckPercent`, 10% as shipped); the article names no share.
public enum SpotCheck {
    public static func sampleSize(population: Int, percent: Int) -> Int {
        guard population > 0 else { return 0 }
        return min(population, max(1, (population * min(max(percent, 1), 100) + 99) / 100))
    }

    /// A share a check may draw under the practice: from its minimum to 100%.
    public static func allows(percent: Int, practice: LocalPractice) -> Bool {
        (practice[.spotCheckPercent]...100).contains(percent)
    }

    /// The sampled ids, in ascending order. The same ids, seed and percent always give the same sample.
    public static func sample(_ ids: [Int], seed: UInt64, percent: Int) -> [Int] {
        var rng = SplitMix64(seed: seed)
        var pool = ids.sorted()
        let n = sampleSize(population: pool.count, percent: percent)
        // Partial Fisher–Yates: the first n positions become the sample.
        for i in 0..<n {
            let j = i + Int(rng.next() % UInt64(pool.count - i))
            pool.swapAt(i, j)
        }
        return Array(pool.prefix(n)).sorted()
    }
}

/// Identification votes (民主评议): recorded for and against; the proposal passes by a majority.
public struct AppraisalVotes: Sendable, Equatable, Codable {
    public var votesFor: Int
    public var votesAgainst: Int
    public init?(votesFor: Int?, votesAgainst: Int?) {
        guard let f = votesFor, let a = votesAgainst, f >= 0, a >= 0, f + a > 0, f + a <= 10_000 else { return nil }
        self.votesFor = f; self.votesAgainst = a
    }
    public var passes: Bool { votesFor > votesAgainst }
}

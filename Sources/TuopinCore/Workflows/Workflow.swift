/// The four workflows of DESIGN.md as data: an ordered list of steps, each with the roles that
/// may take it and the facts it requires. `transition` is the one pure function that decides
/// every step, so the server can only record what this allows.
public struct WorkflowStep: Sendable, Equatable {
    public let action: String
    /// The roles that may take this step; a role's binding level is the org level that acts.
    public let roles: Set<Role>
    /// The public notice the step opens (公示 or 公告); the next step waits for its end and its objections.
    public let notice: NoticeKind?
    public var opensNotice: Bool { notice != nil }
    /// What the step changes outside the case when it is taken.
    public let effect: StepEffect?
    /// Facts that must hold before the step.
    public let requires: Set<Requirement>
    /// Whether the acting role may refuse here instead (a decision step).
    public let canReject: Bool
    /// What a refusal here changes outside the case (the prefecture's 备案审核 reversing an exit).
    public let rejectEffect: StepEffect?

    public init(
        _ action: String, _ roles: Set<Role>, notice: NoticeKind? = nil, requires: Set<Requirement> = [],
        canReject: Bool = false,
        effect: StepEffect? = nil, rejectEffect: StepEffect? = nil
    ) {
        self.action = action; self.roles = roles; self.notice = notice; self.requires = requires;
        self.canReject = canReject
        self.effect = effect; self.rejectEffect = rejectEffect
    }
}

/// 公示 (a notice open for objections before a decision) or 公告 (the announcement of one).
public enum NoticeKind: String, Sendable, Codable { case gongshi, gonggao }

/// A step's consequence for its subject (articles 15, 25): the household registered as poor, the
/// household exited (enjoying policies), or the village or county exited; each sets the case's year.
public enum StepEffect: String, Sendable {
    /// `reverseHouseholdExit`: the exit undone — the status the household had before it, the exit year cleared.
    /// `returnToPoverty`: an exited household fallen back (返贫) — poor again, its exit year kept as history.
    case registerPoor, exitHousehold, exitUnit, reverseHouseholdExit, returnToPoverty

    /// The status a reversed exit restores: the one the household had before 销号 when that was a poor status
    /// (未脱贫 or 返贫), else 未脱贫.
    public static func statusAfterReversedExit(before: HouseholdStatus?) -> HouseholdStatus {
        if let before, before.isRemainingPoor { before } else { .notExited }
    }

    /// The household's status after the step, for household effects (a reversal restores the one before).
    public var householdStatus: HouseholdStatus? {
        switch self {
        case .registerPoor: .notExited
        case .exitHousehold: .exitedWithPolicy
        case .returnToPoverty: .returnedToPoverty
        case .exitUnit, .reverseHouseholdExit: nil
        }
    }
}

public enum Requirement: String, Sendable, CaseIterable {
    case householdExitCriteria, householdConsent, villageIncidence, countyThresholds, withinQuota, stateCouncilConsent,
        appraisalVotes
    /// No sampled case of a spot check is still unverified or failed (article 18).
    case spotCheckPassed
}

/// Where a case stands: how many steps are done, or refused.
public enum WorkflowState: Equatable, Sendable, Hashable {
    case at(Int)
    case rejected(atStep: Int)
}

/// What the server knows when a step is asked for. Criteria are evaluated by `ExitCriteria` first.
public struct StepFacts: Sendable, Equatable {
    public var noticeEnded = true
    public var openObjections = 0
    public var householdExitFailures: [ExitCriteria.HouseholdFailure] = []
    public var consentRecorded = true
    public var villageIncidencePasses = true
    public var countyFailures: [ExitCriteria.CountyThreshold] = []
    public var withinQuota = true
    public var stateCouncilConsentRecorded = true
    public var appraisalVotesRecorded = true
    public var spotCheckPending = false
    public init() {}
}

public enum Refusal: Error, Equatable, Sendable {
    case finished
    case unknownAction(String)
    case outOfOrder(expected: String)
    case wrongRole(allowed: Set<Role>)
    case cannotReject
    case noticeRunning
    case objectionOpen(Int)
    case exitCriteriaNotMet([ExitCriteria.HouseholdFailure])
    case consentMissing
    case villageIncidenceTooHigh
    case countyThresholdsNotMet([ExitCriteria.CountyThreshold])
    case quotaExceeded
    case stateCouncilConsentMissing
    case appraisalVotesMissing
    case spotCheckPending
    /// R-37-3 (article 37): a pairing does not end before its household has exited.
    case pairingBeforeExit
    /// R-05-1 / R-20-2 (articles 5, 20): the unit's principals stay until it exits, unless region HQ exempts.
    case leadershipLocked(rule: String)

    /// Message key of the reason, for every language.
    public var key: String {
        switch self {
        case .finished: "wf_finished"
        case .unknownAction: "wf_unknown_action"
        case .outOfOrder: "wf_out_of_order"
        case .wrongRole: "wf_wrong_role"
        case .cannotReject: "wf_cannot_reject"
        case .noticeRunning: "wf_notice_running"
        case .objectionOpen: "wf_objection_open"
        case .exitCriteriaNotMet: "wf_exit_criteria"
        case .consentMissing: "wf_consent_missing"
        case .villageIncidenceTooHigh: "wf_village_incidence"
        case .countyThresholdsNotMet: "wf_county_thresholds"
        case .quotaExceeded: "wf_quota"
        case .stateCouncilConsentMissing: "wf_state_council"
        case .appraisalVotesMissing: "wf_appraisal_votes"
        case .spotCheckPending: "wf_spot_check_pending"
        case .pairingBeforeExit: "pairing_before_exit"
        case .leadershipLocked(let rule): "leadership_locked_\(rule)"
        }
    }
}

/// What a case is about: a household (its village is the acting unit), a village or a county.
public enum CaseSubject: String, Sendable, Codable {
    case household, village, township, county
    /// A project of the library (article 21); the case's unit is the project's site.
    case project
    /// A unit's fund allocations on the notice board (article 21, 25); no case, only its notice.
    case allocation

    /// The level of the unit an exit case is about (village, township, county exit); nil for other subjects.
    public var unitLevel: OrgLevel? {
        switch self {
        case .village: .village
        case .township: .township
        case .county: .county
        case .household, .project, .allocation: nil
        }
    }
}

public struct WorkflowDefinition: Sendable {
    public let id: String
    public let subject: CaseSubject
    public let steps: [WorkflowStep]
    /// The step a spot check samples cases before (article 18), and where a failed check sends
    /// a case back to (the verification is taken again); nil where the workflow has no spot check.
    public let spotCheck: (before: Int, returnTo: Int)?

    public init(id: String, subject: CaseSubject, steps: [WorkflowStep], spotCheck: (before: Int, returnTo: Int)? = nil)
    {
        self.id = id; self.subject = subject; self.steps = steps; self.spotCheck = spotCheck
    }

    public func stepIndex(_ action: String) -> Int? { steps.firstIndex { $0.action == action } }
    public static let rejectAction = "reject"

    public var actions: [String] { steps.map(\.action) + [Self.rejectAction] }
    public var states: [WorkflowState] {
        (0...steps.count).map { .at($0) } + steps.indices.map { .rejected(atStep: $0) }
    }
    public func isFinal(_ state: WorkflowState) -> Bool { state == .at(steps.count) }

    /// Whether the step at index `done` comes right after a step that opened a public notice: it
    /// waits until the notice has ended and its objections are decided.
    public func followsNotice(_ done: Int) -> Bool { done > 0 && done <= steps.count && steps[done - 1].opensNotice }

    /// The state after `action` by `role`, or why not.
    public func transition(_ state: WorkflowState, action: String, by role: Role, facts: StepFacts) -> Result<
        WorkflowState, Refusal
    > {
        decide(state, action: action, actor: { $0.roles.contains(role) ? role : nil }, facts: facts).map(\.state)
    }

    /// The state after `action` by a user of `scope` on a case of `unit`, and the role they act in.
    public func transition(
        _ state: WorkflowState, action: String, scope: Scope, on unit: OrgCode,
        facts: StepFacts
    ) -> Result<(state: WorkflowState, role: Role), Refusal> {
        decide(state, action: action, actor: { scope.actingRole(for: $0, on: unit) }, facts: facts)
    }

    /// The one decision: `actor` names the role that may take a step, or nil.
    private func decide(
        _ state: WorkflowState, action: String, actor: (WorkflowStep) -> Role?,
        facts: StepFacts
    ) -> Result<(state: WorkflowState, role: Role), Refusal> {
        guard case .at(let done) = state, done < steps.count else { return .failure(.finished) }
        guard actions.contains(action) else { return .failure(.unknownAction(action)) }
        let step = steps[done]
        if action == Self.rejectAction {
            guard step.canReject else { return .failure(.cannotReject) }
            guard let role = actor(step) else { return .failure(.wrongRole(allowed: step.roles)) }
            return .success((.rejected(atStep: done), role))
        }
        guard action == step.action else { return .failure(.outOfOrder(expected: step.action)) }
        guard let role = actor(step) else { return .failure(.wrongRole(allowed: step.roles)) }
        if followsNotice(done) {
            guard facts.noticeEnded else { return .failure(.noticeRunning) }
            guard facts.openObjections == 0 else { return .failure(.objectionOpen(facts.openObjections)) }
        }
        for requirement in Requirement.allCases where step.requires.contains(requirement) {
            switch requirement {
            case .householdExitCriteria where !facts.householdExitFailures.isEmpty:
                return .failure(.exitCriteriaNotMet(facts.householdExitFailures))
            case .householdConsent where !facts.consentRecorded: return .failure(.consentMissing)
            case .villageIncidence where !facts.villageIncidencePasses: return .failure(.villageIncidenceTooHigh)
            case .countyThresholds where !facts.countyFailures.isEmpty:
                return .failure(.countyThresholdsNotMet(facts.countyFailures))
            case .withinQuota where !facts.withinQuota: return .failure(.quotaExceeded)
            case .stateCouncilConsent where !facts.stateCouncilConsentRecorded:
                return .failure(.stateCouncilConsentMissing)
            case .appraisalVotes where !facts.appraisalVotesRecorded: return .failure(.appraisalVotesMissing)
            case .spotCheckPassed where facts.spotCheckPending: return .failure(.spotCheckPending)
            default: continue
            }
        }
        return .success((.at(done + 1), role))
    }
}

/// The four workflows (DESIGN.md, Workflows; articles 5, 6, 15, 18, 22, 25).
public enum Workflows {
    static let village: Set<Role> = [.villageCadre]
    static let township: Set<Role> = [.clerk]
    static let county: Set<Role> = [.countyOffice]
    static let prefecture: Set<Role> = [.prefectureOffice]
    static let region: Set<Role> = [.regionHQ]

    /// W-identification (两公示一公告).
    public static let identification = WorkflowDefinition(
        id: "W-identification", subject: .household,
        steps: [
            WorkflowStep("apply", village.union(township)),
            WorkflowStep("appraise", village, requires: [.appraisalVotes], canReject: true),
            WorkflowStep("publishVillageNotice", village, notice: .gongshi),
            WorkflowStep("reviewTownship", township, canReject: true),
            WorkflowStep("publishSecondNotice", village.union(township), notice: .gongshi),
            WorkflowStep("approveCounty", county, requires: [.withinQuota, .spotCheckPassed], canReject: true),
            WorkflowStep("announceCounty", county, notice: .gonggao),
            WorkflowStep("register", county, effect: .registerPoor),
        ], spotCheck: (before: 5, returnTo: 3))

    /// W-return (返贫认定, articles 7, 18): an exited household that has fallen back is identified as poor again by
    /// the same procedure as identification (民主评议, two notices, the county's decision and announcement), without
    /// the identification quota; the household's exit stays on record (its exit year is kept).
    public static let returnToPoverty = WorkflowDefinition(
        id: "W-return", subject: .household,
        steps: identification.steps.map { s in
            switch s.action {
            case "approveCounty":
                WorkflowStep(s.action, s.roles, requires: s.requires.subtracting([.withinQuota]), canReject: true)
            case "register": WorkflowStep(s.action, s.roles, effect: .returnToPoverty)
            default: s
            }
        }, spotCheck: identification.spotCheck)

    /// W-household-exit, the national procedure (2016 意见; articles 15, 18, 22): the village's democratic appraisal,
    /// verification by the village and the work team against the criteria, the household's consent (a household
    /// that does not agree ends the case), the village 公示, the township's review, the county's decision, the
    /// 公告退出 after it, 销号 (status and exit year change here), and the prefecture's 备案审核 — whose refusal
    /// reverses the exit.
    public static let householdExit = WorkflowDefinition(
        id: "W-household-exit", subject: .household,
        steps: [
            WorkflowStep("propose", village, requires: [.appraisalVotes]),
            WorkflowStep("verify", village.union(township), requires: [.householdExitCriteria], canReject: true),
            WorkflowStep("recordConsent", village, requires: [.householdConsent], canReject: true),
            WorkflowStep("publishVillageNotice", village, notice: .gongshi),
            WorkflowStep("reviewTownship", township, canReject: true),
            WorkflowStep(
                "approveCounty", county, requires: [.householdExitCriteria, .spotCheckPassed], canReject: true),
            WorkflowStep("announce", township.union(county), notice: .gonggao),
            WorkflowStep("deregister", county, effect: .exitHousehold),
            WorkflowStep("filePrefecture", prefecture, canReject: true, rejectEffect: .reverseHouseholdExit),
        ], spotCheck: (before: 5, returnTo: 1))

    /// Where a household-exit case that had taken `step` steps of the order before issue #25 stands now: the
    /// same work done (an exit approved then had already changed the household, so it stands after 销号).
    public static func householdExitStep(fromOldStep step: Int) -> Int {
        [0, 1, 2, 3, 4, 5, 8, 9][min(max(step, 0), 7)]
    }

    /// W-village-exit.
    public static let villageExit = WorkflowDefinition(
        id: "W-village-exit", subject: .village,
        steps: [
            WorkflowStep("applyTownship", township),
            WorkflowStep("reviewCounty", county, canReject: true),
            WorkflowStep("assessPrefecture", prefecture, requires: [.villageIncidence], canReject: true),
            WorkflowStep("publishNotice", prefecture, notice: .gongshi),
            WorkflowStep(
                "approvePrefecture", prefecture, requires: [.villageIncidence], canReject: true, effect: .exitUnit),
        ])

    /// W-township-exit (贫困乡镇退出, articles 18, 20): the township applies, its county reviews and posts the
    /// notice, the prefecture approves; approval records the exit year, which ends R-20-2's lock. The text sets
    /// no figures for a township's exit, so none is required here: the county and prefecture judge.
    public static let townshipExit = WorkflowDefinition(
        id: "W-township-exit", subject: .township,
        steps: [
            WorkflowStep("applyTownship", township),
            WorkflowStep("reviewCounty", county, canReject: true),
            WorkflowStep("publishNotice", county, notice: .gongshi),
            WorkflowStep("approvePrefecture", prefecture, canReject: true, effect: .exitUnit),
        ])

    /// W-county-exit.
    public static let countyExit = WorkflowDefinition(
        id: "W-county-exit", subject: .county,
        steps: [
            WorkflowStep("selfEvaluate", county),
            WorkflowStep("checkPrefecture", prefecture, canReject: true),
            WorkflowStep("assessRegion", region, requires: [.countyThresholds], canReject: true),
            WorkflowStep("publishNotice", region, notice: .gongshi),
            WorkflowStep("recordStateCouncilConsent", region, requires: [.stateCouncilConsent]),
            WorkflowStep("approveRegion", region, requires: [.countyThresholds], canReject: true, effect: .exitUnit),
        ])

    /// W-project (article 21, 25): a village proposes, the township reviews and posts it, the county
    /// appraises and approves it into the library (announced on the board), it is implemented,
    /// completed, accepted by the county, and its completion announced.
    public static let project = WorkflowDefinition(
        id: "W-project", subject: .project,
        steps: [
            WorkflowStep("propose", village.union(township)),
            WorkflowStep("reviewTownship", township, canReject: true),
            WorkflowStep("publishTownshipNotice", township, notice: .gongshi),
            WorkflowStep("appraiseCounty", county, canReject: true),
            WorkflowStep("approveCounty", county, notice: .gonggao, canReject: true),
            WorkflowStep("startImplementation", village.union(township).union(county)),
            WorkflowStep("complete", village.union(township).union(county)),
            WorkflowStep("acceptCounty", county, canReject: true),
            WorkflowStep("announceCompletion", county, notice: .gonggao),
        ])

    /// The disclosure of a unit's allocations (article 21, 25): one announcing step, so that its
    /// notice takes objections like any other; those who keep the unit's funds decide them.
    public static let fundDisclosure = WorkflowDefinition(
        id: "W-funds", subject: .allocation,
        steps: [
            WorkflowStep("disclose", township.union(county).union(prefecture).union(region), notice: .gonggao)
        ])

    public static let all = [
        identification, householdExit, villageExit, countyExit, project, fundDisclosure, returnToPoverty,
        townshipExit,
    ]

    public static func named(_ id: String) -> WorkflowDefinition? { all.first { $0.id == id } }
}

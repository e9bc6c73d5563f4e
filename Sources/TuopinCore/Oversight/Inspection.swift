/// Inspections (督查巡查, article 39): a team of the inspecting unit visits target units and records
/// findings; the responsible unit rectifies each one with evidence, and the inspecting unit accepts
/// the rectification or reopens the finding. Rule R-39-1 holds the deadline.

/// The departments a team's members come from (article 39 names them).
public enum InspectionDepartment: String, Sendable, Codable, CaseIterable {
    case discipline  // 纪检监察
    case organisation  // 组织
    case developmentReform  // 发展改革
    case finance  // 财政
    case audit  // 审计
    case statistics  // 统计
    case povertyOffice  // 扶贫（攻坚）部门

    public var labelKey: String { "dept_\(rawValue)" }
}

/// What kind of visit: a scheduled supervision (督查) or a tour (巡查).
public enum InspectionKind: String, Sendable, Codable, CaseIterable {
    case supervision, patrol
    public var labelKey: String { "inspection_kind_\(rawValue)" }
}

/// What a finding is about.
public enum FindingCategory: String, Sendable, Codable, CaseIterable {
    case identification  // 识别不精准
    case exit  // 退出不实
    case funds  // 资金使用
    case projects  // 项目建设
    case responsibility  // 责任落实
    case conduct  // 工作作风
    case data  // 数据质量
    case other

    public var labelKey: String { "finding_category_\(rawValue)" }
}

/// Where a finding stands (DESIGN.md "Finding rectification"):
/// open → rectified → verified, or rectified → reopened → rectified → …
public enum FindingState: String, Sendable, Codable, CaseIterable {
    case open, rectified, verified, reopened

    public var labelKey: String { "finding_state_\(rawValue)" }
    /// Waiting for the responsible unit to rectify.
    public var awaitsRectification: Bool { self == .open || self == .reopened }
}

/// Who takes a step on a finding: the unit that answers for it, or the unit that inspected.
public enum FindingActor: String, Sendable { case responsible, inspecting }

public enum FindingAction: String, Sendable, Codable, CaseIterable {
    /// The responsible unit reports what it did, with evidence.
    case rectify
    /// The inspecting unit accepts the rectification.
    case accept
    /// The inspecting unit finds the rectification not enough.
    case reopen

    public var actor: FindingActor { self == .rectify ? .responsible : .inspecting }
    public var labelKey: String { "finding_action_\(rawValue)" }
}

public enum FindingWorkflow {
    /// The state after `action` taken by `actor`, or nil when the action is not open now.
    public static func transition(_ state: FindingState, _ action: FindingAction, by actor: FindingActor)
        -> FindingState?
    {
        guard action.actor == actor else { return nil }
        switch (state, action) {
        case (.open, .rectify), (.reopened, .rectify): return .rectified
        case (.rectified, .accept): return .verified
        case (.rectified, .reopen): return .reopened
        default: return nil
        }
    }

    /// The actions open on a finding in `state`, for the actor.
    public static func actions(_ state: FindingState, for actor: FindingActor) -> [FindingAction] {
        FindingAction.allCases.filter { transition(state, $0, by: actor) != nil }
    }

    /// Why a new finding's fields are refused (the name of the first bad field), or nil.
    public static func findingProblem(deadline: CivilDate, raisedOn: CivilDate) -> String? {
        deadline < raisedOn ? "deadline" : nil
    }

    /// Why an inspection's dates are refused, or nil: it ends on or after it starts, and starts by today.
    public static func inspectionProblem(startedOn: CivilDate, endedOn: CivilDate?, today: CivilDate) -> String? {
        if startedOn > today { return "started_on" }
        if let end = endedOn, end < startedOn { return "ended_on" }
        return nil
    }

    /// Past its deadline without an accepted rectification (R-39-1, and the pages' "overdue").
    public static func isOverdue(_ state: FindingState, deadline: CivilDate, today: CivilDate) -> Bool {
        state != .verified && deadline < today
    }

    /// The sides a user may act on for a finding: the inspecting side judges; the responsible side
    /// rectifies, unless it is the inspecting side too (a county office keeps its townships'
    /// responsibility, but does not rectify what it found).
    public static func actors(inspects: Bool, keepsResponsibleUnit: Bool) -> Set<FindingActor> {
        inspects ? [.inspecting] : keepsResponsibleUnit ? [.responsible] : []
    }

    /// A rectification was on time when it was accepted and the rectification it accepted came by the deadline.
    public static func rectifiedOnTime(state: FindingState, deadline: CivilDate, rectifiedOn: CivilDate?) -> Bool {
        guard state == .verified, let done = rectifiedOn else { return false }
        return done <= deadline
    }
}

extension ComplianceFacts {
    /// A finding as R-39-1 reads it.
    public struct FindingFact: Sendable {
        public let id: Int
        public let unit: OrgCode
        public let state: FindingState
        public let deadline: CivilDate
        public let inspection: String
        public init(id: Int, unit: OrgCode, state: FindingState, deadline: CivilDate, inspection: String) {
            self.id = id; self.unit = unit; self.state = state; self.deadline = deadline; self.inspection = inspection
        }
    }
}

extension ComplianceRules {
    /// R-39-1 (article 39): no finding is past its deadline without an accepted rectification.
    /// The violation is on the responsible unit; accepting the rectification clears it.
    public static let r39_1 = ComplianceRule(.r39_1) { facts in
        facts.findings.filter { FindingWorkflow.isOverdue($0.state, deadline: $0.deadline, today: facts.chain.today) }
            .map { f in
                Violation(
                    .r39_1, unit: f.unit, subject: "finding:\(f.id)",
                    details: [String(f.id), f.inspection, f.deadline.description])
            }
    }

    /// The rules whose violations are inspection findings overdue.
    public static let overdueFindingRules = [r39_1]
}

/// Evidence of a rectification: a scan or photo (PDF, JPEG or PNG), at most 10 MB, recognised by its first bytes.
public enum EvidenceFile {
    public static let maxBytes = 10 << 20

    public enum Kind: String, Sendable, CaseIterable {
        case pdf, jpeg, png
        public var mediaType: (type: String, subType: String) {
            switch self {
            case .pdf: ("application", "pdf")
            case .jpeg: ("image", "jpeg")
            case .png: ("image", "png")
            }
        }
    }

    public static func kind(of bytes: some Collection<UInt8>) -> Kind? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }
}

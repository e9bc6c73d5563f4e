/// The oversight registers: disputes (article 26), cases of the discipline, procuratorate and
/// audit bodies (article 9), and rewards and penalties (articles 41, 42).

/// What a dispute is about.
public enum DisputeKind: String, Sendable, Codable, CaseIterable {
    case land, family, debt, neighbourhood, labour, benefits, other
    public var labelKey: String { "dispute_kind_\(rawValue)" }
}

/// open → mediating (any number of mediation steps) → resolved, or referred to a court or a department.
public enum DisputeStatus: String, Sendable, Codable, CaseIterable {
    case open, mediating, resolved, referred
    public var labelKey: String { "dispute_status_\(rawValue)" }
    public var isClosed: Bool { self == .resolved || self == .referred }
}

public enum DisputeAction: String, Sendable, Codable, CaseIterable {
    case mediate, resolve, refer
    public var labelKey: String { "dispute_action_\(rawValue)" }
}

public enum DisputeRules {
    /// The status after `action`, or nil when a closed dispute is acted on.
    public static func transition(_ status: DisputeStatus, _ action: DisputeAction) -> DisputeStatus? {
        guard !status.isClosed else { return nil }
        switch action {
        case .mediate: return .mediating
        case .resolve: return .resolved
        case .refer: return .referred
        }
    }

    /// Not closed and past its deadline.
    public static func isOverdue(_ status: DisputeStatus, deadline: CivilDate, today: CivilDate) -> Bool {
        !status.isClosed && deadline < today
    }
}

/// An oversight case is open until it is closed with its outcome.
public enum OversightCaseStatus: String, Sendable, Codable, CaseIterable {
    case open, closed
    public var labelKey: String { "ocase_status_\(rawValue)" }
}

public enum SanctionKind: String, Sendable, Codable, CaseIterable {
    case reward, penalty
    public var labelKey: String { "sanction_kind_\(rawValue)" }
    /// The measures of each kind (articles 41, 42).
    public var measures: [SanctionMeasure] {
        SanctionMeasure.allCases.filter { $0.kind == self }
    }
}

public enum SanctionMeasure: String, Sendable, Codable, CaseIterable {
    case commendation, award, fundingPriority  // 通报表扬, 表彰奖励, 资金项目倾斜
    case interview, criticism, admonition, accountability, discipline  // 约谈, 通报批评, 诫勉, 问责, 党纪政务处分
    public var kind: SanctionKind { [.commendation, .award, .fundingPriority].contains(self) ? .reward : .penalty }
    public var labelKey: String { "sanction_measure_\(rawValue)" }
}

/// Who a reward or penalty is for: a unit, a cadre, or a social actor (an enterprise, an organisation, a person).
public enum SanctionSubject: String, Sendable, Codable, CaseIterable {
    case unit, cadre, socialActor
    public var labelKey: String { "sanction_subject_\(rawValue)" }
}

/// What a reward or penalty rests on.
public enum SanctionBasis: String, Sendable, Codable, CaseIterable {
    case assessment, finding, oversightCase
    public var labelKey: String { "sanction_basis_\(rawValue)" }
}

/// Whether a household is in the monitoring range of a year's standard, and why (the rule that flags
/// households by the registry's own figures, and the figures a case records as its justification).
public enum MonitoringRange {
    public enum Reason: Equatable, Sendable {
        /// Per-capita net income below the monitoring line (at the line is not below it).
        case incomeBelowLine(perCapita: Money, line: Money)
        /// Hard spending above its threshold (at the threshold is not above it).
        case medicalAbove(Money, threshold: Money)
        case educationAbove(Money, threshold: Money)
        case lossAbove(Money, threshold: Money)

        public var key: String {
            switch self {
            case .incomeBelowLine: "monitoring_reason_income"
            case .medicalAbove: "monitoring_reason_medical"
            case .educationAbove: "monitoring_reason_education"
            case .lossAbove: "monitoring_reason_loss"
            }
        }
    }

    /// A household's figures for one year: per-capita net income (nil when none is recorded) and hard
    /// spending (nil when not reported).
    public struct Figures: Equatable, Sendable {
        public var perCapitaIncome: Money?
        public var medical: Money?
        public var education: Money?
        public var loss: Money?
        public init(perCapitaIncome: Money?, medical: Money? = nil, education: Money? = nil, loss: Money? = nil) {
            self.perCapitaIncome = perCapitaIncome; self.medical = medical; self.education = education
            self.loss = loss
        }
    }

    /// Every reason the figures put the household in range of `standard`; empty when none does.
    public static func reasons(_ f: Figures, standard s: MonitoringStandard) -> [Reason] {
        var reasons: [Reason] = []
        if let income = f.perCapitaIncome, income < s.incomeLine {
            reasons.append(.incomeBelowLine(perCapita: income, line: s.incomeLine))
        }
        if let m = f.medical, m > s.medicalThreshold { reasons.append(.medicalAbove(m, threshold: s.medicalThreshold)) }
        if let e = f.education, e > s.educationThreshold {
            reasons.append(.educationAbove(e, threshold: s.educationThreshold))
        }
        if let l = f.loss, l > s.lossThreshold { reasons.append(.lossAbove(l, threshold: s.lossThreshold)) }
        return reasons
    }

    /// The kind a household in range is identified as by default: exited households are 脱贫不稳定户,
    /// others 边缘易致贫户; a sudden loss or hard spending with an income above the line is 突发严重困难户.
    public static func suggestedKind(status: HouseholdStatus, reasons: [Reason]) -> MonitoringKind? {
        guard !reasons.isEmpty else { return nil }
        if status.hasExited { return .unstable }
        let incomeLow = reasons.contains { if case .incomeBelowLine = $0 { true } else { false } }
        return incomeLow ? .edge : .sudden
    }
}

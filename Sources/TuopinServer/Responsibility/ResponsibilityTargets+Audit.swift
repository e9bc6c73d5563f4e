import TuopinCore

extension ResponsibilityTargets {
    /// The targets as the audit log records them: households/people/villages/counties/funds.
    var auditText: String { "\(households)/\(people)/\(villages)/\(counties)/\(funds)" }
}

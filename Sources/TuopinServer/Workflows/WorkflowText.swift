import TuopinCore

/// The words of the workflows in the user's language: workflow and step names, refusal reasons.
enum WorkflowText {
    static func workflow(_ id: String, _ t: Translations) -> String { t["wf_name_\(id)"] }
    static func action(_ action: String, _ t: Translations) -> String { t["wf_action_\(action)"] }

    static func refusal(_ refusal: Refusal, _ t: Translations) -> String {
        switch refusal {
        case .outOfOrder(let expected): t.format("wf_out_of_order", action(expected, t))
        case .wrongRole(let allowed):
            t.format(
                "wf_wrong_role",
                allowed.sorted { $0.rawValue < $1.rawValue }.map { t[$0.labelKey] }.joined(separator: "、"))
        case .objectionOpen(let n): t.format("wf_objection_open", String(n))
        case .unknownAction(let a): t.format("wf_unknown_action", a)
        case .exitCriteriaNotMet(let failures):
            t["wf_exit_criteria"] + failures.map { failure($0, t) }.joined(separator: "；")
        case .countyThresholdsNotMet(let failed):
            t["wf_county_thresholds"] + failed.map { t["wf_threshold_\($0.rawValue)"] }.joined(separator: "、")
        default: t[refusal.key]
        }
    }

    static func failure(_ failure: ExitCriteria.HouseholdFailure, _ t: Translations) -> String {
        switch failure {
        case .noIncomeRecord(let year): t.format("wf_fail_no_income", String(year))
        case .incomeBelowLine(let year, let perCapita, let line):
            t.format("wf_fail_income", String(year), perCapita.description, line.description)
        case .noStandard(let year): t.format("wf_fail_no_standard", String(year))
        case .guaranteeNotMet(let kind): t.format("wf_fail_guarantee", t.vocab(kind))
        case .guaranteeUnknown(let kind): t.format("wf_fail_guarantee_unknown", t.vocab(kind))
        }
    }
}

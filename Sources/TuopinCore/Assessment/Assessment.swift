/// The annual assessment (考核, article 40), with third-party surveys (article 7, the six figures of
/// `ExitCriteria.CountySurvey`) among its inputs: region HQ
/// publishes a scheme per year — indicators with weights, each computed by Tuopin or entered —
/// the indicators are computed for every prefecture and county and frozen with their inputs,
/// entered values are added, the units are ranked within their level and graded by bands, region
/// HQ approves (article 6) and the results are distributed. All arithmetic is in integers, so the
/// same inputs always give the same scores.

/// What an indicator measures. The computed ones are worked out from the registry, the chain, the
/// ledger, spot checks, inspections and surveys; `entered` ones are typed in by region HQ.
public enum IndicatorKey: String, Sendable, Codable, CaseIterable {
    case exitTarget  // exits recorded in the year ÷ the letter's target households
    case identificationAccuracy  // identification spot checks passed ÷ checked
    case exitAccuracy  // household-exit spot checks passed ÷ checked
    case missedRate  // third-party survey: missed poor households ÷ non-registered households sampled
    case wrongExitRate  // third-party survey: wrongly exited ÷ exited households sampled
    case fundDisbursement  // money spent ÷ money that reached the unit and those below it
    case onTimeRectification  // findings due in the year accepted and rectified by the deadline ÷ due
    case violationsPer100  // open compliance problems per 100 poor households (value ×100)
    case lettersSigned  // units owing the year's letter that signed it ÷ units owing it
    case reportsOnTime  // progress reports due in the year submitted by their due date ÷ due
    case pairingCoverage  // poor households with a pairing cadre ÷ poor households
    case dataQualityErrorRate  // households with a data-quality finding ÷ households
    case publicRecognition  // third-party survey: households approving the work ÷ households surveyed
    case returnRate  // 返贫: households identified as returned to poverty in the year ÷ households that had exited
    case entered  // typed in (an inspection's or a third party's score)

    public var labelKey: String { "indicator_\(rawValue)" }
    public var isComputed: Bool { self != .entered }

    /// The default scoring of the indicator: its value (basis points; violations per 100 households ×100)
    /// earns the full weight at `full` and nothing at `zero`, linearly between.
    public var defaultBounds: (full: Int, zero: Int) {
        switch self {
        case .exitTarget, .identificationAccuracy, .exitAccuracy, .lettersSigned, .reportsOnTime, .pairingCoverage:
            (10_000, 5_000)
        case .fundDisbursement: (9_000, 3_000)
        case .onTimeRectification: (10_000, 0)
        case .publicRecognition: (9_000, 6_000)
        case .missedRate, .wrongExitRate: (0, 200)  // 2% missed or wrongly exited earns nothing
        case .dataQualityErrorRate: (0, 1_000)
        case .returnRate: (0, 300)  // 3% of exited households falling back earns nothing (local practice, editable)
        case .violationsPer100: (0, 1_000)  // 10 open problems per 100 poor households earns nothing
        case .entered: (10_000, 0)
        }
    }
}

/// The inputs of one unit's computed indicators for a year, as loaded by the server and frozen with the result.
public struct AssessmentInputs: Sendable, Equatable, Codable {
    public var exits = 0, targetHouseholds: Int? = nil
    public var identificationChecked = 0, identificationPassed = 0
    public var exitChecked = 0, exitPassed = 0
    public var survey: ExitCriteria.CountySurvey? = nil
    public var fundsSpent: Int64 = 0, fundsHeld: Int64 = 0
    public var findingsDue = 0, findingsOnTime = 0
    public var openViolations = 0, poorHouseholds = 0, pairedPoorHouseholds = 0
    public var lettersOwed = 0, lettersSigned = 0
    public var reportsDue = 0, reportsOnTime = 0
    public var households = 0, householdsWithFindings = 0
    /// 返贫 in the year and the households that had exited (nil in inputs frozen before issue #25 counted them).
    public var returned: Int? = nil, exitedHouseholds: Int? = nil
    public init() {}
}

/// An indicator's value for a unit: the value (nil when there is nothing to measure) and the
/// numerator and denominator it came from.
public struct IndicatorValue: Sendable, Equatable, Codable {
    public let value: Int?, numerator: Int64, denominator: Int64
    public init(value: Int?, numerator: Int64, denominator: Int64) {
        self.value = value; self.numerator = numerator; self.denominator = denominator
    }
    static func ratio(_ n: Int, _ d: Int) -> IndicatorValue {
        IndicatorValue(value: basisPoints(n, of: d), numerator: Int64(n), denominator: Int64(d))
    }
}

extension IndicatorKey {
    /// The indicator's value from the unit's inputs (nil for `entered`: typed in).
    public func value(_ i: AssessmentInputs) -> IndicatorValue? {
        switch self {
        case .exitTarget: return .ratio(i.exits, i.targetHouseholds ?? 0)
        case .identificationAccuracy: return .ratio(i.identificationPassed, i.identificationChecked)
        case .exitAccuracy: return .ratio(i.exitPassed, i.exitChecked)
        case .missedRate: return .ratio(i.survey?.missed ?? 0, i.survey?.sampledNonRegistered ?? 0)
        case .wrongExitRate: return .ratio(i.survey?.wronglyExited ?? 0, i.survey?.sampledExited ?? 0)
        case .publicRecognition: return .ratio(i.survey?.approving ?? 0, i.survey?.surveyedHouseholds ?? 0)
        case .fundDisbursement:
            guard i.fundsHeld > 0 else {
                return IndicatorValue(value: nil, numerator: i.fundsSpent, denominator: i.fundsHeld)
            }
            return IndicatorValue(
                value: Int((i.fundsSpent * 20_000 + i.fundsHeld) / (i.fundsHeld * 2)), numerator: i.fundsSpent,
                denominator: i.fundsHeld)
        case .onTimeRectification: return .ratio(i.findingsOnTime, i.findingsDue)
        case .violationsPer100:
            // Per 100 poor households, ×100 (250 = 2.5 per 100); no poor households left: nothing to hold against the
            // unit.
            let value =
                i.poorHouseholds > 0 ? (i.openViolations * 20_000 + i.poorHouseholds) / (i.poorHouseholds * 2) : 0
            return IndicatorValue(
                value: value, numerator: Int64(i.openViolations), denominator: Int64(i.poorHouseholds))
        case .lettersSigned: return .ratio(i.lettersSigned, i.lettersOwed)
        case .reportsOnTime: return .ratio(i.reportsOnTime, i.reportsDue)
        case .pairingCoverage: return .ratio(i.pairedPoorHouseholds, i.poorHouseholds)
        case .dataQualityErrorRate: return .ratio(i.householdsWithFindings, i.households)
        case .returnRate: return .ratio(i.returned ?? 0, i.exitedHouseholds ?? 0)
        case .entered: return nil
        }
    }
}

/// One indicator of a scheme: what it measures, its weight in points and its scoring bounds.
public struct SchemeIndicator: Sendable, Equatable, Codable {
    public let key: IndicatorKey
    /// Shown name (an entered indicator says what it is, e.g. "督查考核评价").
    public let name: String
    /// Points, in hundredths (1,500 = 15 points).
    public let weight: Int
    public let full: Int, zero: Int
    public init(key: IndicatorKey, name: String, weight: Int, full: Int? = nil, zero: Int? = nil) {
        self.key = key; self.name = name; self.weight = weight
        self.full = full ?? key.defaultBounds.full; self.zero = zero ?? key.defaultBounds.zero
    }

    /// The score (hundredths of a point) a value earns: the full weight at `full`, none at `zero`,
    /// linear between (rounded half up), none when there was nothing to measure.
    public func score(_ value: Int?) -> Int {
        guard let v = value, full != zero else { return 0 }
        // How far the value got from `zero` towards `full`, held within the span.
        let span = abs(full - zero)
        let got = min(max(full > zero ? v - zero : zero - v, 0), span)
        return (weight * got * 2 + span) / (span * 2)
    }
}

/// Grades by total score (hundredths of a point): 好 at `good` and above, 较好 at `fair`, 一般 at `pass`, 较差 below.
public enum Grade: String, Sendable, Codable, CaseIterable {
    case good, fair, average, poor
    public var labelKey: String { "grade_\(rawValue)" }
}

public struct GradeBands: Sendable, Equatable, Codable {
    public let good: Int, fair: Int, pass: Int
    public init(good: Int = 9_000, fair: Int = 8_000, pass: Int = 6_000) {
        self.good = good; self.fair = fair; self.pass = pass
    }
    public var problem: String? { good > fair && fair > pass && pass > 0 && good <= 100_000 ? nil : "bands" }
    public func grade(_ total: Int) -> Grade {
        total >= good ? .good : total >= fair ? .fair : total >= pass ? .average : .poor
    }
}

/// A scheme's state (the workflow of article 40).
public enum SchemeState: String, Sendable, Codable, CaseIterable {
    case draft, published, computed, ranked, approved, distributed
    public var labelKey: String { "scheme_state_\(rawValue)" }
}

public enum SchemeAction: String, Sendable, Codable, CaseIterable {
    case publish, compute, rank, approve, distribute
    public var labelKey: String { "scheme_action_\(rawValue)" }
    /// The state it moves from and to.
    public var from: SchemeState {
        switch self {
        case .publish: .draft;
        case .compute: .published;
        case .rank: .computed;
        case .approve: .ranked;
        case .distribute: .approved
        }
    }
    public var to: SchemeState {
        switch self {
        case .publish: .published;
        case .compute: .computed;
        case .rank: .ranked;
        case .approve: .approved;
        case .distribute: .distributed
        }
    }
}

public enum AssessmentRules {
    /// Why a scheme's indicators are refused (the first problem's field), or nil: at least one
    /// indicator, no computed indicator twice, weights positive and adding up to 100 points.
    public static func schemeProblem(_ indicators: [SchemeIndicator], bands: GradeBands) -> String? {
        guard !indicators.isEmpty, indicators.count <= 30 else { return "indicators" }
        let computed = indicators.filter(\.key.isComputed).map(\.key)
        guard Set(computed).count == computed.count else { return "indicators" }
        guard indicators.allSatisfy({ $0.weight > 0 && $0.full != $0.zero && ($0.key.isComputed || !$0.name.isEmpty) })
        else { return "indicators" }
        guard indicators.map(\.weight).reduce(0, +) == 10_000 else { return "weights" }
        return bands.problem
    }

    /// Ranks within a level, highest total first: ties share a rank and the next rank skips (1, 2, 2, 4).
    public static func ranks(_ totals: [String: Int]) -> [String: Int] {
        let ordered = totals.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        var out: [String: Int] = [:]
        for (i, entry) in ordered.enumerated() {
            out[entry.key] = i > 0 && ordered[i - 1].value == entry.value ? out[ordered[i - 1].key]! : i + 1
        }
        return out
    }

    /// The default scheme a year starts from: every computed indicator and one entered (the
    /// inspection's evaluation), weights adding up to 100 points.
    public static func defaultIndicators() -> [SchemeIndicator] {
        [
            SchemeIndicator(key: .exitTarget, name: "", weight: 1_500),
            SchemeIndicator(key: .identificationAccuracy, name: "", weight: 800),
            SchemeIndicator(key: .exitAccuracy, name: "", weight: 800),
            SchemeIndicator(key: .missedRate, name: "", weight: 700),
            SchemeIndicator(key: .wrongExitRate, name: "", weight: 700),
            SchemeIndicator(key: .fundDisbursement, name: "", weight: 1_000),
            SchemeIndicator(key: .onTimeRectification, name: "", weight: 700),
            SchemeIndicator(key: .violationsPer100, name: "", weight: 600),
            SchemeIndicator(key: .lettersSigned, name: "", weight: 500),
            SchemeIndicator(key: .reportsOnTime, name: "", weight: 500),
            SchemeIndicator(key: .pairingCoverage, name: "", weight: 700),
            SchemeIndicator(key: .dataQualityErrorRate, name: "", weight: 500),
            SchemeIndicator(key: .publicRecognition, name: "", weight: 500),
            SchemeIndicator(key: .entered, name: "督查考核评价", weight: 500),
        ]
    }
}

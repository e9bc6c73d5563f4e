/// 风险消除: when a monitoring object's risk may be declared gone (2021 guidance: income steadily above
/// the monitoring line, 两不愁三保障 and safe drinking water secured, the risks that brought it in resolved).
/// How many years of income count as "steadily" is the local practice `monitoringStableYears`.
public enum RiskElimination {
    /// 帮扶消除 (the risk removed by assistance) or 自然消除 (gone by itself, e.g. a member found work).
    public enum Way: String, OfficialValue {
        case assisted, natural
        public var label: String {
            switch self {
            case .assisted: "帮扶消除"
            case .natural: "自然消除"
            }
        }
        public var labelKey: String { "elimination_\(rawValue)" }
    }

    public enum Failure: Equatable, Sendable {
        /// No income recorded for a year that must count.
        case noIncome(year: Int)
        /// A year's per-capita income not above that year's monitoring line (at the line is not above).
        case incomeNotAboveLine(year: Int, perCapita: Money, line: Money)
        /// A year without a monitoring standard: nothing to compare with.
        case noStandard(year: Int)
        case guaranteeNotMet(GuaranteeKind)
        case guaranteeUnknown(GuaranteeKind)
        /// A recorded risk not marked resolved.
        case riskOpen(RiskType)

        public var key: String {
            switch self {
            case .noIncome: "elimination_no_income"
            case .incomeNotAboveLine: "elimination_income"
            case .noStandard: "elimination_no_standard"
            case .guaranteeNotMet: "elimination_guarantee"
            case .guaranteeUnknown: "elimination_guarantee_unknown"
            case .riskOpen: "elimination_risk_open"
            }
        }
    }

    /// The years whose incomes must each be above the line: the `stableYears` latest years with a
    /// recorded income up to `today`'s year — the current year's once recorded, else the year before's.
    public static func years(recorded: Set<Int>, stableYears: Int, today: CivilDate) -> [Int] {
        let latest = recorded.contains(today.year) ? today.year : today.year - 1
        return (0..<max(stableYears, 1)).map { latest - $0 }
    }

    /// Everything that stops the elimination; empty when the risk may be declared gone. Every guarantee
    /// of 两不愁三保障 and safe water must be met (`GuaranteeKind` holds all six).
    public static func failures(
        incomes: [IncomeFacts], members: Int, guarantees: [GuaranteeKind: Bool], risks: [RiskType: Bool],
        stableYears: Int, today: CivilDate, standard: (Int) -> MonitoringStandard?
    ) -> [Failure] {
        var failures: [Failure] = []
        for year in years(recorded: Set(incomes.map(\.year)), stableYears: stableYears, today: today) {
            guard let income = incomes.first(where: { $0.year == year }) else {
                failures.append(.noIncome(year: year))
                continue
            }
            guard let s = standard(year) else {
                failures.append(.noStandard(year: year))
                continue
            }
            let perCapita = income.perCapita(members: members)
            if !(perCapita > s.incomeLine) {
                failures.append(.incomeNotAboveLine(year: year, perCapita: perCapita, line: s.incomeLine))
            }
        }
        for (kind, recorded) in GuaranteeKind.notMet(in: guarantees) {
            failures.append(recorded ? .guaranteeNotMet(kind) : .guaranteeUnknown(kind))
        }
        for risk in RiskType.allCases where risks[risk] == false { failures.append(.riskOpen(risk)) }
        return failures
    }
}

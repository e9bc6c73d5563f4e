/// The exit criteria the workflows check (ARTICLES.md, "Exit criteria used by the workflows").
public enum ExitCriteria {
    public enum HouseholdFailure: Equatable, Sendable {
        /// No income of the exit year (or, while that year runs, of the year before) is recorded.
        case noIncomeRecord(year: Int)
        case incomeBelowLine(year: Int, perCapita: Money, line: Money)
        case noStandard(year: Int)
        case guaranteeNotMet(GuaranteeKind)
        case guaranteeUnknown(GuaranteeKind)
    }

    /// 稳定超过扶贫标准 (article 18): a per-capita income above the line; at the line is not above it. The exit
    /// criteria and the data-quality check both ask this.
    public static func exceedsLine(_ perCapita: Money, line: Money) -> Bool { perCapita > line }

    /// The income year an exit in `exitYear` is judged on, on `today`: the exit year's income, or while that year
    /// is not over, the year before's when the exit year's is not recorded yet — never an older year's.
    public static func incomeYear(for exitYear: Int, recorded: Set<Int>, today: CivilDate) -> Int? {
        if recorded.contains(exitYear) { return exitYear }
        if today.year <= exitYear, recorded.contains(exitYear - 1) { return exitYear - 1 }
        return nil
    }

    /// The household's per-capita net income of the exit year (see `incomeYear`), counted over the household's
    /// size of that year, above that year's line, and every guarantee met.
    public static func household(
        incomes: [IncomeFacts], members: Int, guarantees: [GuaranteeKind: Bool], exitYear: Int, today: CivilDate,
        standard: (Int) -> Standard?
    ) -> [HouseholdFailure] {
        var failures: [HouseholdFailure] = []
        if let year = incomeYear(for: exitYear, recorded: Set(incomes.map(\.year)), today: today),
            let income = incomes.first(where: { $0.year == year })
        {
            if let s = standard(year) {
                let perCapita = income.perCapita(members: members)
                if !exceedsLine(perCapita, line: s.povertyLine) {
                    failures.append(.incomeBelowLine(year: year, perCapita: perCapita, line: s.povertyLine))
                }
            } else {
                failures.append(.noStandard(year: year))
            }
        } else {
            failures.append(.noIncomeRecord(year: exitYear))
        }
        for kind in GuaranteeKind.allCases {
            switch guarantees[kind] {
            case .some(true): continue
            case .some(false): failures.append(.guaranteeNotMet(kind))
            case .none: failures.append(.guaranteeUnknown(kind))
            }
        }
        return failures
    }

    /// Village exit: remaining poor people / registered rural population below the threshold.
    public static func village(remainingPoor: Int, ruralPopulation: Int, standard: Standard) -> (
        incidenceBP: Int?, passes: Bool
    ) {
        guard let bp = basisPoints(remainingPoor, of: ruralPopulation) else { return (nil, false) }
        return (bp, bp < standard.villageIncidenceBP)
    }

    public enum CountyThreshold: String, Equatable, Sendable, CaseIterable {
        case comprehensiveIncidence, wrongExitRate, missedRate, recognition
    }

    /// Third-party survey figures for a county (三率一度).
    public struct CountySurvey: Equatable, Sendable, Codable {
        public var sampledExited: Int, wronglyExited: Int
        public var sampledNonRegistered: Int, missed: Int
        public var surveyedHouseholds: Int, approving: Int
        public init(
            sampledExited: Int, wronglyExited: Int, sampledNonRegistered: Int, missed: Int, surveyedHouseholds: Int,
            approving: Int
        ) {
            self.sampledExited = sampledExited; self.wronglyExited = wronglyExited;
            self.sampledNonRegistered = sampledNonRegistered
            self.missed = missed; self.surveyedHouseholds = surveyedHouseholds; self.approving = approving
        }

        /// The first figure that is wrong (none negative or above ten million, no count above its sample), or nil.
        public var problem: String? {
            let named = [
                ("sampled_exited", sampledExited), ("wrongly_exited", wronglyExited),
                ("sampled_non_registered", sampledNonRegistered),
                ("missed", missed), ("surveyed_households", surveyedHouseholds), ("approving", approving),
            ]
            if let bad = named.first(where: { !(0...10_000_000).contains($0.1) }) { return bad.0 }
            if wronglyExited > sampledExited { return "wrongly_exited" }
            if missed > sampledNonRegistered { return "missed" }
            if approving > surveyedHouseholds { return "approving" }
            return nil
        }

        /// Several surveys as one (a prefecture's counties).
        public static func + (a: CountySurvey, b: CountySurvey) -> CountySurvey {
            CountySurvey(
                sampledExited: a.sampledExited + b.sampledExited, wronglyExited: a.wronglyExited + b.wronglyExited,
                sampledNonRegistered: a.sampledNonRegistered + b.sampledNonRegistered, missed: a.missed + b.missed,
                surveyedHouseholds: a.surveyedHouseholds + b.surveyedHouseholds, approving: a.approving + b.approving)
        }
    }

    public struct CountyResult: Equatable, Sendable {
        public let incidenceBP: Int?, wrongExitBP: Int?, missedBP: Int?, recognitionBP: Int?
        public let failed: [CountyThreshold]
    }

    /// Comprehensive incidence = (remaining poor + missed + wrongly exited) / rural population;
    /// the wrong-exit, missed and recognition rates from the survey. Every threshold that is not met is named.
    public static func county(
        remainingPoor: Int, missed: Int, wronglyExited: Int, ruralPopulation: Int,
        survey: CountySurvey, standard: Standard
    ) -> CountyResult {
        let incidence = basisPoints(remainingPoor + missed + wronglyExited, of: ruralPopulation)
        let wrong = basisPoints(survey.wronglyExited, of: survey.sampledExited)
        let missedRate = basisPoints(survey.missed, of: survey.sampledNonRegistered)
        let recognition = basisPoints(survey.approving, of: survey.surveyedHouseholds)
        var failed: [CountyThreshold] = []
        if !(incidence.map { $0 < standard.countyIncidenceBP } ?? false) { failed.append(.comprehensiveIncidence) }
        if !(wrong.map { $0 < standard.wrongExitBP } ?? false) { failed.append(.wrongExitRate) }
        if !(missedRate.map { $0 < standard.missedBP } ?? false) { failed.append(.missedRate) }
        if !(recognition.map { $0 >= standard.recognitionBP } ?? false) { failed.append(.recognition) }
        return CountyResult(
            incidenceBP: incidence, wrongExitBP: wrong, missedBP: missedRate, recognitionBP: recognition, failed: failed
        )
    }
}

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
        for (kind, recorded) in GuaranteeKind.notMet(in: guarantees) {
            failures.append(recorded ? .guaranteeNotMet(kind) : .guaranteeUnknown(kind))
        }
        return failures
    }

    /// Village exit: remaining poor people / registered rural population below the threshold — compared exactly,
    /// never on a rounded rate. `incidenceBP` is for display, rounded down.
    public static func village(remainingPoor: Int, ruralPopulation: Int, standard: Standard) -> (
        incidenceBP: Int?, passes: Bool
    ) {
        guard ruralPopulation > 0 else { return (nil, false) }
        return (
            flooredBasisPoints(remainingPoor, of: ruralPopulation),
            remainingPoor * 10_000 < standard.villageIncidenceBP * ruralPopulation
        )
    }

    /// A rate in basis points rounded down, for display: 89.995% shows as 89.99%, never as 90.00%.
    public static func flooredBasisPoints(_ numerator: Int, of denominator: Int) -> Int? {
        denominator > 0 ? numerator * 10_000 / denominator : nil
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
        /// Rates in basis points rounded down (display only: every decision compares exactly).
        public let incidenceBP: Int?, wrongExitBP: Int?, missedBP: Int?, recognitionBP: Int?
        /// Wrongly exited and missed people in the county estimated from the sample rates (rounded down, display).
        public let estimatedWronglyExited: Int, estimatedMissed: Int
        public let failed: [CountyThreshold]
    }

    /// 三率一度 over people, as the national assessment computes it: the sample's wrong-exit rate (wrongly exited
    /// people ÷ exited people sampled) applied to the county's exited people, and its missed rate (missed people ÷
    /// non-registered people sampled) applied to its non-registered rural people (rural population less every
    /// registered person), added to the remaining poor people and divided by the registered rural (agricultural
    /// hukou) population. Every threshold is compared exactly on the fractions, so 89.995% does not pass 90%;
    /// every threshold not met is named.
    public static func county(
        remainingPoor: Int, exitedPeople: Int, ruralPopulation: Int, survey: CountySurvey, standard: Standard
    ) -> CountyResult {
        let se = survey.sampledExited, sn = survey.sampledNonRegistered
        let nonRegistered = max(ruralPopulation - remainingPoor - exitedPeople, 0)
        // The estimated people as fractions over se·sn (a rate with no sample adds no one; its own threshold fails).
        let den = max(se, 1) * max(sn, 1)
        let wrongNum = se > 0 ? survey.wronglyExited * exitedPeople * max(sn, 1) : 0
        let missedNum = sn > 0 ? survey.missed * nonRegistered * max(se, 1) : 0
        let total = remainingPoor * den + wrongNum + missedNum  // people × den
        var failed: [CountyThreshold] = []
        if !(ruralPopulation > 0 && total * 10_000 < standard.countyIncidenceBP * ruralPopulation * den) {
            failed.append(.comprehensiveIncidence)
        }
        if !(se > 0 && survey.wronglyExited * 10_000 < standard.wrongExitBP * se) { failed.append(.wrongExitRate) }
        if !(sn > 0 && survey.missed * 10_000 < standard.missedBP * sn) { failed.append(.missedRate) }
        if !(survey.surveyedHouseholds > 0
            && survey.approving * 10_000 >= standard.recognitionBP
                * survey.surveyedHouseholds)
        {
            failed.append(.recognition)
        }
        return CountyResult(
            incidenceBP: ruralPopulation > 0 ? total * 10_000 / (ruralPopulation * den) : nil,
            wrongExitBP: flooredBasisPoints(survey.wronglyExited, of: se),
            missedBP: flooredBasisPoints(survey.missed, of: sn),
            recognitionBP: flooredBasisPoints(survey.approving, of: survey.surveyedHouseholds),
            estimatedWronglyExited: wrongNum / den, estimatedMissed: missedNum / den, failed: failed)
    }
}

extension GuaranteeKind {
    /// Every guarantee not known to be met, in the order of `allCases`: `recorded` when it is recorded as
    /// not met, not when nothing is recorded (the exit criteria and risk elimination both ask this).
    public static func notMet(in guarantees: [GuaranteeKind: Bool]) -> [(kind: GuaranteeKind, recorded: Bool)] {
        allCases.compactMap { kind in guarantees[kind] == true ? nil : (kind, guarantees[kind] != nil) }
    }
}

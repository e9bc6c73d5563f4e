/// The standards of one year (article 6): lines and thresholds every workflow checks against.
/// Rates are in basis points (1% = 100) so that no threshold is a floating-point number.
public struct Standard: Sendable, Equatable, Codable {
    public var year: Int
    public var povertyLine: Money  // per-capita net income
    public var dibaoLine: Money  // 低保 standard, per capita per year
    public var noticeMinDays: Int
    public var villageIncidenceBP: Int  // village exit: incidence below this
    public var countyIncidenceBP: Int  // county exit: comprehensive incidence below this
    public var wrongExitBP: Int  // county exit: wrong-exit rate below this
    public var missedBP: Int  // county exit: missed-identification rate below this
    public var recognitionBP: Int  // county exit: public recognition at least this
    public var fundNoticeMinDays: Int  // funds and projects on notice boards at least this many days (article 25)
    public var aidCountyBP: Int  // R-33-1: partner-aid funds reaching county level and below, at least
    public var aidLivelihoodBP: Int  // R-33-1: partner-aid spending on livelihood projects, at least
    public var loanMaxRateBP: Int  // R-36-1: microcredit annual rate, at most

    public init(
        year: Int, povertyLine: Money, dibaoLine: Money, noticeMinDays: Int = 7, villageIncidenceBP: Int = 300,
        countyIncidenceBP: Int = 300, wrongExitBP: Int = 200, missedBP: Int = 200, recognitionBP: Int = 9_000,
        fundNoticeMinDays: Int = 10, aidCountyBP: Int = 8_000, aidLivelihoodBP: Int = 8_000, loanMaxRateBP: Int = 435
    ) {
        self.year = year; self.povertyLine = povertyLine; self.dibaoLine = dibaoLine; self.noticeMinDays = noticeMinDays
        self.villageIncidenceBP = villageIncidenceBP; self.countyIncidenceBP = countyIncidenceBP;
        self.wrongExitBP = wrongExitBP
        self.missedBP = missedBP; self.recognitionBP = recognitionBP
        self.fundNoticeMinDays = fundNoticeMinDays; self.aidCountyBP = aidCountyBP;
        self.aidLivelihoodBP = aidLivelihoodBP
        self.loanMaxRateBP = loanMaxRateBP
    }

    /// The region's published lines 2014–2020 (2020: 4,000 元), shipped as editable defaults.
    /// The 低保 lines are set equal to the poverty line ("两线合一"), to be edited by region HQ.
    public static let defaults: [Standard] = PovertyLineDefaults.yuan.keys.sorted().map { year in
        let line = PovertyLineDefaults.line(for: year)!
        return Standard(year: year, povertyLine: line, dibaoLine: line)
    }

    /// R-06-1 (article 6, 两线合一): the 低保 standard is not below the poverty line.
    public var meetsR06_1: Bool { dibaoLine >= povertyLine }

    public enum Problem: Error, Equatable, Sendable { case field(String) }

    /// Every figure in range; thresholds are rates (0–100%).
    public func validated() throws(Problem) -> Standard {
        guard (2000...2100).contains(year) else { throw .field("year") }
        guard povertyLine.fen > 0 else { throw .field("poverty_line") }
        guard dibaoLine.fen > 0 else { throw .field("dibao_line") }
        guard (1...60).contains(noticeMinDays) else { throw .field("notice_min_days") }
        guard (1...60).contains(fundNoticeMinDays) else { throw .field("fund_notice_min_days") }
        guard (0...2_000).contains(loanMaxRateBP) else { throw .field("loan_max_rate") }
        for (name, bp) in [
            ("village_incidence", villageIncidenceBP), ("county_incidence", countyIncidenceBP),
            ("wrong_exit", wrongExitBP), ("missed", missedBP), ("recognition", recognitionBP),
            ("aid_county", aidCountyBP), ("aid_livelihood", aidLivelihoodBP),
        ]
        where !(0...10_000).contains(bp) { throw .field(name) }
        return self
    }
}

/// A rate as basis points, rounded half up; nil when the denominator is zero.
public func basisPoints(_ numerator: Int, of denominator: Int) -> Int? {
    guard denominator > 0 else { return nil }
    return (numerator * 20_000 + denominator) / (denominator * 2)
}

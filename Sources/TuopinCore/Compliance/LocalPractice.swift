/// Numbers the 45 articles do not give but Tuopin's rules need (地方实践, local practice). The article
/// says what must happen (a letter every year, prompt disclosure, a check of accuracy, preferential
/// loans); the practice says by when or how much. Each is a named standard region HQ may change
/// within its bounds, shown with where it comes from — never presented as the article's own words.
/// (The yearly notice days and the microcredit rate are on the yearly standards, the report schedule
/// on the responsibility page; they are practice too and marked so there.)
public struct LocalPractice: Sendable, Equatable, Codable {
    public enum Key: String, Sendable, Codable, CaseIterable {
        /// R-04-1, R-10-1, R-16-1, R-22-1: a year's responsibility letter is owed from this day (MMDD).
        case letterDue = "letter_due"
        /// R-07-1: the year's annual plan is owed from this day (MMDD).
        case planDue = "plan_due"
        /// R-21-1, R-25-1: "promptly" published = within this many days of the decision.
        case disclosureDays = "disclosure_days"
        /// Article 18's accuracy check: a spot check samples at least this share of a batch.
        case spotCheckPercent = "spot_check_percent"
        /// Article 36: a microcredit loan is at most this many yuan …
        case loanMaxYuan = "loan_max_yuan"
        /// … for at most this many months.
        case loanMaxMonths = "loan_max_months"
        /// R-07-2: besides the region and the prefectures (articles 7, 13), counties' funds must grow too (1 = yes).
        case fundGrowthCounties = "fund_growth_counties"
        /// 防返贫动态监测 (issue #26; 2021 national guidance, not the articles): a report is decided by the
        /// county within this many days of the first report …
        case monitoringIdentificationDays = "monitoring_identification_days"
        /// … a confirmed monitoring object has an assistance measure within this many days …
        case monitoringAssistanceDays = "monitoring_assistance_days"
        /// … and its risk is declared gone only after this many years of income above the monitoring line.
        case monitoringStableYears = "monitoring_stable_years"

        public enum Kind: String, Sendable { case monthDay = "month_day", days, percent, yuan, months, flag, years }

        public var kind: Kind {
            switch self {
            case .letterDue, .planDue: .monthDay
            case .disclosureDays, .monitoringIdentificationDays, .monitoringAssistanceDays: .days
            case .monitoringStableYears: .years
            case .spotCheckPercent: .percent
            case .loanMaxYuan: .yuan
            case .loanMaxMonths: .months
            case .fundGrowthCounties: .flag
            }
        }

        /// The value shipped, from the source the page names.
        public var defaultValue: Int {
            switch self {
            case .letterDue: 401
            case .planDue: 101
            case .disclosureDays: 30
            case .spotCheckPercent: 10
            case .loanMaxYuan: 50_000
            case .loanMaxMonths: 36
            case .fundGrowthCounties: 1
            case .monitoringIdentificationDays: 15
            case .monitoringAssistanceDays: 30
            case .monitoringStableYears: 1
            }
        }

        /// What region HQ may choose. A letter signed after June, or a plan after March, could not steer
        /// the year; 60 days is no longer "prompt"; a check samples at least one case (the sample keeps a
        /// minimum of one); the national microcredit policy's 50,000 元 and three years are ceilings.
        public var bounds: ClosedRange<Int> {
            switch self {
            case .letterDue: 101...630
            case .planDue: 101...331
            case .disclosureDays: 1...60
            case .spotCheckPercent: 1...100
            case .loanMaxYuan: 1...50_000
            case .loanMaxMonths: 1...36
            case .fundGrowthCounties: 0...1
            case .monitoringIdentificationDays: 1...60
            case .monitoringAssistanceDays: 1...90
            case .monitoringStableYears: 1...3
            }
        }

        /// The rules whose verdicts depend on it.
        public var rules: [RuleID] {
            switch self {
            case .letterDue: [.r04_1, .r10_1, .r16_1, .r22_1]
            case .planDue: [.r07_1]
            case .disclosureDays: [.r21_1, .r25_1]
            case .spotCheckPercent: []
            case .loanMaxYuan, .loanMaxMonths: []
            case .fundGrowthCounties: [.r07_2]
            case .monitoringIdentificationDays, .monitoringAssistanceDays, .monitoringStableYears: []
            }
        }

        public var labelKey: String { "practice_\(rawValue)" }
        /// Where the number comes from.
        public var sourceKey: String { "practice_source_\(rawValue)" }
        /// What the article itself says, so the page can say which part is the article's.
        public var articleKey: String { "practice_article_\(rawValue)" }

        /// Why `value` cannot be this practice's value, or nil.
        public func problem(_ value: Int) -> String? {
            guard bounds.contains(value) else { return rawValue }
            if kind == .monthDay, CivilDate(year: 2001, month: value / 100, day: value % 100) == nil { return rawValue }
            return nil
        }
    }

    public private(set) var values: [Key: Int]

    /// The shipped values, overridden by those region HQ set (a value out of bounds keeps the default).
    public init(values: [Key: Int] = [:]) {
        var all: [Key: Int] = [:]
        for key in Key.allCases {
            let v = values[key] ?? key.defaultValue
            all[key] = key.problem(v) == nil ? v : key.defaultValue
        }
        self.values = all
    }

    public subscript(_ key: Key) -> Int { values[key] ?? key.defaultValue }

    /// The day of `year` a month-day practice falls on.
    public func day(_ key: Key, in year: Int) -> CivilDate {
        let v = self[key]
        return CivilDate(year: year, month: v / 100, day: v % 100) ?? CivilDate(year: year, month: 1, day: 1)!
    }

    /// The rules' practices, for their pages.
    public static func keys(for rule: RuleID) -> [Key] { Key.allCases.filter { $0.rules.contains(rule) } }

    /// A month-day as the form shows it ("04-01") and reads it back ("4-1", "04-01", "0401").
    public static func monthDayText(_ value: Int) -> String {
        "\(String(format2: value / 100))-\(String(format2: value % 100))"
    }

    public static func parseMonthDay(_ text: String) -> Int? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        if parts.count == 2, let m = Int(parts[0]), let d = Int(parts[1]), (1...12).contains(m), (1...31).contains(d) {
            return m * 100 + d
        }
        if parts.count == 1, text.count == 4, let v = Int(text) { return v }
        return nil
    }
}

/// The chain of responsibility between levels (articles 4, 5, 7, 10, 16, 20, 22): yearly
/// responsibility letters, progress reports on a schedule, plans with targets, and the leadership
/// lock on the principals of poverty counties and townships that have not exited.

/// What a letter or a plan commits a unit to for its period.
public struct ResponsibilityTargets: Sendable, Equatable, Codable {
    public var households: Int, people: Int, villages: Int, counties: Int
    /// Funds to invest, in fen.
    public var funds: Money
    public init(households: Int = 0, people: Int = 0, villages: Int = 0, counties: Int = 0, funds: Money = .zero) {
        self.households = households; self.people = people; self.villages = villages; self.counties = counties;
        self.funds = funds
    }

    public enum Problem: Error, Equatable, Sendable { case field(String) }

    /// Every figure at least zero and below what a region could hold.
    public func validated() throws(Problem) -> ResponsibilityTargets {
        for (name, n) in [
            ("target_households", households), ("target_people", people), ("target_villages", villages),
            ("target_counties", counties),
        ] where !(0...10_000_000).contains(n) { throw .field(name) }
        guard (0...1_000_000_000_000_000).contains(funds.fen) else { throw .field("target_funds") }
        guard people >= households || households == 0 else { throw .field("target_people") }
        return self
    }
}

/// A responsibility letter (责任书) moves draft → signed → archived.
public enum LetterState: String, Sendable, Codable, CaseIterable {
    case draft, signed, archived
    public var labelKey: String { "letter_state_\(rawValue)" }
    /// The state a letter may move to next, if any.
    public var next: LetterState? {
        switch self {
        case .draft: .signed;
        case .signed: .archived;
        case .archived: nil
        }
    }
    /// A signed or archived letter binds the year.
    public var binds: Bool { self != .draft }
}

public enum ResponsibilityChain {
    /// Levels that sign a letter with the unit above every year (the region with the Centre) and
    /// the rule that checks it: R-04-1 (article 4), R-10-1 (10), R-16-1 (16), R-22-1 (22).
    public static func letterRule(for level: OrgLevel) -> RuleID? {
        switch level {
        case .region: .r04_1
        case .prefecture: .r10_1
        case .county: .r16_1
        case .township: .r22_1
        case .village: nil
        }
    }

    /// The rule that checks a level's progress reports: the region's annual report to the Centre is
    /// R-04-2 (article 4); prefectures (article 10), counties (16) and townships (22) all "report
    /// regularly", checked as R-10-2 against the schedule of their level.
    public static func reportRule(for level: OrgLevel) -> RuleID? {
        switch level {
        case .region: .r04_2
        case .prefecture, .county, .township: .r10_2
        case .village: nil
        }
    }

    /// Why dates of a letter are out of order, if they are: a letter is signed on or after it was
    /// drafted and not in the future, and is for a year no more than one away from the signing.
    public static func letterDateProblem(year: Int, draftedOn: CivilDate, signedOn: CivilDate?, today: CivilDate)
        -> String?
    {
        guard (2014...2100).contains(year) else { return "year" }
        guard draftedOn <= today, abs(draftedOn.year - year) <= 1 else { return "drafted_on" }
        if let signed = signedOn {
            guard signed >= draftedOn, signed <= today else { return "signed_on" }
        }
        return nil
    }

    /// A scanned letter must be a PDF (it starts with `%PDF-`) and not larger than the limit.
    public static let maxLetterBytes = 10 << 20
    public static func isPDF(_ bytes: some Collection<UInt8>) -> Bool { bytes.starts(with: Array("%PDF-".utf8)) }
}

// MARK: Progress reports

public enum ReportFrequency: String, Sendable, Codable, CaseIterable {
    case annual, quarterly
    public var labelKey: String { "report_frequency_\(rawValue)" }
}

/// One reporting period of a unit: its label (`2026`, `2026-Q3`), last day and due date.
public struct ReportPeriod: Sendable, Hashable, Codable, Comparable {
    public let label: String
    public let start: CivilDate, end: CivilDate, due: CivilDate
    public static func < (a: ReportPeriod, b: ReportPeriod) -> Bool { a.end < b.end }

    /// A report may be submitted from 15 days before its period ends.
    public static let earlySubmissionDays = 15
    public var opensOn: CivilDate { end.adding(days: -Self.earlySubmissionDays) }
}

/// When each level reports (a standard the region may change): the region once a year to the
/// Centre, 31 days after the year ends (31 January); the others quarterly, 15 days after each quarter.
public struct ReportSchedule: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var frequency: ReportFrequency
        /// Days after the period's last day that the report is due.
        public var dueDays: Int
        public init(frequency: ReportFrequency, dueDays: Int) { self.frequency = frequency; self.dueDays = dueDays }
    }
    public var byLevel: [OrgLevel: Entry]

    public init(
        byLevel: [OrgLevel: Entry] = [
            .region: Entry(frequency: .annual, dueDays: 31),
            .prefecture: Entry(frequency: .quarterly, dueDays: 15),
            .county: Entry(frequency: .quarterly, dueDays: 15),
            .township: Entry(frequency: .quarterly, dueDays: 15),
        ]
    ) {
        self.byLevel = byLevel
    }

    public static let reportingLevels: [OrgLevel] = [.region, .prefecture, .county, .township]

    /// The periods of `year` for a unit of `level` (none for villages).
    public func periods(level: OrgLevel, year: Int) -> [ReportPeriod] {
        guard let entry = byLevel[level] else { return [] }
        switch entry.frequency {
        case .annual:
            let start = CivilDate(year: year, month: 1, day: 1)!, end = CivilDate(year: year, month: 12, day: 31)!
            return [ReportPeriod(label: String(year), start: start, end: end, due: end.adding(days: entry.dueDays))]
        case .quarterly:
            return (1...4).map { q in
                let start = CivilDate(year: year, month: q * 3 - 2, day: 1)!
                let end = CivilDate(year: year, month: q * 3, day: CivilDate.daysIn(month: q * 3, year: year))!
                return ReportPeriod(
                    label: "\(year)-Q\(q)", start: start, end: end, due: end.adding(days: entry.dueDays))
            }
        }
    }

    /// The periods from `firstYear` whose due date has passed by `today` (reports that must exist),
    /// and the one currently open (its period has ended or is running), newest first.
    public func periods(level: OrgLevel, from firstYear: Int, through today: CivilDate) -> [ReportPeriod] {
        guard firstYear <= today.year else { return [] }
        return (firstYear...today.year).flatMap { periods(level: level, year: $0) }.filter { $0.start <= today }.sorted(
            by: >)
    }

    public enum Problem: Error, Equatable, Sendable { case field(String) }
    public func validated() throws(Problem) -> ReportSchedule {
        for (_, e) in byLevel where !(0...120).contains(e.dueDays) { throw .field("due_days") }
        return self
    }
}

/// Where a unit's report for a period stands.
public enum ReportStanding: String, Sendable, Codable {
    case onTime = "on_time", late, missing, open
    public var labelKey: String { "report_standing_\(rawValue)" }

    public static func of(_ period: ReportPeriod, submittedOn: CivilDate?, today: CivilDate) -> ReportStanding {
        of(due: period.due, submittedOn: submittedOn, today: today)
    }

    /// By the due date alone (a report kept from a period the schedule no longer has carries its own).
    public static func of(due: CivilDate, submittedOn: CivilDate?, today: CivilDate) -> ReportStanding {
        if let s = submittedOn { return s <= due ? .onTime : .late }
        return today > due ? .missing : .open
    }
}

// MARK: Plans

/// Plans of articles 7, 12 and 17: five-year, special (专项) and annual.
public enum PlanKind: String, Sendable, Codable, CaseIterable {
    case fiveYear = "five_year", special, annual
    public var labelKey: String { "plan_kind_\(rawValue)" }

    /// Why a period does not fit the kind, if it does not: an annual plan covers one year, a
    /// five-year plan five, a special plan one to ten.
    public func periodProblem(from: Int, to: Int) -> String? {
        guard (2014...2100).contains(from) else { return "period_from" }
        guard to >= from else { return "period_to" }
        switch self {
        case .annual: return to == from ? nil : "period_to"
        case .fiveYear: return to == from + 4 ? nil : "period_to"
        case .special: return to - from <= 9 ? nil : "period_to"
        }
    }

    /// A plan is approved on or before today, and not more than two years before its period starts.
    public static func approvalProblem(approvedOn: CivilDate, periodFrom: Int, today: CivilDate) -> String? {
        approvedOn <= today && approvedOn.year >= periodFrom - 2 ? nil : "approved_on"
    }
}

/// What the unit achieved in a year, against which an annual plan's targets are read.
public struct PlanActuals: Sendable, Equatable, Codable {
    public var households: Int, people: Int, villages: Int, counties: Int
    public init(households: Int, people: Int, villages: Int, counties: Int) {
        self.households = households; self.people = people; self.villages = villages; self.counties = counties
    }
}

// MARK: Leadership lock

/// The principals of a unit whose changes are dated and, for poverty counties and poor townships, locked.
public enum PrincipalRole: String, Sendable, Codable, CaseIterable {
    case secretary, head
    public var labelKey: String { "principal_\(rawValue)" }
}

/// "不脱贫不调整、不摘帽不调离" (article 5) and article 20's stable township leadership.
public enum LeadershipLock {
    /// The facts a change of principal is judged on.
    public struct UnitFacts: Sendable {
        public let level: OrgLevel
        /// For a county: a poverty county (贫困县) that has not exited.
        public let povertyCountyNotExited: Bool
        /// For a township: a poor township (贫困乡镇, `PoorUnit`) that has not exited.
        public let poorTownshipNotExited: Bool
        public init(level: OrgLevel, povertyCountyNotExited: Bool = false, poorTownshipNotExited: Bool = false) {
            self.level = level; self.povertyCountyNotExited = povertyCountyNotExited;
            self.poorTownshipNotExited = poorTownshipNotExited
        }
    }

    /// The rule that locks the unit's principals now, or nil when they may change freely:
    /// R-05-1 (article 5) for a poverty county not yet exited, R-20-2 (article 20: "保持贫困乡(镇)党政正职稳定")
    /// for a poor township not yet exited.
    public static func lockingRule(_ facts: UnitFacts) -> RuleID? {
        switch facts.level {
        case .county where facts.povertyCountyNotExited: .r05_1
        case .township where facts.poorTownshipNotExited: .r20_2
        default: nil
        }
    }

    /// The rule a change of principal falls under: only replacing an incumbent in post is an adjustment
    /// (调整, 调离); recording the unit's first principal, or filling a post whose holder has left, is not.
    public static func lockingRule(_ facts: UnitFacts, replacesIncumbent: Bool) -> RuleID? {
        replacesIncumbent ? lockingRule(facts) : nil
    }

    /// A change is refused while the unit is locked and it replaces an incumbent, unless region HQ recorded an
    /// exemption.
    public static func refusal(_ facts: UnitFacts, replacesIncumbent: Bool, exempted: Bool) -> Refusal? {
        guard let rule = lockingRule(facts, replacesIncumbent: replacesIncumbent), !exempted else { return nil }
        return .leadershipLocked(rule: rule.rawValue)
    }
}

// MARK: Actors

/// The kinds of organisation of article 2 that carry responsibility at some level.
public enum OrganisationType: String, Sendable, Codable, CaseIterable {
    case partyCommittee = "party_committee", government, department, leadingGroup = "leading_group", commandHQ =
        "command_hq"
    case memberUnit = "member_unit", peoplesOrganisation = "peoples_organisation", enterprise, institution, military
    case socialOrganisation = "social_organisation", villageBranch = "village_branch", villageCommittee =
        "village_committee"
    case villageSupervision = "village_supervision", workTeam = "work_team"
    public var labelKey: String { "org_type_\(rawValue)" }
    /// Village branch, committee, supervision committee and work teams belong to a village; the rest to any unit.
    public var isVillageOnly: Bool {
        [.villageBranch, .villageCommittee, .villageSupervision, .workTeam].contains(self)
    }
}

/// Who may act for a village from outside it: a unit of its county (the county or anything in it),
/// or the prefecture or region above. Pairing cadres (article 37), work teams' sending units
/// (article 35) and enterprises helping a village (article 38) all come from this reach.
public enum VillageReach {
    public static func reaches(_ unit: OrgCode, village: OrgCode) -> Bool {
        guard let county = village.ancestor(at: .county) else { return false }
        return unit.isSelfOrDescendant(of: county) || county.isSelfOrDescendant(of: unit)
    }

    /// A work team's sending unit (派出单位, article 35): an organisation that is not itself a village
    /// body, of the county, prefecture or region the village belongs to.
    public static func maySendWorkTeam(type: OrganisationType, unit: OrgCode, to village: OrgCode) -> Bool {
        !type.isVillageOnly && unit.level <= .county && reaches(unit, village: village)
    }

    /// An enterprise helping a village (article 38): one recorded in the village's reach.
    public static func mayHelp(type: OrganisationType, unit: OrgCode, village: OrgCode) -> Bool {
        type == .enterprise && reaches(unit, village: village)
    }
}

/// Kinds of an enterprise's help to a village (article 38).
public enum ContributionKind: String, Sendable, Codable, CaseIterable {
    case money, goods, jobs, training
    public var labelKey: String { "contribution_\(rawValue)" }
}

/// A party-member leader (党员致富带头人, articles 28 and 32) as the rules see them.
public struct PartyLeaderFact: Sendable {
    public let id: Int, village: OrgCode, name: String
    public let projects: Int
    /// Linked registered poor people whose household's per-capita net income rose in its latest recorded year.
    public let risingPeople: Int
    public init(id: Int, village: OrgCode, name: String, projects: Int, risingPeople: Int) {
        self.id = id; self.village = village; self.name = name; self.projects = projects;
        self.risingPeople = risingPeople
    }
}

public enum PartyLeaderRule {
    /// Article 28: a poor village picks two or three party-member leaders, each with one or two projects.
    public static let leadersPerVillage = 2...3, projectsPerLeader = 1...2
    /// Article 32: each leader lifts the income of at least three poor people.
    public static let minimumRisingPeople = 3

    /// Whether the latest of a household's yearly per-capita incomes is above the one before it.
    public static func rose(_ perCapitaByYear: [Int: Money]) -> Bool {
        let years = perCapitaByYear.keys.sorted()
        guard years.count >= 2, let last = years.last else { return false }
        return perCapitaByYear[last]! > perCapitaByYear[years[years.count - 2]]!
    }
}

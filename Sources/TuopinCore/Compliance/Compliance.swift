/// The compliance engine (DESIGN.md; issue #5): every rule of ARTICLES.md is a pure function over a
/// snapshot of facts that returns its violations. The server loads the facts, runs the rules and
/// keeps the violations with the dates they were first seen and resolved.

/// One breach of a rule: which rule and article, the unit that answers for it, and what it is about.
public struct Violation: Sendable, Hashable, Codable {
    /// `R-37-1` …
    public let rule: String
    public let article: Int
    /// The unit whose page shows it, and whose principals answer for it.
    public let unit: OrgCode
    /// What it is about, stable across checks: `cadre:12`, `household:345`.
    public let subject: String
    /// Message arguments for the rule's text (`rule_R-37-1` with `%@` in order).
    public let details: [String]

    public init(_ rule: RuleID, unit: OrgCode, subject: String, details: [String]) {
        self.init(rule: rule.rawValue, article: rule.article, unit: unit, subject: subject, details: details)
    }

    init(rule: String, article: Int, unit: OrgCode, subject: String, details: [String]) {
        self.rule = rule; self.article = article; self.unit = unit; self.subject = subject; self.details = details
    }

    /// The order violations are listed and stored in: by rule, unit, subject kind, then subject
    /// number (`household:9` before `household:10`), whatever order the facts were read in.
    public static func listedBefore(_ a: Violation, _ b: Violation) -> Bool {
        if a.rule != b.rule { return a.rule < b.rule }
        if a.unit.value != b.unit.value { return a.unit.value < b.unit.value }
        let (ak, an) = a.subjectParts, (bk, bn) = b.subjectParts
        if ak != bk { return ak < bk }
        if an != bn { return an < bn }
        return a.subject < b.subject
    }

    private var subjectParts: (String, Int) {
        let parts = subject.split(separator: ":", maxSplits: 1)
        return (String(parts.first ?? ""), parts.count > 1 ? Int(parts[1]) ?? 0 : 0)
    }

    /// A violation is the same one while rule and subject stay the same.
    public var key: String { rule + "|" + subject }
}

/// A rule of the engine: its id, article and what it checks.
public struct ComplianceRule: Sendable {
    public let id: RuleID
    public var article: Int { id.article }
    public let check: @Sendable (ComplianceFacts) -> [Violation]

    public init(_ id: RuleID, check: @escaping @Sendable (ComplianceFacts) -> [Violation]) {
        self.id = id; self.check = check
    }
}

/// Everything the rules read, loaded once per check for a subtree.
public struct ComplianceFacts: Sendable {
    public struct Cadre: Sendable {
        public let id: Int
        public let rank: CadreRank
        public let role: StationedRole
        public let unit: OrgCode
        public let active: Bool
        /// Pairings not ended.
        public let activePairings: Int
        public init(
            id: Int, rank: CadreRank, role: StationedRole = .none, unit: OrgCode, active: Bool, activePairings: Int
        ) {
            self.id = id; self.rank = rank; self.role = role; self.unit = unit; self.active = active
            self.activePairings = activePairings
        }
    }

    public struct Household: Sendable {
        public let id: Int
        public let number: String
        public let village: OrgCode
        public let status: HouseholdStatus
        public let activePairings: Int
        /// Pairings of this household that have ended (id of each).
        public let endedPairings: [Int]
        /// A plan for the current year with at least one measure (一户一策).
        public let hasCurrentPlan: Bool
        public init(
            id: Int, number: String, village: OrgCode, status: HouseholdStatus, activePairings: Int,
            endedPairings: [Int],
            hasCurrentPlan: Bool = true
        ) {
            self.id = id; self.number = number; self.village = village; self.status = status
            self.activePairings = activePairings; self.endedPairings = endedPairings;
            self.hasCurrentPlan = hasCurrentPlan
        }
    }

    public var cadres: [Cadre]
    /// The counties (and prefectures, and the region) that still have poor households: a cadre's
    /// quota is owed while the county they serve (or the unit above it they belong to) has any.
    public var unitsWithPoor: Set<OrgCode>
    /// Households that matter to the rules: the poor ones (未脱贫, 返贫) and any with ended pairings.
    public var households: [Household]
    public var quotas: PairingQuota
    /// The yearly standards (R-06-1), when the check covers the region.
    public var standards: [Standard] = []
    /// Identification quotas per county and year (R-06-2) with the households identified in that year.
    public var identificationQuotas: [IdentificationQuotaFact] = []
    /// Every township under the checked unit with its active 扶贫专干 (R-20-1).
    public var townshipStaff: [OrgCode: Int] = [:]
    /// Their names, for the county's list (R-20-1 is raised on the county).
    public var townshipNames: [OrgCode: String] = [:]
    /// Poor villages (贫困村, `PoorUnit`) under the checked unit: registered and not exited (R-28-1, R-29-1).
    public var poorVillages: Set<OrgCode> = []
    /// Villages under the checked unit that have an active first secretary (R-29-1).
    public var villagesWithFirstSecretary: Set<OrgCode> = []

    /// Letters, reports, plans and principal changes of the units under the checked unit.
    public var chain = Chain()
    /// Active party-member leaders of the villages under the checked unit (R-28-1, R-28-2, R-32-1).
    public var partyLeaders: [PartyLeaderFact] = []
    /// The fund ledger, project library and loans under the checked unit (articles 7, 21, 25, 33, 36).
    public var funds = Funds()
    /// Inspection findings against units under the checked unit (R-39-1).
    public var findings: [FindingFact] = []
    /// The local-practice numbers the rules read (letters' and plans' due days, prompt disclosure, fund growth).
    public var practice = LocalPractice()

    public init(
        cadres: [Cadre], households: [Household], unitsWithPoor: Set<OrgCode>, quotas: PairingQuota = PairingQuota()
    ) {
        self.cadres = cadres; self.households = households; self.unitsWithPoor = unitsWithPoor; self.quotas = quotas
    }

    public struct IdentificationQuotaFact: Sendable {
        public let county: OrgCode; public let year: Int; public let quota: Int; public let exempted: Bool;
        public let identified: Int
        public init(county: OrgCode, year: Int, quota: Int, exempted: Bool, identified: Int) {
            self.county = county; self.year = year; self.quota = quota; self.exempted = exempted;
            self.identified = identified
        }
    }

    /// The responsibility chain's facts (articles 4, 5, 7, 10, 16, 20, 22).
    public struct Chain: Sendable {
        /// The day of the check (letters and reports fall due by date).
        public var today = CivilDate(year: 2000, month: 1, day: 1)!
        /// Region, prefectures, counties and townships under the checked unit.
        public var units: [OrgCode] = []
        /// Years for which each unit has a signed (or archived) letter with the unit above.
        public var letterYears: [OrgCode: Set<Int>] = [:]
        /// Reports each unit has submitted: period label → submission date.
        public var reports: [OrgCode: [String: CivilDate]] = [:]
        public var schedule = ReportSchedule()
        /// Units with an annual plan for `today.year`.
        public var annualPlans: Set<OrgCode> = []
        /// Changes of principal made while the unit was locked (R-05-1, R-20-2) with no exemption.
        public var unexemptedChanges: [LockedChange] = []
        public init() {}
    }

    public struct LockedChange: Sendable {
        public let id: Int; public let unit: OrgCode; public let rule: String; public let changedOn: CivilDate
        public let from: String, to: String
        public init(id: Int, unit: OrgCode, rule: String, changedOn: CivilDate, from: String, to: String) {
            self.id = id; self.unit = unit; self.rule = rule; self.changedOn = changedOn; self.from = from; self.to = to
        }
    }

    /// Whether the cadre's county (or their own unit above county level) still has poor households.
    public func owesQuota(_ cadre: Cadre) -> Bool {
        unitsWithPoor.contains(cadre.unit.ancestor(at: .county) ?? cadre.unit)
    }
}

public enum ComplianceRules {
    /// R-37-1 (article 37): every active cadre has at least the pairing quota of their rank — while
    /// the county they serve still has poor households to pair with ("不脱贫不脱钩" ends with exit).
    public static let r37_1 = ComplianceRule(.r37_1) { facts in
        facts.cadres.compactMap { c in
            let quota = facts.quotas.required(rank: c.rank, role: c.role)
            guard c.active, c.activePairings < quota, facts.owesQuota(c) else { return nil }
            return Violation(
                .r37_1, unit: c.unit, subject: "cadre:\(c.id)",
                details: [String(c.id), String(c.activePairings), String(quota)])
        }
    }

    /// R-37-2 (article 37): every poor household (未脱贫 or 返贫) has at least one pairing cadre.
    public static let r37_2 = ComplianceRule(.r37_2) { facts in
        facts.households.compactMap { h in
            guard h.status.isRemainingPoor, h.activePairings == 0 else { return nil }
            return Violation(.r37_2, unit: h.village, subject: "household:\(h.id)", details: [h.number])
        }
    }

    /// R-37-3 (article 37, "不脱贫不脱钩"): no pairing of a household that has not exited has ended.
    /// The service refuses such an end; this finds any that came in another way (an import, an old record).
    public static let r37_3 = ComplianceRule(.r37_3) { facts in
        facts.households.flatMap { h -> [Violation] in
            guard h.status.isRemainingPoor else { return [] }
            return h.endedPairings.map { p in
                Violation(.r37_3, unit: h.village, subject: "pairing:\(p)", details: [h.number])
            }
        }
    }

    /// R-06-1 (article 6, 两线合一): each year's 低保 standard is not below its poverty line.
    public static let r06_1 = ComplianceRule(.r06_1) { facts in
        facts.standards.filter { !$0.meetsR06_1 }.map { s in
            Violation(
                .r06_1, unit: OrgCode("54")!, subject: "standard:\(s.year)",
                details: [String(s.year), s.dibaoLine.description, s.povertyLine.description])
        }
    }

    /// R-06-2 (article 6, scale control): a county identifies no more households in a year than the
    /// quota the region approved, unless the region recorded an exemption.
    public static let r06_2 = ComplianceRule(.r06_2) { facts in
        facts.identificationQuotas.filter { !$0.exempted && $0.identified > $0.quota }.map { q in
            Violation(
                .r06_2, unit: q.county, subject: "quota:\(q.county.value):\(q.year)",
                details: [String(q.year), String(q.identified), String(q.quota)])
        }
    }

    /// R-20-1 (article 20: the county 配强 the townships' staff): every township has at least two active 扶贫专干.
    /// It is the county's duty, so it is raised on the county, naming the township.
    public static let r20_1 = ComplianceRule(.r20_1) { facts in
        facts.townshipStaff.keys.sorted { $0.value < $1.value }.compactMap { township in
            let n = facts.townshipStaff[township] ?? 0
            guard n < 2 else { return nil }
            return Violation(
                .r20_1, unit: township.ancestor(at: .county) ?? township, subject: "township:\(township.value)",
                details: [facts.townshipNames[township] ?? township.value, String(n)])
        }
    }

    /// R-23-1 (article 23, 一户一策): every poor household has a plan for the current year with at least one measure.
    public static let r23_1 = ComplianceRule(.r23_1) { facts in
        facts.households.compactMap { h in
            guard h.status.isRemainingPoor, !h.hasCurrentPlan else { return nil }
            return Violation(.r23_1, unit: h.village, subject: "household:\(h.id)", details: [h.number])
        }
    }

    /// R-29-1 (article 29): every poor village (registered, not exited) has an active first secretary.
    public static let r29_1 = ComplianceRule(.r29_1) { facts in
        poorVillages(facts).compactMap { village in
            guard !facts.villagesWithFirstSecretary.contains(village) else { return nil }
            return Violation(.r29_1, unit: village, subject: "village:\(village.value)", details: [village.value])
        }
    }

    /// The years a unit's letter is owed on `today`: last year, and this year once the letter is due
    /// (the due day is local practice, `LocalPractice.Key.letterDue`; the article asks for a letter every year).
    static func owedLetterYears(_ today: CivilDate, practice: LocalPractice) -> [Int] {
        today >= practice.day(.letterDue, in: today.year) ? [today.year - 1, today.year] : [today.year - 1]
    }

    /// A yearly letter with the unit above, signed: R-04-1 (article 4, the region with the Centre),
    /// R-10-1 (article 10, prefectures), R-16-1 (article 16, counties), R-22-1 (article 22, townships).
    static func letterRule(_ level: OrgLevel) -> ComplianceRule {
        let id = ResponsibilityChain.letterRule(for: level)!
        return ComplianceRule(id) { facts in
            let chain = facts.chain
            let owed = owedLetterYears(chain.today, practice: facts.practice)
            return chain.units.filter { $0.level == level }.flatMap { unit in
                owed.filter { !(chain.letterYears[unit]?.contains($0) ?? false) }.map { year in
                    Violation(id, unit: unit, subject: "letter:\(unit.value):\(year)", details: [String(year)])
                }
            }
        }
    }
    public static let r04_1 = letterRule(.region), r10_1 = letterRule(.prefecture), r16_1 = letterRule(.county),
        r22_1 = letterRule(.township)

    /// Progress reports by the schedule of the unit's level, for this year and last: R-04-2
    /// (article 4, the region's annual report to the Centre) and R-10-2 (article 10 and, in the same
    /// words, articles 16 and 22: prefectures, counties and townships report regularly).
    static func reportRule(id: RuleID, levels: Set<OrgLevel>) -> ComplianceRule {
        ComplianceRule(id) { facts in
            let chain = facts.chain
            return chain.units.filter { levels.contains($0.level) }.flatMap { unit in
                chain.schedule.periods(level: unit.level, from: chain.today.year - 1, through: chain.today).reversed()
                    .compactMap { period in
                        guard
                            ReportStanding.of(
                                period, submittedOn: chain.reports[unit]?[period.label], today: chain.today) == .missing
                        else { return nil }
                        return Violation(
                            id, unit: unit, subject: "report:\(unit.value):\(period.label)",
                            details: [period.label, period.due.description])
                    }
            }
        }
    }
    public static let r04_2 = reportRule(id: .r04_2, levels: [.region])
    public static let r10_2 = reportRule(id: .r10_2, levels: [.prefecture, .county, .township])
    /// The rules whose violations are progress reports overdue.
    public static let overdueReportRules = [r04_2, r10_2]

    /// R-07-1 (articles 12, 17): every prefecture and county has an annual plan for the current year, owed
    /// from the local-practice day `LocalPractice.Key.planDue` (1 January as shipped).
    public static let r07_1 = ComplianceRule(.r07_1) { facts in
        let chain = facts.chain
        guard chain.today >= facts.practice.day(.planDue, in: chain.today.year) else { return [] }
        return chain.units.filter {
            ($0.level == .prefecture || $0.level == .county) && !chain.annualPlans.contains($0)
        }.map { unit in
            Violation(
                .r07_1, unit: unit, subject: "plan:\(unit.value):\(chain.today.year)",
                details: [String(chain.today.year)])
        }
    }

    /// A principal changed while the unit was locked, with no exemption from region HQ: R-05-1
    /// (article 5, a poverty county not exited) and R-20-2 (article 20, a township with un-exited
    /// poor villages). The service refuses such a change; these are changes recorded before the
    /// lock was kept here, until region HQ records the exemption that covered them.
    static func lockRule(id: RuleID) -> ComplianceRule {
        ComplianceRule(id) { facts in
            facts.chain.unexemptedChanges.filter { $0.rule == id.rawValue }.map { c in
                Violation(
                    id, unit: c.unit, subject: "principal_change:\(c.id)",
                    details: [c.changedOn.description, c.from, c.to])
            }
        }
    }
    public static let r05_1 = lockRule(id: .r05_1), r20_2 = lockRule(id: .r20_2)

    /// The poor villages (registered, not exited), in code order (R-28-1, R-29-1).
    static func poorVillages(_ facts: ComplianceFacts) -> [OrgCode] {
        facts.poorVillages.sorted { $0.value < $1.value }
    }

    /// R-28-1 (article 28): every poor village has two or three active party-member leaders.
    public static let r28_1 = ComplianceRule(.r28_1) { facts in
        let counts = Dictionary(grouping: facts.partyLeaders, by: \.village).mapValues(\.count)
        return poorVillages(facts).compactMap { village in
            let n = counts[village] ?? 0
            guard !PartyLeaderRule.leadersPerVillage.contains(n) else { return nil }
            return Violation(.r28_1, unit: village, subject: "village:\(village.value)", details: [String(n)])
        }
    }

    /// R-28-2 (article 28): every active party-member leader has one or two projects.
    public static let r28_2 = ComplianceRule(.r28_2) { facts in
        facts.partyLeaders.filter { !PartyLeaderRule.projectsPerLeader.contains($0.projects) }.map { l in
            Violation(.r28_2, unit: l.village, subject: "leader:\(l.id)", details: [l.name, String(l.projects)])
        }
    }

    /// R-32-1 (article 32): every active party-member leader is linked to at least three registered
    /// poor people whose household's per-capita income rose in its latest recorded year.
    public static let r32_1 = ComplianceRule(.r32_1) { facts in
        facts.partyLeaders.filter { $0.risingPeople < PartyLeaderRule.minimumRisingPeople }.map { l in
            Violation(.r32_1, unit: l.village, subject: "leader:\(l.id)", details: [l.name, String(l.risingPeople)])
        }
    }

    /// Every rule this engine has, in article order.
    public static let all: [ComplianceRule] = [
        r04_1, r04_2, r05_1, r06_1, r06_2, r07_1, r07_2, r10_1, r10_2, r16_1, r20_1, r20_2,
        r21_1, r22_1, r23_1, r25_1, r28_1, r28_2, r29_1, r32_1, r33_1, r33_2, r36_1,
        r37_1, r37_2, r37_3, r39_1,
    ]

    /// Runs every rule.
    public static func evaluate(_ facts: ComplianceFacts) -> [Violation] { all.flatMap { $0.check(facts) } }
}

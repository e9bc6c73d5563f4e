/// Money and projects (articles 13, 14, 21, 25, 33, 34, 36): the fund ledger's invariants, the
/// project library's vocabulary and workflow, microcredit, and what the public may see of them.

/// Where poverty money comes from (article 13, 21, 33).
public enum FundSource: String, Sendable, Codable, CaseIterable {
    case central, region, prefecture, county, partnerAid, integrated, social
    public var labelKey: String { "fund_source_\(rawValue)" }
}

/// A ledger account: the money of one source and year held by a unit or by a project.
/// Balances are never stored apart from the three totals they come from.
public struct FundAccount: Sendable, Equatable, Codable {
    public var received: Money
    public var allocated: Money
    public var spent: Money
    public init(received: Money = .zero, allocated: Money = .zero, spent: Money = .zero) {
        self.received = received; self.allocated = allocated; self.spent = spent
    }
    /// Two accounts' totals together (a unit's sources, a subtree's units).
    public static func + (a: FundAccount, b: FundAccount) -> FundAccount {
        FundAccount(received: a.received + b.received, allocated: a.allocated + b.allocated, spent: a.spent + b.spent)
    }
    /// received − allocated − spent.
    public var balance: Money { received - allocated - spent }
    /// Spent of received, in basis points; nil when nothing was received.
    public var disbursementBP: Int? {
        guard received.fen > 0 else { return nil }
        return Int((spent.fen * 20_000 + received.fen) / (received.fen * 2))
    }
}

/// What a ledger entry does to the two accounts it touches. A correction is a reversing entry of
/// the same amount in the other direction, never an edit.
public enum LedgerMove: String, Sendable, Codable, CaseIterable {
    /// Money arrives from outside the tree (the Centre, a partner province, a unit's own budget, a donor).
    case receipt
    /// From a unit to one of its child units or to a project.
    case allocation
    /// Paid out against a project, with a voucher.
    case expenditure
}

public enum LedgerProblem: Error, Equatable, Sendable {
    /// More than the account holds; `available` is what it does hold.
    case insufficient(available: Money)
    case nonPositiveAmount
    /// An entry is reversed at most once; a reversal is not reversed.
    case alreadyReversed
}

/// The ledger's one rule (article 13, "conservation"): no account gives out more than it has
/// received. `post` is the whole decision; the server calls it on the locked rows and writes
/// what it returns, in the same transaction as the entry.
public enum FundLedger {
    /// The accounts after an entry of `amount`: `debit` is the giving account (nil for a
    /// receipt), `credit` the receiving one (nil for an expenditure). `reversing` runs the entry backwards:
    /// the receiving side must still hold the amount.
    public static func post(
        _ move: LedgerMove, amount: Money, debit: FundAccount?, credit: FundAccount?,
        reversing: Bool = false
    ) throws(LedgerProblem) -> (debit: FundAccount?, credit: FundAccount?) {
        guard amount.fen > 0 else { throw .nonPositiveAmount }
        var debit = debit, credit = credit
        if !reversing {
            if var d = debit {
                guard d.balance >= amount else { throw .insufficient(available: max(d.balance, .zero)) }
                if move == .expenditure { d.spent = d.spent + amount } else { d.allocated = d.allocated + amount }
                debit = d
            }
            if var c = credit { c.received = c.received + amount; credit = c }
        } else {
            if var c = credit {
                guard c.balance >= amount else { throw .insufficient(available: max(c.balance, .zero)) }
                c.received = c.received - amount; credit = c
            }
            if var d = debit {
                if move == .expenditure { d.spent = d.spent - amount } else { d.allocated = d.allocated - amount }
                debit = d
            }
        }
        return (debit, credit)
    }

    /// Who may give to whom: a unit to itself receiving from outside, to a child unit one level
    /// down, or to a project sited in its subtree.
    public static func mayAllocate(from: OrgCode, toUnit: OrgCode) -> Bool {
        toUnit.parent == from
    }
    public static func mayFund(from: OrgCode, projectSite: OrgCode) -> Bool {
        projectSite.isSelfOrDescendant(of: from)
    }

    /// The fund year of an entry: its date lies in the year, or in the first quarter after it
    /// (the year's accounts close on 31 March of the next year).
    public static func dateFits(_ date: CivilDate, year: Int) -> Bool {
        date.year == year || (date.year == year + 1 && date.month <= 3)
    }
}

/// An amount typed by a user in 元: positive, at most two decimals, at most 10^10 元.
public enum AmountInput {
    public static func parse(_ text: String?) -> Money? {
        guard let t = text?.trimmingCharacters(in: .whitespaces), !t.isEmpty, !t.hasPrefix("-"),
            let m = IncomesTemplate.parseYuan(t), m.fen > 0, m.fen <= 1_000_000_000_000
        else { return nil }
        return m
    }
}

// MARK: Projects

/// The six measures of article 14, and the sector projects of article 34.
public enum ProjectCategory: String, Sendable, Codable, CaseIterable {
    case industry, relocation, ecological, education, employment, socialSecurity, infrastructure, publicService
    public var labelKey: String { "project_category_\(rawValue)" }
}

public enum ProjectNature: String, Sendable, Codable, CaseIterable {
    case new, `extension`, repair
    public var labelKey: String { "project_nature_\(rawValue)" }
}

/// Where a project stands, read from its workflow case (W-project) or its library revision.
public enum ProjectStatus: String, Sendable, Codable, CaseIterable {
    case proposed, townshipReviewed, townshipNotice, appraised, inLibrary, implementing, completed, accepted, announced,
        rejected, dropped
    public var labelKey: String { "project_status_\(rawValue)" }
    /// Built: completed, accepted or announced (the unit page's "finished" count).
    public var isFinished: Bool { self == .completed || self == .accepted || self == .announced }

    /// The status after `done` steps of W-project.
    public static func after(steps done: Int) -> ProjectStatus {
        let order: [ProjectStatus] = [
            .proposed, .proposed, .townshipReviewed, .townshipNotice, .appraised, .inLibrary, .implementing,
            .completed, .accepted, .announced,
        ]
        return order[min(max(done, 0), order.count - 1)]
    }
    /// Approved by the county: in the library or beyond (R-21-1: disclosed).
    public var isApproved: Bool { [.inLibrary, .implementing, .completed, .accepted, .announced].contains(self) }
    /// The annual revision (fourth quarter) may carry or drop a project that has not started.
    public var isRevisable: Bool { self == .inLibrary }
}

/// What a project must state to enter the library (article 21): performance targets above all.
public struct ProjectProposal: Sendable, Equatable {
    public var name: String
    public var category: ProjectCategory
    public var nature: ProjectNature
    public var site: OrgCode
    public var startYear: Int, endYear: Int
    public var budget: Money
    public var performanceTargets: String
    public var linkingMechanism: String
    public var households: Int, people: Int, poorHouseholds: Int, poorPeople: Int
    public init(
        name: String, category: ProjectCategory, nature: ProjectNature, site: OrgCode, startYear: Int, endYear: Int,
        budget: Money,
        performanceTargets: String, linkingMechanism: String, households: Int, people: Int, poorHouseholds: Int,
        poorPeople: Int
    ) {
        self.name = name; self.category = category; self.nature = nature; self.site = site; self.startYear = startYear;
        self.endYear = endYear
        self.budget = budget; self.performanceTargets = performanceTargets; self.linkingMechanism = linkingMechanism
        self.households = households; self.people = people; self.poorHouseholds = poorHouseholds;
        self.poorPeople = poorPeople
    }

    public enum Problem: Error, Equatable, Sendable { case field(String) }

    /// The field that is wrong, in form order.
    public func validated() throws(Problem) -> ProjectProposal {
        guard site.level == .village || site.level == .township else { throw .field("site") }
        guard (2014...2100).contains(startYear) else { throw .field("start_year") }
        guard (startYear...startYear + 10).contains(endYear) else { throw .field("end_year") }
        guard budget.fen > 0 else { throw .field("budget") }
        guard !performanceTargets.isEmpty else { throw .field("performance_targets") }
        for (name, n) in [
            ("households", households), ("people", people), ("poor_households", poorHouseholds),
            ("poor_people", poorPeople),
        ]
        where !(0...1_000_000).contains(n) { throw .field(name) }
        guard poorHouseholds <= households else { throw .field("poor_households") }
        guard poorPeople <= people else { throw .field("poor_people") }
        guard households <= people || people == 0 else { throw .field("people") }
        return self
    }
}

/// Whether the annual library revision is open (article 21: the fourth quarter).
public enum LibraryRevision {
    public static func isOpen(_ today: CivilDate) -> Bool { today.month >= 10 }
    public enum Decision: String, Sendable, CaseIterable { case carry, drop }
}

// MARK: Disclosure

/// Funds and projects on the notice board (article 21, 25): at least the standard's days (10 by
/// default), published promptly after the decision.
public enum Disclosure {
    public enum Standing: Sendable, Equatable { case inTime, pending, late, missing }

    /// Not published once "promptly" has passed: missing (R-21-1); published later than that: late (R-25-1).
    /// "Promptly" is the article's word; the days are local practice (`LocalPractice.Key.disclosureDays`).
    public static func standing(
        decided: CivilDate, published: CivilDate?, today: CivilDate, practice: LocalPractice
    ) -> Standing {
        let deadline = decided.adding(days: practice[.disclosureDays])
        if let published { return published > deadline ? .late : .inTime }
        return today > deadline ? .missing : .pending
    }
}

// MARK: Microcredit

/// 扶贫小额信贷 (article 36): principal-preserving, low-margin, preferential rate.
public struct LoanTerms: Sendable, Equatable {
    public var amount: Money
    /// Annual rate in basis points (4.35% = 435).
    public var rateBP: Int
    public var subsidyBP: Int
    public var months: Int
    public init(amount: Money, rateBP: Int, subsidyBP: Int, months: Int) {
        self.amount = amount; self.rateBP = rateBP; self.subsidyBP = subsidyBP; self.months = months
    }
    public enum Problem: Error, Equatable, Sendable { case field(String) }
    /// Up to the local-practice amount and term (50,000 元 for three years as shipped, the national
    /// microcredit policy's ceilings; article 36 itself asks only for preferential terms).
    public func validated(practice: LocalPractice) throws(Problem) -> LoanTerms {
        guard amount.fen > 0, amount <= Money(yuan: Int64(practice[.loanMaxYuan])) else { throw .field("amount") }
        guard (0...2_000).contains(rateBP) else { throw .field("rate") }
        guard (0...rateBP).contains(subsidyBP) else { throw .field("subsidy") }
        guard (1...practice[.loanMaxMonths]).contains(months) else { throw .field("months") }
        return self
    }
    /// Overdue: the term has run out and principal is still owed.
    public static func isOverdue(start: CivilDate, months: Int, outstanding: Money, today: CivilDate) -> Bool {
        guard outstanding.fen > 0 else { return false }
        let total = start.year * 12 + (start.month - 1) + months
        let due = CivilDate(year: total / 12, month: total % 12 + 1, day: min(start.day, 28))!
        return today > due
    }
}

extension ProjectCategory {
    /// Counted as livelihood (民生) for article 33's first 80%: the six measures and public services;
    /// sector infrastructure (roads, power lines) is not.
    public var isLivelihood: Bool { self != .infrastructure }
}

// MARK: Rules

extension ComplianceFacts {
    /// The ledger's and the library's facts (articles 7, 21, 25, 33, 36).
    public struct Funds: Sendable {
        /// Money received (all sources) per unit and year, for the region, prefectures and counties (R-07-2).
        public var received: [OrgCode: [Int: Money]] = [:]
        /// Partner-aid money received from outside per entry unit and year (R-33-1).
        public var aidReceived: [OrgCode: [Int: Money]] = [:]
        /// Partner-aid money per giver (the receipt's counterpart) and year, across the region (R-33-2), and the
        /// region it is checked at (only a check of the whole region sees every giver's aid).
        public var aidGiven: [String: [Int: Money]] = [:]
        public var aidRegion: OrgCode?
        /// Of it: what reached county level and below, and what was spent, on livelihood projects among it.
        public var aidUse: [OrgCode: [Int: AidUse]] = [:]
        /// Approved projects and allocations with no public notice (R-21-1), and with a late one (R-25-1).
        public var undisclosed: [Item] = []
        public var lateDisclosures: [Item] = []
        public var loans: [Loan] = []
        /// The yearly standards (R-33-1's shares, R-36-1's rate).
        public var standards: [Standard] = []
        public init() {}
    }

    public struct AidUse: Sendable, Equatable {
        public var toCountyAndBelow: Money, spent: Money, livelihoodSpent: Money
        public init(toCountyAndBelow: Money = .zero, spent: Money = .zero, livelihoodSpent: Money = .zero) {
            self.toCountyAndBelow = toCountyAndBelow; self.spent = spent; self.livelihoodSpent = livelihoodSpent
        }
    }

    /// A project or an allocation ("project:12", "allocation:7") and the unit answerable for it.
    public struct Item: Sendable, Equatable {
        public let subject: String; public let unit: OrgCode; public let details: [String]
        public init(subject: String, unit: OrgCode, details: [String]) {
            self.subject = subject; self.unit = unit; self.details = details
        }
    }

    public struct Loan: Sendable, Equatable {
        public let id: Int; public let village: OrgCode; public let year: Int; public let rateBP: Int;
        public let householdNumber: String
        public init(id: Int, village: OrgCode, year: Int, rateBP: Int, householdNumber: String) {
            self.id = id; self.village = village; self.year = year; self.rateBP = rateBP;
            self.householdNumber = householdNumber
        }
    }
}

extension ComplianceRules {
    /// Years compared: the last closed year with the one before it (the current year's money is still arriving).
    static func closedYears(_ today: CivilDate) -> (last: Int, before: Int) { (today.year - 1, today.year - 2) }

    static func percent(_ bp: Int) -> String { "\(bp / 100).\(String(format2: bp % 100))%" }

    /// The last closed year's money when it is below the year before's (which had some), or nil.
    static func shrunk(_ years: [Int: Money], today: CivilDate) -> (year: Int, now: Money, previous: Money)? {
        let (last, before) = closedYears(today)
        guard let previous = years[before], previous.fen > 0 else { return nil }
        let now = years[last] ?? .zero
        return now < previous ? (last, now, previous) : nil
    }

    /// R-07-2 (articles 7, 13): the poverty funds reaching the region and each prefecture in the last closed
    /// year are not below the year before's. Counties are held to it too while the local practice
    /// `LocalPractice.Key.fundGrowthCounties` says so (the articles speak of the region's and prefectures' input).
    public static let r07_2 = ComplianceRule(.r07_2) { facts in
        let counties = facts.practice[.fundGrowthCounties] == 1
        return facts.funds.received.keys.sorted { $0.value < $1.value }.compactMap { unit in
            guard unit.level < .county || (counties && unit.level == .county),
                let s = shrunk(facts.funds.received[unit] ?? [:], today: facts.chain.today)
            else { return nil }
            return Violation(
                .r07_2, unit: unit, subject: "funds:\(unit.value):\(s.year)",
                details: [String(s.year), s.now.description, s.previous.description])
        }
    }

    /// R-33-2 (article 33: aid grows with the giver's fiscal capacity): each giver's partner aid does not shrink
    /// year on year. It binds the giver, not the unit that received less: it is raised at the region, which
    /// keeps the partner-aid accounts (article 7), naming the giver.
    public static let r33_2 = ComplianceRule(.r33_2) { facts in
        guard let region = facts.funds.aidRegion else { return [] }
        return facts.funds.aidGiven.keys.sorted().compactMap { giver in
            guard let s = shrunk(facts.funds.aidGiven[giver] ?? [:], today: facts.chain.today) else { return nil }
            return Violation(
                .r33_2, unit: region, subject: "aid:\(giver):\(s.year)",
                details: [giver, String(s.year), s.now.description, s.previous.description])
        }
    }

    /// R-33-1 (article 33, "two 80%"): of a closed year's partner-aid funds, at least the standard's
    /// share reached county level and below, and at least its share of what was spent went to livelihood projects.
    public static let r33_1 = ComplianceRule(.r33_1) { facts in
        let (last, _) = closedYears(facts.chain.today)
        let standards = facts.funds.standards
        guard let standard = standards.first(where: { $0.year == last }) ?? standards.max(by: { $0.year < $1.year })
        else { return [] }
        return facts.funds.aidReceived.keys.sorted { $0.value < $1.value }.flatMap { unit -> [Violation] in
            guard let total = facts.funds.aidReceived[unit]?[last], total.fen > 0 else { return [] }
            let use = facts.funds.aidUse[unit]?[last] ?? ComplianceFacts.AidUse()
            var out: [Violation] = []
            let countyBP = Int((use.toCountyAndBelow.fen * 10_000) / total.fen)
            if countyBP < standard.aidCountyBP {
                out.append(
                    Violation(
                        .r33_1, unit: unit, subject: "aid_county:\(unit.value):\(last)",
                        details: [String(last), percent(countyBP), percent(standard.aidCountyBP)]))
            }
            if use.spent.fen > 0 {
                let livelihoodBP = Int((use.livelihoodSpent.fen * 10_000) / use.spent.fen)
                if livelihoodBP < standard.aidLivelihoodBP {
                    out.append(
                        Violation(
                            .r33_1, unit: unit, subject: "aid_livelihood:\(unit.value):\(last)",
                            details: [String(last), percent(livelihoodBP), percent(standard.aidLivelihoodBP)]))
                }
            }
            return out
        }
    }

    /// R-21-1 (article 21): every approved project and every allocation has a public notice.
    public static let r21_1 = ComplianceRule(.r21_1) { facts in
        facts.funds.undisclosed.map { Violation(.r21_1, unit: $0.unit, subject: $0.subject, details: $0.details) }
    }

    /// R-25-1 (article 25): fund arrangements and projects are published promptly — within
    /// `LocalPractice.Key.disclosureDays` of the decision.
    public static let r25_1 = ComplianceRule(.r25_1) { facts in
        facts.funds.lateDisclosures.map { Violation(.r25_1, unit: $0.unit, subject: $0.subject, details: $0.details) }
    }

    /// R-36-1 (article 36): a microcredit loan's rate is not above the preferential rate of its year.
    public static let r36_1 = ComplianceRule(.r36_1) { facts in
        let byYear = Dictionary(facts.funds.standards.map { ($0.year, $0) }, uniquingKeysWith: { a, _ in a })
        let latest = facts.funds.standards.max { $0.year < $1.year }
        return facts.funds.loans.compactMap { loan in
            guard let standard = byYear[loan.year] ?? latest, loan.rateBP > standard.loanMaxRateBP else { return nil }
            return Violation(
                .r36_1, unit: loan.village, subject: "loan:\(loan.id)",
                details: [loan.householdNumber, percent(loan.rateBP), percent(standard.loanMaxRateBP)])
        }
    }
}

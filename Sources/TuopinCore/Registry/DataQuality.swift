/// Data-quality checks of the registry (article 24: the township answers for the truth and
/// accuracy of its data). Each check has a stable code; blocking ones refuse a save, the others
/// are reported by the batch check and on the problems page.
public enum QualityCode: String, Sendable, CaseIterable, Codable {
    case idFormat = "Q-ID-FORMAT"
    case idChecksum = "Q-ID-CHECKSUM"
    case idBirth = "Q-ID-BIRTH"
    case idMismatch = "Q-ID-MISMATCH"
    case idDuplicate = "Q-ID-DUPLICATE"
    case head = "Q-HEAD"
    case headAge = "Q-HEAD-AGE"
    case spouseAge = "Q-SPOUSE-AGE"
    case childAge = "Q-CHILD-AGE"
    case noMembers = "Q-NO-MEMBERS"
    case negativeIncome = "Q-INCOME-NEGATIVE"
    case educationAge = "Q-EDUCATION-AGE"
    case exitIncome = "Q-EXIT-INCOME"
    case exitGuarantee = "Q-EXIT-GUARANTEE"
    /// R-23-1: every poor household has a current plan with at least one measure.
    case noPlan = "R-23-1"  // RuleID.r23_1 (a raw value must be a literal; ComplianceTests holds them equal)

    /// Errors no save may introduce; the rest are findings for follow-up.
    public var isBlocking: Bool {
        switch self {
        case .idFormat, .idChecksum, .idBirth, .idMismatch, .idDuplicate, .head, .noMembers, .negativeIncome: true
        default: false
        }
    }

    public var labelKey: String { "quality_" + rawValue.replacingOccurrences(of: "-", with: "_") }
}

public struct QualityProblem: Sendable, Equatable, Codable {
    public let code: QualityCode
    /// Index of the member concerned, when it is about one member.
    public let member: Int?
    public let detail: String
    public init(_ code: QualityCode, member: Int? = nil, _ detail: String = "") {
        self.code = code; self.member = member; self.detail = detail
    }
}

public struct MemberFacts: Sendable, Equatable {
    public var name: String
    public var residentID: String
    public var relation: Relation
    public var sex: ResidentID.Sex?
    public var birthDate: CivilDate?
    public var education: Education?
    public init(
        name: String, residentID: String, relation: Relation, sex: ResidentID.Sex? = nil,
        birthDate: CivilDate? = nil, education: Education? = nil
    ) {
        self.name = name; self.residentID = residentID; self.relation = relation
        self.sex = sex; self.birthDate = birthDate; self.education = education
    }
}

public struct IncomeFacts: Sendable, Equatable {
    public var year: Int
    public var wage, business, property, transfer, costs: Money
    /// The household's size in that year, as recorded with the income (nil for incomes recorded before it was kept).
    public var members: Int?
    public init(
        year: Int, wage: Money, business: Money, property: Money, transfer: Money, costs: Money, members: Int? = nil
    ) {
        self.year = year; self.wage = wage; self.business = business; self.property = property
        self.transfer = transfer; self.costs = costs; self.members = members
    }
    /// Net = wage + business + property + transfer − production costs.
    public var net: Money { wage + business + property + transfer - costs }
    /// Per person of the household that year (its size recorded with the income; else `members`, today's size).
    public func perCapita(members current: Int) -> Money { Money(fen: net.fen / Int64(max(members ?? current, 1))) }
    public var hasNegativeComponent: Bool { [wage, business, property, transfer, costs].contains { $0.fen < 0 } }
}

public struct HouseholdFacts: Sendable, Equatable {
    public var status: HouseholdStatus
    public var members: [MemberFacts]
    public var incomes: [IncomeFacts]
    /// Unset kinds are unknown, not unmet.
    public var guarantees: [GuaranteeKind: Bool]
    public var hasCurrentPlan: Bool
    public init(
        status: HouseholdStatus, members: [MemberFacts], incomes: [IncomeFacts] = [],
        guarantees: [GuaranteeKind: Bool] = [:], hasCurrentPlan: Bool = true
    ) {
        self.status = status; self.members = members; self.incomes = incomes
        self.guarantees = guarantees; self.hasCurrentPlan = hasCurrentPlan
    }
}

public enum DataQuality {
    /// Checks one household. `povertyLine(year)` gives the standard's per-capita line.
    public static func check(_ h: HouseholdFacts, today: CivilDate, povertyLine: (Int) -> Money?) -> [QualityProblem] {
        var problems: [QualityProblem] = []
        if h.members.isEmpty { problems.append(QualityProblem(.noMembers)) }

        var seen: [String: Int] = [:]
        for (i, m) in h.members.enumerated() {
            problems += checkIdentity(m, index: i, today: today)
            let key = m.residentID.uppercased()
            if let first = seen[key] {
                problems.append(QualityProblem(.idDuplicate, member: i, "= #\(first + 1)"))
            } else {
                seen[key] = i
            }
            if let education = m.education, let birth = m.birthDate,
                !education.plausibleAges.contains(age(birth, on: today))
            {
                problems.append(QualityProblem(.educationAge, member: i, education.label))
            }
        }

        let heads = h.members.indices.filter { h.members[$0].relation == .head }
        if !h.members.isEmpty && heads.count != 1 { problems.append(QualityProblem(.head, "\(heads.count)")) }
        if heads.count == 1, let birth = h.members[heads[0]].birthDate, age(birth, on: today) < 16 {
            problems.append(QualityProblem(.headAge, member: heads[0]))
        }
        for (i, m) in h.members.enumerated() where m.relation == .spouse {
            if let birth = m.birthDate, age(birth, on: today) < 20 {
                problems.append(QualityProblem(.spouseAge, member: i))
            }
        }
        // A child born before the head or spouse, or a parent born after the head.
        let parents = h.members.filter { $0.relation == .head || $0.relation == .spouse }.compactMap(\.birthDate)
        for (i, m) in h.members.enumerated() {
            guard let birth = m.birthDate else { continue }
            if m.relation.isChild, parents.contains(where: { birth <= $0 }) {
                problems.append(QualityProblem(.childAge, member: i))
            }
            if m.relation.isParent, heads.count == 1, let headBirth = h.members[heads[0]].birthDate, birth >= headBirth
            {
                problems.append(QualityProblem(.childAge, member: i))
            }
        }

        for income in h.incomes where income.hasNegativeComponent {
            problems.append(QualityProblem(.negativeIncome, "\(income.year)"))
        }

        if h.status.hasExited {
            // The same comparison as the exit criteria (article 18, 稳定超过): at the line is not above it.
            if let latest = h.incomes.max(by: { $0.year < $1.year }), let line = povertyLine(latest.year),
                !ExitCriteria.exceedsLine(latest.perCapita(members: h.members.count), line: line)
            {
                problems.append(
                    QualityProblem(
                        .exitIncome, "\(latest.year): \(latest.perCapita(members: h.members.count)) ≤ \(line)"))
            }
            let unmet = GuaranteeKind.allCases.filter { h.guarantees[$0] == false }
            if !unmet.isEmpty {
                problems.append(QualityProblem(.exitGuarantee, unmet.map(\.label).joined(separator: "、")))
            }
        }
        if h.status.isRemainingPoor && !h.hasCurrentPlan { problems.append(QualityProblem(.noPlan)) }
        return problems
    }

    /// ID format, check character, birth date, and agreement with the recorded sex and birth date.
    public static func checkIdentity(_ m: MemberFacts, index: Int, today: CivilDate) -> [QualityProblem] {
        do {
            let id = try ResidentID(m.residentID, today: today)
            if (m.sex.map { $0 != id.sex } ?? false) || (m.birthDate.map { $0 != id.birthDate } ?? false) {
                return [QualityProblem(.idMismatch, member: index)]
            }
            return []
        } catch .checkCharacter {
            return [QualityProblem(.idChecksum, member: index)]
        } catch .birthDate {
            return [QualityProblem(.idBirth, member: index)]
        } catch {
            return [QualityProblem(.idFormat, member: index)]
        }
    }

    /// Completed years of age on `day`.
    public static func age(_ birth: CivilDate, on day: CivilDate) -> Int {
        day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day) ? 1 : 0)
    }
}

/// Per-capita net-income poverty lines (元) the region applied, shipped as editable defaults
/// for the standards table (article 6).
public enum PovertyLineDefaults {
    public static let yuan: [Int: Int64] = [
        2014: 2_800, 2015: 2_855, 2016: 2_952, 2017: 3_311, 2018: 3_750, 2019: 3_970, 2020: 4_000,
    ]
    public static func line(for year: Int) -> Money? { yuan[year].map { Money(yuan: $0) } }
}

public struct DemoMember: Sendable, Equatable {
    public let name: String
    public let residentID: ResidentID
    public let relation: String
    public var sex: ResidentID.Sex { residentID.sex }
    public var birthDate: CivilDate { residentID.birthDate }
}

public struct DemoIncome: Sendable, Equatable {
    public let year: Int
    public let wage, business, property, transfer, costs: Money
    public var net: Money { wage + business + property + transfer - costs }
}

public struct DemoHousehold: Sendable, Equatable {
    public let number: String
    public let village: OrgCode
    public let status: HouseholdStatus
    public let identifiedYear: Int
    public let exitYear: Int?
    public let members: [DemoMember]
    public let incomes: [DemoIncome]
}

/// Generates households village by village. Resident ID numbers are unique across the run:
/// within a county, the sequence digits count up per birth date.
public struct DemoHouseholdGenerator: Sendable {
    public static let incomeYears = 2015...2020
    let seed: UInt64
    let referenceYear: Int
    private var county: OrgCode?
    private var nextSequence: [Int: Int] = [:]   // key: yyyymmdd*2 + sex bit

    public init(seed: UInt64, referenceYear: Int = 2020) {
        self.seed = seed
        self.referenceYear = referenceYear
    }

    public mutating func households(in village: OrgCode, count: Int) -> [DemoHousehold] {
        let countyCode = village.ancestor(at: .county)!
        if countyCode != county { county = countyCode; nextSequence = [:] }
        var rng = SplitMix64(seed: seed, stream: UInt64(village.value)! &+ 1_000_000_000_000)
        return (0..<count).map { i in
            household(number: village.value + String(format4: i + 1), village: village, rng: &rng)
        }
    }

    private mutating func household(number: String, village: OrgCode, rng: inout SplitMix64) -> DemoHousehold {
        let roll = rng.int(0...99)
        let status: HouseholdStatus = switch roll {
        case 0..<78: .exitedWithPolicy
        case 78..<86: .exitedWithoutPolicy
        case 86..<93: .notExited
        case 93..<96: .returnedToPoverty
        default: .monitored
        }
        let identified = rng.pick([2014, 2014, 2014, 2015, 2016])
        let exitYear: Int? = status.hasExited || status == .returnedToPoverty
            ? rng.int(max(identified + 1, 2016)...referenceYear) : nil
        let members = makeMembers(rng: &rng)
        let incomes = makeIncomes(size: members.count, status: status, exitYear: exitYear, rng: &rng)
        return DemoHousehold(number: number, village: village, status: status, identifiedYear: identified,
                             exitYear: exitYear, members: members, incomes: incomes)
    }

    private mutating func makeMembers(rng: inout SplitMix64) -> [DemoMember] {
        let size = rng.pick([1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8])
        let headSex: ResidentID.Sex = rng.chance(0.7) ? .male : .female
        let headAge = rng.int(24...72)
        var people: [(String, ResidentID.Sex, Int)] = [("户主", headSex, headAge)]
        if size >= 2 && headAge < 70 && rng.chance(0.85) {
            people.append(("配偶", headSex == .male ? .female : .male, max(20, headAge + rng.int(-5...5))))
        }
        while people.count < size {
            let olderGeneration = headAge < 45 && people.count == size - 1 && rng.chance(0.4)
            if olderGeneration {
                let sex: ResidentID.Sex = rng.chance(0.5) ? .male : .female
                people.append((sex == .male ? "之父" : "之母", sex, min(95, headAge + rng.int(22...32))))
            } else {
                let sex: ResidentID.Sex = rng.chance(0.5) ? .male : .female
                let age = max(0, headAge - rng.int(20...34))
                let grandchild = age > 40 && rng.chance(0.3)
                let relation = grandchild ? (sex == .male ? "之孙子" : "之孙女") : (sex == .male ? "之子" : "之女")
                people.append((relation, sex, grandchild ? max(0, age - 25) : age))
            }
        }
        return people.map { relation, sex, age in
            DemoMember(name: DemoNames.personName(sex: sex, rng: &rng),
                       residentID: residentID(sex: sex, age: age, rng: &rng), relation: relation)
        }
    }

    private mutating func residentID(sex: ResidentID.Sex, age: Int, rng: inout SplitMix64) -> ResidentID {
        while true {
            let year = referenceYear - age
            let month = rng.int(1...12)
            let day = rng.int(1...CivilDate.daysIn(month: month, year: year))
            let date = CivilDate(year: year, month: month, day: day)!
            let key = Int(date.yyyymmdd)! * 2 + (sex == .male ? 1 : 0)
            let n = nextSequence[key, default: 0]
            guard n < 500 else { continue }
            nextSequence[key] = n + 1
            let sequence = n * 2 + (sex == .male ? 1 : 2)   // odd for men, even for women
            let first17 = county!.value + date.yyyymmdd + String(repeating: "0", count: 3 - "\(sequence)".count) + "\(sequence)"
            let id = first17 + String(ResidentID.checkCharacter(for: first17))
            return try! ResidentID(id, today: CivilDate(year: referenceYear + 10, month: 12, day: 31)!)
        }
    }

    /// Per-capita net income starts below the 2015 line and grows; households that exited end
    /// above the line, most others stay below it.
    private func makeIncomes(size: Int, status: HouseholdStatus, exitYear: Int?, rng: inout SplitMix64) -> [DemoIncome] {
        var perCapita = Int64(rng.int(1_400...2_600)) * 100
        return Self.incomeYears.map { year in
            if year > Self.incomeYears.lowerBound {
                let exited = exitYear.map { year >= $0 } ?? false
                let growth: Int64 = status.isRemainingPoor && !exited ? Int64(rng.int(-3...9)) : Int64(rng.int(8...32))
                perCapita += perCapita * growth / 100
                if exited && status.hasExited { perCapita = max(perCapita, Int64(rng.int(4_300...6_500)) * 100) }
            }
            let net = perCapita * Int64(size)
            let costs = net * Int64(rng.int(5...15)) / 100
            let gross = net + costs
            let wage = gross * Int64(rng.int(30...50)) / 100
            let business = gross * Int64(rng.int(15...30)) / 100
            let property = gross * Int64(rng.int(0...6)) / 100
            let transfer = gross - wage - business - property
            return DemoIncome(year: year, wage: Money(fen: wage), business: Money(fen: business),
                              property: Money(fen: property), transfer: Money(fen: transfer), costs: Money(fen: costs))
        }
    }
}

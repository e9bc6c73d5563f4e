public struct DemoMember: Sendable, Equatable {
    public let name: String
    public let residentID: ResidentID
    public let relation: Relation
    public var ethnicity: Ethnicity = .tibetan
    public var education: Education = .primary
    public var schooling: Schooling = .notInSchool
    public var health: Health = .healthy
    public var disabilityGrade: Int? = nil
    public var labour: LabourAbility = .ordinary
    public var migrantMonths = 0
    public var medicalInsurance = true, seriousIllnessInsurance = true, pensionInsurance = false
    public var dibao = false, tekun = false
    public var sex: ResidentID.Sex { residentID.sex }
    public var birthDate: CivilDate { residentID.birthDate }
}

public struct DemoIncome: Sendable, Equatable {
    public let year: Int
    public let wage, business, property, transfer, costs: Money
    public var net: Money { wage + business + property + transfer - costs }
}

public struct DemoMeasure: Sendable, Equatable {
    public let category: MeasureCategory
    public let subtype: MeasureSubtype
    public let content: String
    public let amount: Money
}

public struct DemoHousehold: Sendable, Equatable {
    public let number: String
    public let village: OrgCode
    public let status: HouseholdStatus
    public let identifiedYear: Int
    public let exitYear: Int?
    public let members: [DemoMember]
    public let incomes: [DemoIncome]
    public var attribute: HouseholdAttribute = .general
    public var mainCause: PovertyCause = .lackCapital
    public var otherCauses: [PovertyCause] = []
    public var address = ""
    public var phone: String? = nil
    public var plannedExitYear: Int? = nil
    public var housingArea = 60.0
    public var dangerousGrade: String? = nil
    public var housingSafe = true, waterSafe = true, electricity = true
    public var roadDistanceKm = 1.0
    public var landCultivated = 0.0, landIrrigated = 0.0, landForest = 0.0, landGrassland = 0.0
    public var relocated = false, cooperative = false
    public var guarantees: [GuaranteeKind: Bool] = [:]
    /// Measures of the current year's plan (remaining poor households only).
    public var measures: [DemoMeasure] = []
}

/// Generates households village by village. Resident ID numbers are unique across the run:
/// within a county, the sequence digits count up per birth date.
public struct DemoHouseholdGenerator: Sendable {
    public static let incomeYears = 2015...2020
    let seed: UInt64
    let referenceYear: Int
    private var county: OrgCode?
    private var nextSequence: [Int: Int] = [:]  // key: yyyymmdd*2 + sex bit

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
        let status: HouseholdStatus =
            switch roll {
            case 0..<78: .exitedWithPolicy
            case 78..<86: .exitedWithoutPolicy
            case 86..<93: .notExited
            case 93..<96: .returnedToPoverty
            default: .applicant
            }
        let identified = rng.pick([2014, 2014, 2014, 2015, 2016])
        let exitYear: Int? =
            status.hasExited || status == .returnedToPoverty
            ? rng.int(max(identified + 1, 2016)...referenceYear) : nil
        var members = makeMembers(rng: &rng)
        let incomes = makeIncomes(size: members.count, status: status, exitYear: exitYear, rng: &rng)
        var h = DemoHousehold(
            number: number, village: village, status: status, identifiedYear: identified,
            exitYear: exitYear, members: members, incomes: incomes)
        let attributeRoll = rng.int(0...99)
        h.attribute = attributeRoll < 70 ? .general : attributeRoll < 92 ? .dibao : .tekun
        h.mainCause = rng.pick(
            [
                .illness, .disability, .schooling, .lackSkills, .lackSkills, .lackLabour, .lackCapital,
                .lackCapital, .lackLand, .poorTransport, .lackMotivation, .disaster,
            ] as [PovertyCause])
        h.otherCauses = rng.chance(0.4) ? [rng.pick(PovertyCause.allCases.filter { $0 != h.mainCause })] : []
        h.address = "\(rng.int(1...12))组\(rng.int(1...80))号"
        h.phone =
            rng.chance(0.8) ? "1\(rng.pick(["39", "58", "89", "36"]))\(String(rng.int(10_000_000...99_999_999)))" : nil
        h.plannedExitYear = status == .notExited || status == .returnedToPoverty ? referenceYear + 1 : nil
        h.housingArea = Double(rng.int(30...140))
        h.relocated = rng.chance(0.12)
        h.cooperative = rng.chance(0.35)
        h.roadDistanceKm = Double(rng.int(0...150)) / 10
        h.landCultivated = Double(rng.int(0...80)) / 10
        h.landIrrigated = (h.landCultivated * Double(rng.int(0...100)) / 100 * 10).rounded() / 10
        h.landGrassland = Double(rng.int(0...400)) / 10
        h.landForest = Double(rng.int(0...20)) / 10
        let poor = status.isRemainingPoor
        for kind in GuaranteeKind.allCases { h.guarantees[kind] = poor ? !rng.chance(0.15) : true }
        h.housingSafe = h.guarantees[.housing] ?? true
        h.waterSafe = h.guarantees[.water] ?? true
        h.dangerousGrade = h.housingSafe ? nil : rng.pick(["C", "D"])
        if poor {
            let count = rng.int(1...3)
            h.measures = (0..<count).map { _ in
                let (category, subtype, content) = rng.pick(Self.measureMenu)
                return DemoMeasure(
                    category: category, subtype: subtype, content: content,
                    amount: Money(yuan: Int64(rng.int(5...100)) * 100))
            }
        }
        for i in members.indices {
            fillAttributes(&members[i], household: h, rng: &rng)
        }
        return DemoHousehold(
            number: h.number, village: h.village, status: h.status, identifiedYear: h.identifiedYear,
            exitYear: h.exitYear, members: members, incomes: h.incomes, attribute: h.attribute,
            mainCause: h.mainCause, otherCauses: h.otherCauses, address: h.address, phone: h.phone,
            plannedExitYear: h.plannedExitYear, housingArea: h.housingArea, dangerousGrade: h.dangerousGrade,
            housingSafe: h.housingSafe, waterSafe: h.waterSafe, electricity: h.electricity,
            roadDistanceKm: h.roadDistanceKm, landCultivated: h.landCultivated, landIrrigated: h.landIrrigated,
            landForest: h.landForest, landGrassland: h.landGrassland, relocated: h.relocated,
            cooperative: h.cooperative, guarantees: h.guarantees, measures: h.measures)
    }

    static let measureMenu: [(MeasureCategory, MeasureSubtype, String)] = [
        (.industry, .subsidy, "牦牛养殖产业奖补"), (.industry, .microcredit, "扶贫小额信贷发展青稞种植"),
        (.employment, .training, "驾驶技能培训"), (.employment, .publicWelfareJob, "生态护林员公益岗位"),
        (.education, .other, "教育“三包”资助"), (.socialSecurity, .health, "大病救助与家庭医生签约"),
        (.relocation, .housing, "易地扶贫搬迁安置"), (.ecological, .other, "草原生态保护补奖"),
    ]

    /// Education, schooling and labour that fit the member's age; health and insurance.
    private func fillAttributes(_ m: inout DemoMember, household: DemoHousehold, rng: inout SplitMix64) {
        let age = referenceYear - m.birthDate.year
        m.ethnicity = rng.chance(0.93) ? .tibetan : rng.pick([.han, .monba, .lhoba, .hui])
        switch age {
        case ..<6: m.education = .preschool; m.schooling = age >= 3 ? .preschool : .notInSchool
        case 6..<12: m.education = .primary; m.schooling = .primary
        case 12..<15: m.education = .primary; m.schooling = .juniorSecondary
        case 15..<18:
            m.education = .juniorSecondary; m.schooling = rng.chance(0.7) ? .seniorSecondary : .vocationalSecondary
        case 18..<23: m.education = .seniorSecondary; m.schooling = rng.chance(0.4) ? .college : .notInSchool
        case 23..<50:
            m.education = rng.pick([.primary, .primary, .juniorSecondary, .seniorSecondary, .illiterate, .college])
        default: m.education = rng.pick([.illiterate, .illiterate, .primary])
        }
        let healthRoll = rng.int(0...99)
        m.health =
            healthRoll < 80 ? .healthy : healthRoll < 90 ? .chronic : healthRoll < 95 ? .seriousIllness : .disabled
        if m.health == .disabled { m.disabilityGrade = rng.int(1...4) }
        switch age {
        case ..<16: m.labour = .none
        case 16..<65:
            m.labour =
                m.health == .healthy
                ? (rng.chance(0.25) ? .skilled : .ordinary) : (m.health == .disabled ? .lost : .weak)
            if m.schooling == .notInSchool && m.labour != .lost {
                m.migrantMonths = rng.chance(0.4) ? rng.int(1...10) : 0
            }
        default: m.labour = rng.chance(0.5) ? .weak : .none
        }
        m.pensionInsurance = age >= 16 && rng.chance(0.8)
        m.dibao = household.attribute == .dibao
        m.tekun = household.attribute == .tekun && (age >= 60 || m.health == .disabled)
    }

    private mutating func makeMembers(rng: inout SplitMix64) -> [DemoMember] {
        let size = rng.pick([1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8])
        let headSex: ResidentID.Sex = rng.chance(0.7) ? .male : .female
        let headAge = rng.int(24...72)
        var people: [(Relation, ResidentID.Sex, Int)] = [(.head, headSex, headAge)]
        if size >= 2 && headAge < 70 && rng.chance(0.85) {
            people.append((.spouse, headSex == .male ? .female : .male, max(20, headAge + rng.int(-5...5))))
        }
        while people.count < size {
            let olderGeneration = headAge < 45 && people.count == size - 1 && rng.chance(0.4)
            if olderGeneration {
                let sex: ResidentID.Sex = rng.chance(0.5) ? .male : .female
                people.append((sex == .male ? .father : .mother, sex, min(95, headAge + rng.int(22...32))))
            } else {
                let sex: ResidentID.Sex = rng.chance(0.5) ? .male : .female
                let age = max(0, headAge - rng.int(20...34))
                let grandchild = age > 40 && rng.chance(0.3)
                let relation: Relation =
                    grandchild ? (sex == .male ? .grandson : .granddaughter) : (sex == .male ? .son : .daughter)
                people.append((relation, sex, grandchild ? max(0, age - 25) : age))
            }
        }
        return people.map { relation, sex, age in
            DemoMember(
                name: DemoNames.personName(sex: sex, rng: &rng),
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
            let sequence = n * 2 + (sex == .male ? 1 : 2)  // odd for men, even for women
            let first17 =
                county!.value + date.yyyymmdd + String(repeating: "0", count: 3 - "\(sequence)".count) + "\(sequence)"
            let id = first17 + String(ResidentID.checkCharacter(for: first17))
            return try! ResidentID(id, today: CivilDate(year: referenceYear + 10, month: 12, day: 31)!)
        }
    }

    /// Per-capita net income starts below the 2015 line and grows; households that exited end
    /// above the line, most others stay below it.
    private func makeIncomes(size: Int, status: HouseholdStatus, exitYear: Int?, rng: inout SplitMix64) -> [DemoIncome]
    {
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
            return DemoIncome(
                year: year, wage: Money(fen: wage), business: Money(fen: business),
                property: Money(fen: property), transfer: Money(fen: transfer), costs: Money(fen: costs))
        }
    }
}

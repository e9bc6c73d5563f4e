import Testing
@testable import TuopinCore

/// One fixture that triggers each code and one that does not.
@Suite struct DataQualityTests {
    let today = CivilDate(year: 2026, month: 11, day: 27)!

    func id(_ date: String, _ seq: String, area: String = "540102") -> String {
        let first17 = area + date + seq
        return first17 + String(ResidentID.checkCharacter(for: first17))
    }

    /// A clean household: head 1980, spouse 1982, son 2015, incomes above the line.
    func clean() -> HouseholdFacts {
        HouseholdFacts(
            status: .exitedWithPolicy,
            members: [
                MemberFacts(
                    name: "扎西", residentID: id("19800101", "001"), relation: .head, sex: .male,
                    birthDate: CivilDate(year: 1980, month: 1, day: 1), education: .primary),
                MemberFacts(
                    name: "卓玛", residentID: id("19820202", "002"), relation: .spouse, sex: .female,
                    birthDate: CivilDate(year: 1982, month: 2, day: 2), education: .illiterate),
                MemberFacts(
                    name: "次仁", residentID: id("20150303", "003"), relation: .son, sex: .male,
                    birthDate: CivilDate(year: 2015, month: 3, day: 3), education: .primary),
            ],
            incomes: [
                IncomeFacts(
                    year: 2020, wage: Money(yuan: 9_000), business: Money(yuan: 4_000), property: .zero,
                    transfer: Money(yuan: 2_000), costs: Money(yuan: 1_000))
            ],
            guarantees: Dictionary(uniqueKeysWithValues: GuaranteeKind.allCases.map { ($0, true) }),
            hasCurrentPlan: true)
    }

    func codes(_ h: HouseholdFacts) -> Set<QualityCode> {
        Set(DataQuality.check(h, today: today, povertyLine: PovertyLineDefaults.line(for:)).map(\.code))
    }

    @Test func cleanHouseholdHasNoProblems() {
        #expect(codes(clean()).isEmpty)
    }

    @Test(arguments: QualityCode.allCases)
    func eachCodeHasATriggeringFixture(code: QualityCode) {
        var h = clean()
        switch code {
        case .idFormat: h.members[2].residentID = "54010220150303"
        case .idChecksum:
            let good = h.members[2].residentID
            h.members[2].residentID = String(good.dropLast()) + (good.last == "1" ? "2" : "1")
        case .idBirth: h.members[2].residentID = id("20151345", "003")
        case .idMismatch: h.members[2].sex = .female
        case .idDuplicate:
            h.members[2].residentID = h.members[0].residentID; h.members[2].birthDate = nil; h.members[2].sex = nil
        case .head: h.members[1].relation = .head
        case .headAge:
            h.members[0].residentID = id("20150101", "001");
            h.members[0].birthDate = CivilDate(year: 2015, month: 1, day: 1)
        case .spouseAge:
            h.members[1].residentID = id("20100202", "002");
            h.members[1].birthDate = CivilDate(year: 2010, month: 2, day: 2)
        case .childAge:
            h.members[2].residentID = id("19700303", "003");
            h.members[2].birthDate = CivilDate(year: 1970, month: 3, day: 3)
        case .noMembers: h.members = []
        case .negativeIncome: h.incomes[0].property = Money(fen: -1)
        case .educationAge: h.members[2].education = .seniorSecondary  // at 11
        case .exitIncome: h.incomes[0].wage = Money(yuan: 1_000)
        case .exitGuarantee: h.guarantees[.housing] = false
        case .noPlan: h.status = .notExited; h.hasCurrentPlan = false
        }
        #expect(codes(h).contains(code), "\(code) not raised")
        #expect(!codes(clean()).contains(code))
    }

    @Test func unknownGuaranteesAreNotUnmetAndPoorHouseholdsAreNotCheckedForExitIncome() {
        var h = clean()
        h.guarantees = [:]
        #expect(!codes(h).contains(.exitGuarantee))
        h.status = .notExited
        h.incomes[0].wage = .zero
        #expect(!codes(h).contains(.exitIncome))
    }

    @Test func blockingCodesAreTheIdentityAndStructureOnes() {
        #expect(QualityCode.idChecksum.isBlocking && QualityCode.head.isBlocking)
        #expect(!QualityCode.noPlan.isBlocking && !QualityCode.exitIncome.isBlocking)
    }

    @Test func officialLabelsRoundTrip() {
        #expect(HouseholdAttribute(label: "低保贫困户") == .dibao)
        #expect(PovertyCause(label: "交通条件落后") == .poorTransport)
        #expect(HouseholdStatus(label: "已脱贫享受政策") == .exitedWithPolicy)
        #expect(Relation(label: "户主") == .head)
        #expect(LabourAbility(label: "弱劳动力或半劳动力") == .weak)
        #expect(Health(label: "火星病") == nil)
        #expect(Set(PovertyCause.labels).count == 13)
    }
}

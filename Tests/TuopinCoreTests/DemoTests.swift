import Testing
@testable import TuopinCore

@Suite struct DemoTests {
    let region = DemoRegion(
        seed: 7,
        counties: [
            DemoUnit(code: OrgCode("540102")!, name: "城关区"), DemoUnit(code: OrgCode("540103")!, name: "堆龙德庆区"),
        ])

    @Test func treeHasValidDistinctCodesAndNames() {
        let townships = region.townships(of: OrgCode("540102")!)
        #expect(townships.count == 9)
        #expect(townships.first?.code.value == "540102001")
        #expect(Set(townships.map(\.name)).count == 9)
        let villages = region.villages(of: townships[0].code)
        #expect(villages.count == 8)
        #expect(villages.first?.code.value == "540102001201")
        #expect(villages.allSatisfy { $0.code.level == .village && $0.name.hasSuffix("村") })
    }

    @Test func householdCountsAddUpAndReachFirstVillages() {
        for total in [0, 5, 144, 1000, 5_000] {
            var sum = 0
            for c in 0..<2 {
                for t in 0..<9 {
                    for v in 0..<8 {
                        sum += region.householdCount(total: total, countyIndex: c, townshipIndex: t, villageIndex: v)
                    }
                }
            }
            #expect(sum == total)
        }
        #expect(region.householdCount(total: 2, countyIndex: 1, townshipIndex: 0, villageIndex: 0) == 1)
    }

    @Test func householdsAreDeterministicAndConsistent() throws {
        var g1 = DemoHouseholdGenerator(seed: 42), g2 = DemoHouseholdGenerator(seed: 42)
        let village = OrgCode("540102001201")!
        let a = g1.households(in: village, count: 50), b = g2.households(in: village, count: 50)
        #expect(a == b)
        #expect(a[0].number == "5401020012010001")
        let ids = a.flatMap(\.members).map(\.residentID.value)
        #expect(Set(ids).count == ids.count)
        let today = CivilDate(year: 2026, month: 11, day: 27)!
        for household in a {
            #expect((1...8).contains(household.members.count))
            #expect(household.members[0].relation == .head)
            #expect(household.incomes.map(\.year) == Array(2015...2020))
            for member in household.members {
                let reparsed = try ResidentID(member.residentID.value, today: today)
                #expect(reparsed.areaCode == "540102")
            }
        }
        let rising = a.filter { $0.incomes.last!.net > $0.incomes.first!.net }.count
        #expect(rising * 10 >= a.count * 7)
    }

    @Test func everyLevelHasCadresAndPrincipals() {
        for code in ["54", "5401", "540102", "540102001"] {
            let cadres = DemoCadres.cadres(of: OrgCode(code)!, seed: 1)
            #expect(cadres.contains { $0.principal == "secretary" })
            #expect(cadres.contains { $0.principal == "head" })
        }
        #expect(DemoCadres.cadres(of: OrgCode("540102001201")!, seed: 1).contains { $0.position == .firstSecretary })
    }
}

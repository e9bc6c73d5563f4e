import Testing
@testable import TuopinCore

/// Article 33 (R-33-1): partner aid received above county level counts as reaching county level only
/// through allocations from above county level to county level or below — pinned at the level
/// boundaries on both ends, by year and by entry.
@Suite struct PartnerAidTests {
    let prefecture = OrgCode("5401")!, otherPrefecture = OrgCode("5402")!, county = OrgCode("540102")!
    let township = OrgCode("540102001")!, village = OrgCode("540102001001")!

    func move(
        _ m: LedgerMove, _ from: OrgCode?, _ to: OrgCode, _ yuan: Int64, year: Int = 2025,
        _ category: ProjectCategory? = nil
    ) -> PartnerAid.Movement {
        .init(move: m, from: from, to: to, year: year, amount: Money(yuan: yuan), category: category)
    }

    @Test func anAllocationFromAboveCountyToCountyLevelCounts() {
        let use = PartnerAid.use(
            entry: prefecture, year: 2025, received: Money(yuan: 100),
            movements: [move(.allocation, prefecture, county, 30)])
        #expect(use.toCountyAndBelow == Money(yuan: 30))
    }

    /// The receiving end: county counts, one level above (the prefecture itself) does not, below counts.
    @Test func whereTheAllocationLandsDecides() {
        let moves = [
            move(.allocation, prefecture, prefecture, 5), move(.allocation, prefecture, township, 7),
            move(.allocation, prefecture, village, 11),
        ]
        #expect(
            PartnerAid.use(entry: prefecture, year: 2025, received: Money(yuan: 100), movements: moves).toCountyAndBelow
                == Money(yuan: 18))
    }

    /// The sending end: from the prefecture (above county) counts; from the county itself does not
    /// (the money was already at county level), or it would be counted twice.
    @Test func whereTheAllocationLeavesFromDecides() {
        let moves = [move(.allocation, prefecture, county, 30), move(.allocation, county, township, 20)]
        #expect(
            PartnerAid.use(entry: prefecture, year: 2025, received: Money(yuan: 100), movements: moves).toCountyAndBelow
                == Money(yuan: 30))
    }

    @Test func aidReceivedAtCountyLevelIsThereAlready() {
        let use = PartnerAid.use(
            entry: county, year: 2025, received: Money(yuan: 40), movements: [move(.allocation, county, township, 10)])
        #expect(use.toCountyAndBelow == Money(yuan: 40))
    }

    @Test func otherYearsAndOtherEntriesAreLeftOut() {
        let moves = [
            move(.allocation, prefecture, county, 30, year: 2024),
            move(.allocation, otherPrefecture, OrgCode("540202")!, 9),
            move(.expenditure, county, county, 8, year: 2024),
        ]
        let use = PartnerAid.use(entry: prefecture, year: 2025, received: Money(yuan: 100), movements: moves)
        #expect(use == .init())
    }

    /// Spent and livelihood spent: infrastructure is spent but not livelihood; any other category is both.
    @Test func spendingAndLivelihood() {
        let moves = [
            move(.expenditure, village, village, 10, .infrastructure),
            move(.expenditure, village, village, 6, .industry),
            move(.expenditure, county, county, 1),
        ]
        let use = PartnerAid.use(entry: prefecture, year: 2025, received: Money(yuan: 100), movements: moves)
        #expect(use.spent == Money(yuan: 17))
        #expect(use.livelihoodSpent == Money(yuan: 6))
    }
}

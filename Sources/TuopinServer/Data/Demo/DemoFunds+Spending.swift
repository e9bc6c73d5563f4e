import Foundation
import TuopinCore

/// What the demo's units paid to their projects out of the Centre's money in the closed years.
extension DemoFunds {
    /// In each closed year the county, and the township and village of each project under way or done, pay
    /// most of the Centre's money they still hold into their projects (国库集中支付, as `FundService` records
    /// an expenditure with a payer): between 72% and 97%, varying by county, split evenly across the payer's
    /// projects of the year — so the assessment's 资金支出 indicator and the funds pages read a believable year.
    static func spendClosedYears(_ book: inout Book, projects: [ProjectRow], today: CivilDate) throws {
        func u(_ code: String) -> String { FundEntryRecord.holder(unit: code) }
        let paying = projects.filter { ($0.approved?.year ?? today.year) < today.year && $0.step >= 6 }
        let counties = Array(Set(paying.map(\.county))).sorted()
        var voucher = 5_000
        for (ci, county) in counties.enumerated() {
            let share = Int64(97 - (ci * 7) % 26)
            let mine = paying.filter { $0.county == county }
            let townships = Set(mine.map { String($0.site.prefix(9)) }).sorted()
            let villages = Set(mine.map(\.site)).filter { $0.count > 9 }.sorted()
            for payer in [county] + townships + villages {
                for year in Set(mine.map { $0.approved!.year }).sorted() {
                    let held = book.balance(u(payer), .central, year)
                    let funded = mine.filter { $0.approved!.year == year && $0.site.hasPrefix(payer) }
                    guard !funded.isEmpty, held.fen > 0 else { continue }
                    let each = Money(fen: held.fen * share / 100 / Int64(funded.count))
                    for p in funded where each.fen > 0 {
                        voucher += 1
                        try book.post(
                            Entry(
                                move: .expenditure, source: .central, year: year, from: u(payer), to: nil,
                                fromUnit: payer, toUnit: p.site, project: p.id, amount: each, counterpart: "",
                                voucher: "支-\(voucher)", date: min(CivilDate(year: year, month: 11, day: 20)!, today),
                                note: "项目资金拨付（国库集中支付）"))
                    }
                }
            }
        }
    }
}

import Testing
@testable import TuopinCore

/// The local-practice numbers (地方实践): their bounds, and every rule that reads one turning exactly at it.
@Suite struct LocalPracticeTests {
    let region = OrgCode("54")!, prefecture = OrgCode("5401")!, county = OrgCode("540102")!,
        township = OrgCode("540102001")!

    func facts(
        today: String, _ practice: LocalPractice = LocalPractice(), _ edit: (inout ComplianceFacts) -> Void = { _ in }
    )
        -> ComplianceFacts
    {
        var f = ComplianceFacts(cadres: [], households: [], unitsWithPoor: [])
        f.chain.today = CivilDate(iso: today)!
        f.chain.units = [region, prefecture, county, township]
        f.practice = practice
        edit(&f)
        return f
    }

    @Test func boundsAreChecked() {
        for key in LocalPractice.Key.allCases {
            #expect(key.problem(key.defaultValue) == nil, "\(key)")
            #expect(key.problem(key.bounds.lowerBound) == nil && key.problem(key.bounds.upperBound) == nil, "\(key)")
            #expect(key.problem(key.bounds.lowerBound - 1) == key.rawValue, "\(key)")
            #expect(key.problem(key.bounds.upperBound + 1) == key.rawValue, "\(key)")
        }
        // Month-days must be days: 30 February is not, nor 4-31.
        #expect(LocalPractice.Key.letterDue.problem(230) == "letter_due")
        #expect(LocalPractice.Key.letterDue.problem(431) == "letter_due")
        #expect(LocalPractice.Key.letterDue.problem(430) == nil)
        // A stored value out of bounds falls back to the shipped one.
        #expect(LocalPractice(values: [.spotCheckPercent: 0])[.spotCheckPercent] == 10)
        #expect(LocalPractice.parseMonthDay("4-1") == 401 && LocalPractice.parseMonthDay("04-01") == 401)
        #expect(LocalPractice.parseMonthDay("0501") == 501 && LocalPractice.parseMonthDay("13-01") == nil)
        #expect(LocalPractice.monthDayText(401) == "04-01")
        #expect(LocalPractice.keys(for: .r16_1) == [.letterDue] && LocalPractice.keys(for: .r37_1).isEmpty)
    }

    /// The letter is owed from the practice's day: the day before it only last year's, from it this year's too.
    @Test func lettersFollowTheDueDay() {
        let shipped = LocalPractice()
        #expect(ComplianceRules.r04_1.check(facts(today: "2026-03-31", shipped)).map(\.details) == [["2025"]])
        #expect(
            ComplianceRules.r04_1.check(facts(today: "2026-04-01", shipped)).map(\.details) == [["2025"], ["2026"]])
        let may = LocalPractice(values: [.letterDue: 501])
        #expect(ComplianceRules.r16_1.check(facts(today: "2026-04-30", may)).map(\.details) == [["2025"]])
        #expect(ComplianceRules.r16_1.check(facts(today: "2026-05-01", may)).map(\.details) == [["2025"], ["2026"]])
    }

    /// R-07-1: nothing owed before the plan's day, owed on it.
    @Test func planFollowsTheDueDay() {
        let march = LocalPractice(values: [.planDue: 301])
        #expect(ComplianceRules.r07_1.check(facts(today: "2026-02-28", march)).isEmpty)
        #expect(
            ComplianceRules.r07_1.check(facts(today: "2026-03-01", march)).map(\.subject) == [
                "plan:5401:2026", "plan:540102:2026",
            ])
        #expect(ComplianceRules.r07_1.check(facts(today: "2026-01-01")).count == 2)
    }

    /// R-07-2: the region and prefectures always (articles 7, 13); counties only while the practice says so.
    /// Equal money is not a fall; one fen less is.
    @Test func fundGrowthReachesCountiesByPractice() {
        func f(_ practice: LocalPractice) -> ComplianceFacts {
            facts(today: "2026-11-28", practice) { f in
                f.funds.received = [
                    self.region: [2024: Money(yuan: 100), 2025: Money(yuan: 100)],
                    self.prefecture: [2024: Money(yuan: 100), 2025: Money(fen: 9_999)],
                    self.county: [2024: Money(yuan: 100), 2025: Money(fen: 9_999)],
                ]
            }
        }
        #expect(
            ComplianceRules.r07_2.check(f(LocalPractice())).map(\.subject) == [
                "funds:5401:2025", "funds:540102:2025",
            ])
        #expect(
            ComplianceRules.r07_2.check(f(LocalPractice(values: [.fundGrowthCounties: 0]))).map(\.subject) == [
                "funds:5401:2025"
            ])
    }

    /// R-33-2 binds the giver: raised at the region naming the giver whose aid fell, whichever unit received it.
    @Test func partnerAidGrowthIsTheGivers() {
        let f = facts(today: "2026-11-28") { f in
            f.funds.aidRegion = self.region
            f.funds.aidGiven = [
                "北京市": [2024: Money(yuan: 100), 2025: Money(yuan: 100)],
                "江苏省": [2024: Money(yuan: 100), 2025: Money(fen: 9_999)],
                "上海市": [2025: Money(yuan: 5)],
            ]
        }
        let found = ComplianceRules.r33_2.check(f)
        #expect(found.map(\.subject) == ["aid:江苏省:2025"])
        #expect(found.first?.unit == region && found.first?.details == ["江苏省", "2025", "99.99", "100.00"])
    }

    /// A spot check may draw the practice's share or more, never less; a loan's amount and term stop at it.
    @Test func spotChecksAndLoansStopAtThePractice() throws {
        let shipped = LocalPractice()
        #expect(!SpotCheck.allows(percent: 9, practice: shipped) && SpotCheck.allows(percent: 10, practice: shipped))
        #expect(SpotCheck.allows(percent: 100, practice: shipped) && !SpotCheck.allows(percent: 101, practice: shipped))
        let twenty = LocalPractice(values: [.spotCheckPercent: 20])
        #expect(!SpotCheck.allows(percent: 19, practice: twenty) && SpotCheck.allows(percent: 20, practice: twenty))
        func terms(_ fen: Int64, _ months: Int) -> LoanTerms {
            LoanTerms(amount: Money(fen: fen), rateBP: 435, subsidyBP: 435, months: months)
        }
        _ = try terms(5_000_000, 36).validated(practice: shipped)
        #expect(throws: LoanTerms.Problem.field("amount")) { try terms(5_000_001, 36).validated(practice: shipped) }
        #expect(throws: LoanTerms.Problem.field("months")) { try terms(5_000_000, 37).validated(practice: shipped) }
        let lower = LocalPractice(values: [.loanMaxYuan: 30_000, .loanMaxMonths: 24])
        _ = try terms(3_000_000, 24).validated(practice: lower)
        #expect(throws: LoanTerms.Problem.field("amount")) { try terms(3_000_001, 24).validated(practice: lower) }
        #expect(throws: LoanTerms.Problem.field("months")) { try terms(3_000_000, 25).validated(practice: lower) }
    }
}

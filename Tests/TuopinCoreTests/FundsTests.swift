import Testing
@testable import TuopinCore

/// The fund ledger's invariant under random sequences, amounts as typed, the project library's
/// rules, and the six fund rules each with a violating and a passing fixture.
@Suite struct FundsTests {
    let region = OrgCode("54")!, prefecture = OrgCode("5401")!, county = OrgCode("540102")!,
        township = OrgCode("540102001")!

    /// Random receipts, allocations, expenditures and reversals over three accounts: whatever the
    /// ledger accepts keeps every balance ≥ 0 and equal to received − allocated − spent of the entries.
    @Test(arguments: 1...20) func ledgerNeverGoesNegative(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var accounts = [FundAccount(), FundAccount(), FundAccount()]
        struct Entry { let move: LedgerMove; let from: Int?; let to: Int?; let amount: Money; var reversed = false }
        var entries: [Entry] = []
        var refused = 0
        for _ in 0..<400 {
            let amount = Money(fen: Int64.random(in: 1...50_000, using: &rng))
            let pick = Int.random(in: 0..<10, using: &rng)
            var entry: Entry
            var reversal = false
            var index = 0
            switch pick {
            case 0...2: entry = Entry(move: .receipt, from: nil, to: 0, amount: amount)
            case 3...5:
                entry = Entry(move: .allocation, from: Int.random(in: 0...1, using: &rng), to: 2, amount: amount)
                if entry.from == 1 { entry = Entry(move: .allocation, from: 0, to: 1, amount: amount) }
            case 6...7:
                entry = Entry(move: .expenditure, from: Int.random(in: 0...2, using: &rng), to: nil, amount: amount)
            default:
                guard !entries.isEmpty else { continue }
                index = Int.random(in: 0..<entries.count, using: &rng)
                entry = entries[index]; reversal = true
                if entry.reversed { continue }
            }
            do {
                let result = try FundLedger.post(
                    entry.move, amount: entry.amount, debit: entry.from.map { accounts[$0] },
                    credit: entry.to.map { accounts[$0] }, reversing: reversal)
                if let f = entry.from { accounts[f] = result.debit! }
                if let t = entry.to { accounts[t] = result.credit! }
                if reversal { entries[index].reversed = true } else { entries.append(entry) }
            } catch .insufficient(let available) {
                refused += 1
                // The refusal names what the giving side (or, reversing, the receiving side) holds.
                let side = reversal ? entry.to! : entry.from!
                #expect(available == accounts[side].balance)
            } catch { Issue.record("unexpected \(error)") }
            for (i, a) in accounts.enumerated() {
                #expect(a.balance >= .zero)
                let live = entries.filter { !$0.reversed }
                let received = live.filter { $0.to == i }.reduce(Money.zero) { $0 + $1.amount }
                let out = live.filter { $0.from == i }.reduce(Money.zero) { $0 + $1.amount }
                #expect(a.received == received && a.allocated + a.spent == out)
            }
        }
        #expect(refused > 0)
    }

    @Test func amountsAsTyped() {
        #expect(AmountInput.parse("1234.5") == Money(fen: 123_450))
        #expect(AmountInput.parse(" 10 ") == Money(yuan: 10))
        for bad in ["0", "0.00", "-5", "1.234", "abc", "", nil, "1e5", "100000000000"] as [String?] {
            #expect(AmountInput.parse(bad) == nil)
        }
        #expect(throws: LedgerProblem.nonPositiveAmount) {
            try FundLedger.post(.receipt, amount: .zero, debit: nil, credit: FundAccount())
        }
        #expect(FundLedger.dateFits(CivilDate(iso: "2026-03-31")!, year: 2025))
        #expect(!FundLedger.dateFits(CivilDate(iso: "2026-04-01")!, year: 2025))
        #expect(!FundLedger.dateFits(CivilDate(iso: "2024-12-31")!, year: 2025))
        #expect(
            FundLedger.mayAllocate(from: county, toUnit: township)
                && !FundLedger.mayAllocate(from: prefecture, toUnit: township))
        #expect(FundAccount(received: Money(yuan: 200), spent: Money(yuan: 50)).disbursementBP == 2_500)
    }

    @Test func projectProposalNeedsPerformanceTargets() throws {
        let p = ProjectProposal(
            name: "牦牛养殖", category: .industry, nature: .new, site: OrgCode("540102001201")!, startYear: 2026,
            endYear: 2027,
            budget: Money(yuan: 500_000), performanceTargets: "带动 30 户增收 2000 元", linkingMechanism: "分红",
            households: 40, people: 160, poorHouseholds: 30, poorPeople: 120)
        _ = try p.validated()
        var missing = p; missing.performanceTargets = ""
        #expect(throws: ProjectProposal.Problem.field("performance_targets")) { try missing.validated() }
        var poor = p; poor.poorPeople = 200
        #expect(throws: ProjectProposal.Problem.field("poor_people")) { try poor.validated() }
        var site = p; site.site = county
        #expect(throws: ProjectProposal.Problem.field("site")) { try site.validated() }
        #expect(ProjectStatus.after(steps: 5) == .inLibrary && ProjectStatus.after(steps: 9) == .announced)
        #expect(Workflows.project.steps.count == 9 && Workflows.project.steps[4].notice == .gonggao)
    }

    func facts(_ edit: (inout ComplianceFacts) -> Void) -> ComplianceFacts {
        var f = ComplianceFacts(cadres: [], households: [], unitsWithPoor: [])
        f.chain.today = CivilDate(iso: "2026-11-28")!
        f.funds.standards = [Standard(year: 2025, povertyLine: Money(yuan: 4000), dibaoLine: Money(yuan: 4000))]
        edit(&f)
        return f
    }

    /// R-07-2 and R-33-2: the last closed year (2025) against the one before.
    @Test func fundGrowth() {
        let f = facts { f in
            f.funds.received = [
                self.prefecture: [2024: Money(yuan: 100), 2025: Money(yuan: 99)],
                self.county: [2024: Money(yuan: 100), 2025: Money(yuan: 100)],
                self.township: [2025: Money(yuan: 5)],
            ]
            f.funds.aidReceived = [
                self.prefecture: [2024: Money(yuan: 10), 2025: Money(yuan: 11)], self.county: [2024: Money(yuan: 10)],
            ]
        }
        #expect(ComplianceRules.r07_2.check(f).map(\.subject) == ["funds:5401:2025"])
        #expect(ComplianceRules.r07_2.check(f).first?.details == ["2025", "99.00", "100.00"])
        // R-33-2 is the giver's, not the receiver's: nothing without the region's view of every giver.
        #expect(ComplianceRules.r33_2.check(f).isEmpty)
    }

    /// R-33-1: both 80% shares, thresholds from the standard.
    @Test func twoEightyPercent() {
        let f = facts { f in
            f.funds.aidReceived = [self.prefecture: [2025: Money(yuan: 100)], self.county: [2025: Money(yuan: 100)]]
            f.funds.aidUse = [
                self.prefecture: [
                    2025: .init(
                        toCountyAndBelow: Money(yuan: 79), spent: Money(yuan: 50), livelihoodSpent: Money(yuan: 40))
                ],
                self.county: [
                    2025: .init(
                        toCountyAndBelow: Money(yuan: 100), spent: Money(yuan: 100), livelihoodSpent: Money(yuan: 79))
                ],
            ]
        }
        #expect(
            ComplianceRules.r33_1.check(f).map(\.subject) == ["aid_county:5401:2025", "aid_livelihood:540102:2025"])
        var lower = f; lower.funds.standards[0].aidCountyBP = 7_900; lower.funds.standards[0].aidLivelihoodBP = 7_900
        #expect(ComplianceRules.r33_1.check(lower).isEmpty)
    }

    /// R-21-1, R-25-1 (from the facts the server gathers) and R-36-1 (rate against the year's standard).
    @Test func disclosureAndLoans() {
        let item = ComplianceFacts.Item(subject: "allocation:7", unit: county, details: ["2025"])
        let f = facts { f in
            f.funds.undisclosed = [item]; f.funds.lateDisclosures = [item]
            f.funds.loans = [
                .init(id: 1, village: OrgCode("540102001201")!, year: 2025, rateBP: 436, householdNumber: "H1"),
                .init(id: 2, village: OrgCode("540102001201")!, year: 2025, rateBP: 435, householdNumber: "H2"),
            ]
        }
        #expect(ComplianceRules.r21_1.check(f).map(\.subject) == ["allocation:7"])
        #expect(ComplianceRules.r25_1.check(f).map(\.article) == [25])
        #expect(ComplianceRules.r36_1.check(f).map(\.subject) == ["loan:1"])
        #expect(ComplianceRules.r36_1.check(f).first?.details == ["H1", "4.36%", "4.35%"])
        #expect(
            ComplianceRules.r21_1.check(facts { _ in }).isEmpty && ComplianceRules.r36_1.check(facts { _ in }).isEmpty)
        #expect(
            LoanTerms.isOverdue(
                start: CivilDate(iso: "2024-01-15")!, months: 24, outstanding: Money(yuan: 1),
                today: CivilDate(iso: "2026-01-16")!))
        #expect(
            !LoanTerms.isOverdue(
                start: CivilDate(iso: "2024-01-15")!, months: 24, outstanding: .zero,
                today: CivilDate(iso: "2026-11-16")!))
    }
}

extension FundsTests {
    @Test func disclosurePromptness() {
        let d = CivilDate(iso: "2026-01-01")!
        let p = LocalPractice()  // 30 days as shipped
        #expect(Disclosure.standing(decided: d, published: nil, today: d.adding(days: 30), practice: p) == .pending)
        #expect(Disclosure.standing(decided: d, published: nil, today: d.adding(days: 31), practice: p) == .missing)
        #expect(
            Disclosure.standing(decided: d, published: d.adding(days: 30), today: d.adding(days: 90), practice: p)
                == .inTime)
        #expect(
            Disclosure.standing(decided: d, published: d.adding(days: 31), today: d.adding(days: 90), practice: p)
                == .late)
        // Region HQ's 10 days: the 10th day is in time, the 11th is not.
        let ten = LocalPractice(values: [.disclosureDays: 10])
        #expect(Disclosure.standing(decided: d, published: nil, today: d.adding(days: 10), practice: ten) == .pending)
        #expect(Disclosure.standing(decided: d, published: nil, today: d.adding(days: 11), practice: ten) == .missing)
    }
}

@Suite struct ProjectStatusTests {
    @Test func finishedMeansBuilt() {
        #expect(ProjectStatus.allCases.filter(\.isFinished) == [.completed, .accepted, .announced])
    }
}

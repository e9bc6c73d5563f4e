import Testing
@testable import TuopinCore

/// Household exit as the national procedure and article 18 say (issue #25 items 1, 2, 13): the order of the
/// steps, the exit year's income counted over that year's household, and "稳定超过" — at the line is not above it.
@Suite struct HouseholdExitTests {
    let line = Money(yuan: 4_000)  // 2020's line in the defaults
    let met = Dictionary(uniqueKeysWithValues: GuaranteeKind.allCases.map { ($0, true) })
    func standard(_ year: Int) -> Standard? { Standard.defaults.first { $0.year == year } }
    func income(_ year: Int, fen: Int64, members: Int? = nil) -> IncomeFacts {
        IncomeFacts(
            year: year, wage: Money(fen: fen), business: .zero, property: .zero, transfer: .zero, costs: .zero,
            members: members)
    }
    func failures(_ incomes: [IncomeFacts], members: Int = 1, exitYear: Int = 2020, today: CivilDate? = nil)
        -> [ExitCriteria.HouseholdFailure]
    {
        ExitCriteria.household(
            incomes: incomes, members: members, guarantees: met, exitYear: exitYear,
            today: today ?? CivilDate(year: 2021, month: 2, day: 1)!, standard: standard)
    }

    @Test func incomeAtTheLineIsNotAboveIt() {
        #expect(!ExitCriteria.exceedsLine(line, line: line))
        #expect(ExitCriteria.exceedsLine(line + Money(fen: 1), line: line))
        #expect(!ExitCriteria.exceedsLine(line - Money(fen: 1), line: line))
        // Two people: 8,000.00 元 is exactly 4,000 each — refused; a fen more per person passes.
        #expect(failures([income(2020, fen: 800_000)], members: 2).count == 1)
        #expect(failures([income(2020, fen: 800_002)], members: 2).isEmpty)
        #expect(failures([income(2020, fen: 799_998)], members: 2).count == 1)
    }

    @Test func theExitYearsIncomeCountsNeverAnOlderOne() {
        // A good older year does not hide a poor exit year.
        let mixed = [income(2019, fen: 900_000), income(2020, fen: 300_000)]
        #expect(failures(mixed) == [.incomeBelowLine(year: 2020, perCapita: Money(yuan: 3_000), line: line)])
        // Only an older year recorded: no income of the exit year.
        #expect(failures([income(2018, fen: 900_000)]) == [.noIncomeRecord(year: 2020)])
        // While the exit year runs, the year before's counts; once it is over, it does not.
        let during = CivilDate(year: 2020, month: 12, day: 31)!, after = CivilDate(year: 2021, month: 1, day: 1)!
        #expect(failures([income(2019, fen: 900_000)], today: during).isEmpty)
        #expect(failures([income(2019, fen: 900_000)], today: after) == [.noIncomeRecord(year: 2020)])
        #expect(failures([income(2018, fen: 900_000)], today: during) == [.noIncomeRecord(year: 2020)])
        #expect(ExitCriteria.incomeYear(for: 2020, recorded: [2019, 2020], today: during) == 2020)
    }

    @Test func theHouseholdOfThatYearIsCounted() {
        // 10,000 元 over the 2 people of that year is above the line; over today's 3 it would not be.
        #expect(failures([income(2020, fen: 1_000_000, members: 2)], members: 3).isEmpty)
        #expect(failures([income(2020, fen: 1_000_000)], members: 3).count == 1)
    }

    @Test func theDataQualityCheckAsksTheSameQuestion() {
        let member = MemberFacts(name: "次仁", residentID: "540102199001011234", relation: .head)
        func flagged(_ fen: Int64) -> Bool {
            let h = HouseholdFacts(
                status: .exitedWithPolicy, members: [member], incomes: [income(2020, fen: fen)], guarantees: met)
            return DataQuality.check(h, today: CivilDate(year: 2021, month: 1, day: 1)!) { standard($0)?.povertyLine }
                .contains { $0.code == .exitIncome }
        }
        #expect(flagged(400_000) && flagged(399_999) && !flagged(400_001))
    }

    @Test func theStepsFollowTheNationalProcedure() {
        let wf = Workflows.householdExit
        #expect(
            wf.steps.map(\.action) == [
                "propose", "verify", "recordConsent", "publishVillageNotice", "reviewTownship", "approveCounty",
                "announce", "deregister", "filePrefecture",
            ])
        // The household may decline (ends the case), the township may refuse, the county decides, 销号 exits.
        #expect(wf.steps[2].canReject && wf.steps[4].canReject && wf.steps[5].canReject)
        #expect(wf.steps[5].effect == nil && wf.steps[6].notice == .gonggao && wf.steps[7].effect == .exitHousehold)
        #expect(wf.steps[8].rejectEffect == .reverseHouseholdExit && wf.steps[8].roles == [.prefectureOffice])
        #expect(
            wf.transition(.at(4), action: "approveCounty", by: .countyOffice, facts: StepFacts())
                == .failure(.outOfOrder(expected: "reviewTownship")))
        #expect(wf.transition(.at(4), action: "reviewTownship", by: .clerk, facts: StepFacts()) == .success(.at(5)))
        #expect(
            wf.transition(.at(6), action: "deregister", by: .countyOffice, facts: StepFacts())
                == .failure(.outOfOrder(expected: "announce")))
        // 销号 waits for the announcement to end.
        var running = StepFacts(); running.noticeEnded = false
        #expect(
            wf.transition(.at(7), action: "deregister", by: .countyOffice, facts: running)
                == .failure(.noticeRunning))
        #expect(
            wf.transition(.at(7), action: "deregister", by: .clerk, facts: StepFacts())
                == .failure(.wrongRole(allowed: [.countyOffice])))
        #expect(
            wf.transition(.at(8), action: "reject", by: .prefectureOffice, facts: StepFacts())
                == .success(.rejected(atStep: 8)))
        #expect(
            wf.transition(.at(7), action: "reject", by: .countyOffice, facts: StepFacts())
                == .failure(.cannotReject))
    }

    @Test func aReversedExitRestoresThePoorStatusItHad() {
        #expect(StepEffect.statusAfterReversedExit(before: .returnedToPoverty) == .returnedToPoverty)
        #expect(StepEffect.statusAfterReversedExit(before: .notExited) == .notExited)
        #expect(StepEffect.statusAfterReversedExit(before: .exitedWithPolicy) == .notExited)
        #expect(StepEffect.statusAfterReversedExit(before: nil) == .notExited)
    }

    @Test func casesOfTheOldOrderMoveToTheSameWorkDone() {
        #expect((0...7).map(Workflows.householdExitStep(fromOldStep:)) == [0, 1, 2, 3, 4, 5, 8, 9])
    }
}

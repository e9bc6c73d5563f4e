import Testing
@testable import TuopinCore

/// 三率一度 over people (issue #25 item 3): a county worked by hand, and every threshold at, just below and just
/// above its line, compared exactly (no rounding lets 2.9997% fail or 89.995% pass).
@Suite struct CountyExitTests {
    let standard = Standard.defaults.last!  // 3% incidence, 2% wrong exits, 2% missed, 90% recognition
    func survey(
        wrong: Int = 1, sampledExited: Int = 100, missed: Int = 1, sampledNonRegistered: Int = 200,
        approving: Int = 95, surveyed: Int = 100
    ) -> ExitCriteria.CountySurvey {
        ExitCriteria.CountySurvey(
            sampledExited: sampledExited, wronglyExited: wrong, sampledNonRegistered: sampledNonRegistered,
            missed: missed, surveyedHouseholds: surveyed, approving: approving)
    }

    /// By hand: 100,000 rural people; 10,000 exited; the sample finds 1 of 100 exited people wrongly exited (1%) and
    /// 1 of 200 non-registered people missed (0.5%). With 2,462 poor people left, 87,538 are not registered:
    /// 2,462 + 1% × 10,000 (100) + 0.5% × 87,538 (437.69) = 2,999.69 people, 2.99969% — below 3%, passes
    /// (a rate rounded to 3.00% would fail it). With 2,463: 2,463 + 100 + 437.685 = 3,000.685, 3.000685% — fails.
    @Test func aCountyWorkedByHand() {
        let passes = ExitCriteria.county(
            remainingPoor: 2_462, exitedPeople: 10_000, ruralPopulation: 100_000, survey: survey(), standard: standard)
        #expect(passes.failed.isEmpty)
        #expect(passes.estimatedWronglyExited == 100 && passes.estimatedMissed == 437 && passes.incidenceBP == 299)
        #expect(passes.wrongExitBP == 100 && passes.missedBP == 50 && passes.recognitionBP == 9_500)
        let fails = ExitCriteria.county(
            remainingPoor: 2_463, exitedPeople: 10_000, ruralPopulation: 100_000, survey: survey(), standard: standard)
        #expect(fails.failed == [.comprehensiveIncidence] && fails.incidenceBP == 300)
    }

    @Test func incidenceExactlyAtTheLineFails() {
        // No one missed: 2,900 + 1% × 10,000 = 3,000 of 100,000 is exactly 3% — not below it.
        let at = ExitCriteria.county(
            remainingPoor: 2_900, exitedPeople: 10_000, ruralPopulation: 100_000, survey: survey(missed: 0),
            standard: standard)
        #expect(at.failed == [.comprehensiveIncidence])
        let below = ExitCriteria.county(
            remainingPoor: 2_899, exitedPeople: 10_000, ruralPopulation: 100_000, survey: survey(missed: 0),
            standard: standard)
        #expect(below.failed.isEmpty)
    }

    @Test func ratesAtTheirLinesFailAndJustInsidePass() {
        func failed(_ s: ExitCriteria.CountySurvey) -> [ExitCriteria.CountyThreshold] {
            ExitCriteria.county(
                remainingPoor: 0, exitedPeople: 1_000, ruralPopulation: 100_000, survey: s, standard: standard
            ).failed
        }
        // 错退率 < 2%: 2 of 100 fails, 1,999 of 100,000 passes, 3 of 100 fails.
        #expect(failed(survey(wrong: 2)) == [.wrongExitRate])
        #expect(failed(survey(wrong: 1_999, sampledExited: 100_000)).isEmpty)
        #expect(failed(survey(wrong: 3)) == [.wrongExitRate])
        // 漏评率 < 2%: 4 of 200 fails, 3 of 200 passes, 5 of 200 fails.
        #expect(failed(survey(missed: 4)) == [.missedRate])
        #expect(failed(survey(missed: 3)).isEmpty)
        #expect(failed(survey(missed: 5)) == [.missedRate])
        // 认可度 ≥ 90%: 90 of 100 passes, 89.995% (17,999 of 20,000) fails, 91 passes.
        #expect(failed(survey(approving: 90)).isEmpty)
        #expect(failed(survey(approving: 17_999, surveyed: 20_000)) == [.recognition])
        #expect(failed(survey(approving: 91)).isEmpty)
        #expect(
            ExitCriteria.county(
                remainingPoor: 0, exitedPeople: 1_000, ruralPopulation: 100_000,
                survey: survey(approving: 17_999, surveyed: 20_000), standard: standard
            ).recognitionBP == 8_999)
        // No sample: nothing to measure is not a pass.
        #expect(failed(survey(wrong: 0, sampledExited: 0)) == [.wrongExitRate])
    }

    @Test func villageIncidenceComparesExactly() {
        let s = standard
        #expect(!ExitCriteria.village(remainingPoor: 30, ruralPopulation: 1_000, standard: s).passes)
        #expect(ExitCriteria.village(remainingPoor: 29, ruralPopulation: 1_000, standard: s).passes)
        // 2.9997%: below 3%, though a rate rounded to two decimals would read 3.00%.
        #expect(ExitCriteria.village(remainingPoor: 29_997, ruralPopulation: 1_000_000, standard: s).passes)
        #expect(!ExitCriteria.village(remainingPoor: 30_001, ruralPopulation: 1_000_000, standard: s).passes)
    }
}

/// 返贫 feeds the assessment (issue #25 item 5): the return rate over the households that had exited, scored from
/// full at 0% to nothing at 3% (local practice, editable per scheme).
@Suite struct ReturnRateTests {
    @Test func theReturnRateIsScoredAtItsBounds() {
        var i = AssessmentInputs()
        i.returned = 3; i.exitedHouseholds = 100
        #expect(IndicatorKey.returnRate.value(i)?.value == 300)
        let indicator = SchemeIndicator(key: .returnRate, name: "", weight: 400)
        #expect(indicator.score(300) == 0 && indicator.score(0) == 400 && indicator.score(150) == 200)
        #expect(indicator.score(299) > 0 && indicator.score(301) == 0)
        // Inputs frozen before the count existed: nothing to measure.
        #expect(IndicatorKey.returnRate.value(AssessmentInputs())?.value == nil)
    }
}

import Testing
@testable import TuopinCore

/// The annual assessment's arithmetic (article 40): each computed indicator from a hand-worked set
/// of inputs, the scoring between bounds, ranking with ties, grades and the scheme's checks.
@Suite struct AssessmentTests {
    /// One hand-worked unit: every input chosen so that each indicator's value can be worked on paper.
    static var inputs: AssessmentInputs {
        var i = AssessmentInputs()
        i.exits = 45; i.targetHouseholds = 50  // 90.00%
        i.identificationChecked = 40; i.identificationPassed = 39  // 97.50%
        i.exitChecked = 8; i.exitPassed = 7  // 87.50%
        i.survey = ExitCriteria.CountySurvey(
            sampledExited: 120, wronglyExited: 1, sampledNonRegistered: 80, missed: 2,
            surveyedHouseholds: 200, approving: 185)  // 0.83% (0.8333), 2.50%, 92.50%
        i.fundsSpent = 7_500_000; i.fundsHeld = 10_000_000  // 75.00%
        i.findingsDue = 6; i.findingsOnTime = 4  // 66.67% (66.666…)
        i.openViolations = 9; i.poorHouseholds = 360; i.pairedPoorHouseholds = 354  // 2.50 per 100; 98.33% (98.333…)
        i.lettersOwed = 12; i.lettersSigned = 11  // 91.67% (91.666…)
        i.reportsDue = 40; i.reportsOnTime = 37  // 92.50%
        i.households = 1_600; i.householdsWithFindings = 24  // 1.50%
        return i
    }

    @Test(arguments: [
        (IndicatorKey.exitTarget, 9_000, 45, 50), (.identificationAccuracy, 9_750, 39, 40),
        (.exitAccuracy, 8_750, 7, 8),
        (.missedRate, 250, 2, 80), (.wrongExitRate, 83, 1, 120), (.publicRecognition, 9_250, 185, 200),
        (.fundDisbursement, 7_500, 7_500_000, 10_000_000), (.onTimeRectification, 6_667, 4, 6),
        (.violationsPer100, 250, 9, 360),
        (.lettersSigned, 9_167, 11, 12), (.reportsOnTime, 9_250, 37, 40), (.pairingCoverage, 9_833, 354, 360),
        (.dataQualityErrorRate, 150, 24, 1_600),
    ])
    func eachComputedIndicatorFromHandWorkedInputs(key: IndicatorKey, value: Int, numerator: Int64, denominator: Int64)
    {
        #expect(key.value(Self.inputs) == IndicatorValue(value: value, numerator: numerator, denominator: denominator))
    }

    @Test func nothingToMeasureIsNoValue() {
        let empty = AssessmentInputs()
        #expect(IndicatorKey.exitTarget.value(empty)?.value == nil)
        #expect(IndicatorKey.missedRate.value(empty)?.value == nil)
        #expect(IndicatorKey.fundDisbursement.value(empty)?.value == nil)
        // No poor households left: no problems held against the unit.
        #expect(IndicatorKey.violationsPer100.value(empty)?.value == 0)
        #expect(IndicatorKey.entered.value(Self.inputs) == nil)
        #expect(IndicatorKey.allCases.filter(\.isComputed).count >= 11)
    }

    /// Scores by hand: weight 15 points, full at 100%, none at 50%: 90% earns 12.00; 97.5% 14.25;
    /// 40% nothing; above full the full weight. Lower is better for the rates: weight 7, full at 0,
    /// none at 2%: 0.83% earns 4.10 (7 × 117/200 = 4.095 → 4.10); 2.5% nothing.
    @Test func scoresBetweenTheBounds() {
        let exit = SchemeIndicator(key: .exitTarget, name: "", weight: 1_500)
        #expect(
            exit.score(9_000) == 1_200 && exit.score(9_750) == 1_425 && exit.score(4_000) == 0
                && exit.score(10_500) == 1_500 && exit.score(nil) == 0)
        let wrong = SchemeIndicator(key: .wrongExitRate, name: "", weight: 700)
        #expect(wrong.score(83) == 410 && wrong.score(250) == 0 && wrong.score(0) == 700)
        let violations = SchemeIndicator(key: .violationsPer100, name: "", weight: 600)
        #expect(violations.score(250) == 450)  // 6 × (1000 − 250) / 1000 = 4.50
    }

    @Test func ranksShareTiesAndGradesFollowTheBands() {
        #expect(
            AssessmentRules.ranks(["a": 9_000, "b": 9_500, "c": 9_000, "d": 7_000]) == ["b": 1, "a": 2, "c": 2, "d": 4])
        let bands = GradeBands()
        #expect([9_000, 8_999, 8_000, 6_000, 5_999].map { bands.grade($0) } == [.good, .fair, .fair, .average, .poor])
        #expect(GradeBands(good: 8_000, fair: 8_000, pass: 6_000).problem == "bands")
    }

    @Test func aSchemeAddsUpToOneHundredPoints() {
        let standard = AssessmentRules.defaultIndicators()
        #expect(AssessmentRules.schemeProblem(standard, bands: GradeBands()) == nil)
        #expect(standard.map(\.weight).reduce(0, +) == 10_000)
        var heavy = standard; heavy[0] = SchemeIndicator(key: .exitTarget, name: "", weight: 1_600)
        #expect(AssessmentRules.schemeProblem(heavy, bands: GradeBands()) == "weights")
        var twice = standard; twice[1] = SchemeIndicator(key: .exitTarget, name: "", weight: 800)
        #expect(AssessmentRules.schemeProblem(twice, bands: GradeBands()) == "indicators")
        var unnamed = standard; unnamed[13] = SchemeIndicator(key: .entered, name: "", weight: 500)
        #expect(AssessmentRules.schemeProblem(unnamed, bands: GradeBands()) == "indicators")
    }

    @Test func theSchemeStepsInOrder() {
        #expect(
            SchemeAction.allCases.map { "\($0.from.rawValue)→\($0.to.rawValue)" } == [
                "draft→published", "published→computed", "computed→ranked", "ranked→approved", "approved→distributed",
            ])
    }

    @Test func disputesCloseOnceAndFallOverdue() {
        #expect(DisputeRules.transition(.open, .mediate) == .mediating)
        #expect(DisputeRules.transition(.mediating, .resolve) == .resolved)
        #expect(DisputeRules.transition(.resolved, .mediate) == nil)
        let d = { CivilDate(iso: $0)! }
        #expect(DisputeRules.isOverdue(.mediating, deadline: d("2026-06-09"), today: d("2026-06-10")))
        #expect(!DisputeRules.isOverdue(.resolved, deadline: d("2026-06-09"), today: d("2026-06-10")))
        #expect(!DisputeRules.isOverdue(.open, deadline: d("2026-06-10"), today: d("2026-06-10")))
        #expect(
            ExitCriteria.CountySurvey(
                sampledExited: 10, wronglyExited: 0, sampledNonRegistered: 10, missed: 11, surveyedHouseholds: 5,
                approving: 5
            ).problem == "missed")
        #expect(
            ExitCriteria.CountySurvey(
                sampledExited: 1, wronglyExited: 0, sampledNonRegistered: 1, missed: 0, surveyedHouseholds: 5,
                approving: 6
            ).problem == "approving")
        #expect(
            SanctionMeasure.interview.kind == .penalty
                && SanctionKind.reward.measures == [.commendation, .award, .fundingPriority])
    }
}

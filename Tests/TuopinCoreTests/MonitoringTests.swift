import Testing

@testable import TuopinCore

/// 防返贫动态监测 (issue #26): the monitoring range, risk elimination and the two time limits, each turning
/// exactly at its figure.
@Suite struct MonitoringTests {
    let standard = MonitoringStandard(
        year: 2026, incomeLine: Money(yuan: 6_000), medicalThreshold: Money(yuan: 10_000),
        educationThreshold: Money(yuan: 8_000), lossThreshold: Money(yuan: 20_000))

    @Test func theGuidanceFloorIsOneAndAHalfTimesThe2020Line() {
        #expect(MonitoringStandard.guidanceFloor(povertyLine2020: Money(yuan: 4_000)) == Money(yuan: 6_000))
        #expect(MonitoringStandard.guidanceFloor(povertyLine2020: Money(fen: 1)) == Money(fen: 1))
        let shipped = MonitoringStandard.starting(year: 2021, povertyLine2020: Money(yuan: 4_000))
        #expect(shipped.incomeLine == Money(yuan: 6_000) && shipped.medicalThreshold == Money(yuan: 10_000))
        #expect((try? shipped.validated()) == shipped)
    }

    @Test func aStandardIsRefusedFieldByField() {
        var s = standard
        s.year = 2020
        #expect(throws: MonitoringStandard.Problem.field("year")) { try s.validated() }
        s = standard
        s.incomeLine = Money(fen: 0)
        #expect(throws: MonitoringStandard.Problem.field("monitoring_line")) { try s.validated() }
        s = standard
        s.lossThreshold = Money(fen: -1)
        #expect(throws: MonitoringStandard.Problem.field("loss_threshold")) { try s.validated() }
    }

    @Test func incomeBelowTheLineIsInRangeAtTheLineIsNot() {
        let line = standard.incomeLine
        let below = MonitoringRange.reasons(.init(perCapitaIncome: Money(fen: line.fen - 1)), standard: standard)
        #expect(below == [.incomeBelowLine(perCapita: Money(fen: line.fen - 1), line: line)])
        #expect(MonitoringRange.reasons(.init(perCapitaIncome: line), standard: standard).isEmpty)
        #expect(MonitoringRange.reasons(.init(perCapitaIncome: Money(fen: line.fen + 1)), standard: standard).isEmpty)
        // No income recorded: the rule has nothing to judge by (the data-quality check asks for one).
        #expect(MonitoringRange.reasons(.init(perCapitaIncome: nil), standard: standard).isEmpty)
    }

    @Test(arguments: ["medical", "education", "loss"])
    func hardSpendingAboveItsThresholdIsInRangeAtItIsNot(_ kind: String) {
        let t =
            switch kind {
            case "medical": standard.medicalThreshold
            case "education": standard.educationThreshold
            default: standard.lossThreshold
            }
        func figures(_ m: Money) -> MonitoringRange.Figures {
            var f = MonitoringRange.Figures(perCapitaIncome: Money(yuan: 9_000))
            switch kind {
            case "medical": f.medical = m
            case "education": f.education = m
            default: f.loss = m
            }
            return f
        }
        #expect(MonitoringRange.reasons(figures(Money(fen: t.fen - 1)), standard: standard).isEmpty)
        #expect(MonitoringRange.reasons(figures(t), standard: standard).isEmpty)
        let above = MonitoringRange.reasons(figures(Money(fen: t.fen + 1)), standard: standard)
        #expect(above.count == 1)
        #expect(MonitoringRange.suggestedKind(status: .applicant, reasons: above) == .sudden)
    }

    @Test func theSuggestedKindFollowsStatusAndReason() {
        let low = MonitoringRange.reasons(.init(perCapitaIncome: Money(yuan: 5_000)), standard: standard)
        #expect(MonitoringRange.suggestedKind(status: .exitedWithPolicy, reasons: low) == .unstable)
        #expect(MonitoringRange.suggestedKind(status: .exitedWithoutPolicy, reasons: low) == .unstable)
        #expect(MonitoringRange.suggestedKind(status: .applicant, reasons: low) == .edge)
        #expect(MonitoringRange.suggestedKind(status: .exitedWithPolicy, reasons: []) == nil)
    }

    @Test func riskTypesAreStoredInOneOrderOnce() {
        #expect(RiskType.stored([.disaster, .illness, .disaster]) == "illness;disaster")
        #expect(RiskType.parse(list: "disaster;illness;flood") == [.illness, .disaster])
        #expect(RiskType.parse(list: "") == [])
        #expect(RiskType(label: "因意外事故") == .accident && MonitoringKind(label: "边缘易致贫户") == .edge)
    }

    // MARK: Risk elimination, a hand-worked household

    /// A household of four: 2025 net 26,000 元 (6,500 a head), 2026 net 24,004 元 (6,001 a head); the
    /// monitoring lines 6,000 元 both years; every guarantee met; its one risk (illness) resolved.
    let today = CivilDate(year: 2026, month: 12, day: 8)!
    func incomes(_ net2026: Int64) -> [IncomeFacts] {
        [
            IncomeFacts(
                year: 2025, wage: Money(yuan: 20_000), business: Money(yuan: 6_000), property: Money(yuan: 0),
                transfer: Money(yuan: 0), costs: Money(yuan: 0), members: 4),
            IncomeFacts(
                year: 2026, wage: Money(yuan: net2026), business: Money(yuan: 0), property: Money(yuan: 0),
                transfer: Money(yuan: 0), costs: Money(yuan: 0), members: 4),
        ]
    }
    var allMet: [GuaranteeKind: Bool] { Dictionary(uniqueKeysWithValues: GuaranteeKind.allCases.map { ($0, true) }) }
    func failures(
        _ incomes: [IncomeFacts], guarantees: [GuaranteeKind: Bool]? = nil, risks: [RiskType: Bool] = [.illness: true],
        years: Int = 1
    ) -> [RiskElimination.Failure] {
        RiskElimination.failures(
            incomes: incomes, members: 4, guarantees: guarantees ?? allMet, risks: risks, stableYears: years,
            today: today, standard: { MonitoringStandard.starting(year: $0, povertyLine2020: Money(yuan: 4_000)) })
    }

    @Test func aHouseholdAboveTheLineWithEverythingMetMayLeave() {
        #expect(failures(incomes(24_004)).isEmpty)
        #expect(failures(incomes(24_004), years: 2).isEmpty)
    }

    @Test func atTheLineIsNotAbove() {
        // 24,000 / 4 = 6,000 a head: at the line, not above it; 24,004 → 6,001 is above.
        #expect(
            failures(incomes(24_000)) == [
                .incomeNotAboveLine(year: 2026, perCapita: Money(yuan: 6_000), line: Money(yuan: 6_000))
            ])
        #expect(failures(incomes(23_996)).count == 1)
    }

    @Test func stableYearsCountBackFromTheLatestRecordedIncome() {
        // Two years asked, the earlier one's income missing.
        #expect(failures([incomes(24_004)[1]], years: 2) == [.noIncome(year: 2025)])
        // This year's income not recorded yet: last year's is the latest and counts.
        #expect(failures([incomes(24_004)[0]], years: 1).isEmpty)
        #expect(RiskElimination.years(recorded: [2025], stableYears: 3, today: today) == [2025, 2024, 2023])
        #expect(RiskElimination.years(recorded: [2026], stableYears: 1, today: today) == [2026])
    }

    @Test func guaranteesAndRisksStopTheElimination() {
        var guarantees = allMet
        guarantees[.water] = false
        guarantees[.housing] = nil
        #expect(
            failures(incomes(24_004), guarantees: guarantees) == [
                .guaranteeUnknown(.housing), .guaranteeNotMet(.water),
            ])
        #expect(failures(incomes(24_004), risks: [.illness: true, .disaster: false]) == [.riskOpen(.disaster)])
    }

    // MARK: Time limits

    let reported = CivilDate(year: 2026, month: 11, day: 1)!

    @Test func identificationIsInTimeOnItsLastDayAndLateTheDayAfter() {
        let due = MonitoringDeadlines.identificationDue(reported: reported, days: 15)
        #expect(due == CivilDate(year: 2026, month: 11, day: 16)!)
        #expect(!MonitoringDeadlines.identificationLate(reported: reported, decided: nil, today: due, days: 15))
        #expect(
            MonitoringDeadlines.identificationLate(
                reported: reported, decided: nil, today: due.adding(days: 1), days: 15))
        #expect(
            !MonitoringDeadlines.identificationLate(
                reported: reported, decided: due.adding(days: -1), today: today, days: 15))
        // Decided late stays late, whatever today is.
        #expect(
            MonitoringDeadlines.identificationLate(
                reported: reported, decided: due.adding(days: 1), today: due, days: 15))
    }

    @Test func aMonitoredHouseholdWithoutMeasuresPastTheLimitIsAViolation() {
        let confirmed = reported
        let last = confirmed.adding(days: 30)
        #expect(!MonitoringDeadlines.withoutAssistance(confirmed: confirmed, firstMeasure: nil, today: last, days: 30))
        #expect(
            MonitoringDeadlines.withoutAssistance(
                confirmed: confirmed, firstMeasure: nil, today: last.adding(days: 1), days: 30))
        #expect(
            !MonitoringDeadlines.withoutAssistance(
                confirmed: confirmed, firstMeasure: last.adding(days: 5), today: last.adding(days: 9), days: 30))
        #expect(!MonitoringDeadlines.measureLate(confirmed: confirmed, firstMeasure: last, days: 30))
        #expect(MonitoringDeadlines.measureLate(confirmed: confirmed, firstMeasure: last.adding(days: 1), days: 30))
    }
}

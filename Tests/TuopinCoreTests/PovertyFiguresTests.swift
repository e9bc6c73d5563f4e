import Testing
@testable import TuopinCore

@Suite struct PovertyFiguresTests {
    /// A village of 8 households worked by hand:
    /// - 2 未脱贫 identified 2015 (3 + 4 people), 1 返贫 identified 2016 that had exited in 2017 (5 people)
    /// - 3 已脱贫享受政策 identified 2015, exited 2017 (2 + 2 + 2 people, one cell)
    /// - 1 已脱贫不再享受政策 identified 2016, exited 2018 (6 people)
    /// - 1 监测对象 identified 2019 (4 people)
    let cells = [
        RollupCell(status: "notExited", identifiedYear: 2015, exitYear: 0, households: 2, people: 7),
        RollupCell(status: "returnedToPoverty", identifiedYear: 2016, exitYear: 2017, households: 1, people: 5),
        RollupCell(status: "exitedWithPolicy", identifiedYear: 2015, exitYear: 2017, households: 3, people: 6),
        RollupCell(status: "exitedWithoutPolicy", identifiedYear: 2016, exitYear: 2018, households: 1, people: 6),
        RollupCell(status: "applicant", identifiedYear: 2019, exitYear: 0, households: 1, people: 4),
    ]

    @Test func figuresCountEachStatusOnce() {
        let f = PovertyFigures(cells: cells)
        #expect(f.registered == HeadCount(households: 7, people: 24))
        #expect(f.exited == HeadCount(households: 4, people: 12))
        #expect(f.remaining == HeadCount(households: 3, people: 12))
        #expect(f.applicants == HeadCount(households: 1, people: 4))
        // 12 remaining poor of 400 rural people: 3.00%; no population kept: no incidence.
        #expect(f.incidenceBP(ruralPopulation: 400) == 300)
        #expect(f.incidenceBP(ruralPopulation: 0) == nil)
        #expect(f.incidenceBP(ruralPopulation: nil) == nil)
        // Rounded to the nearest basis point: 12 of 7 000 = 0.1714% → 17.
        #expect(f.incidenceBP(ruralPopulation: 7_000) == 17)
    }

    @Test func onlyMonitoredHouseholdsAreNotRegistered() {
        #expect(HouseholdStatus.allCases.filter { !$0.isRegistered } == [.applicant])
    }

    @Test func exitsRecordedCountEveryRegisteredHouseholdWithThatExitYear() {
        // 2017: the 返贫 household (5) and the three 已脱贫享受政策 (6); 2018: one household of 6.
        #expect(PovertyFigures.exitsRecorded(in: 2017, cells) == HeadCount(households: 4, people: 11))
        #expect(PovertyFigures.exitsRecorded(in: 2018, cells) == HeadCount(households: 1, people: 6))
        #expect(PovertyFigures.exitsRecorded(in: 2019, cells) == HeadCount())
        // An applicant with an exit year is not an exit.
        let applicants = [
            RollupCell(status: "applicant", identifiedYear: 2015, exitYear: 2019, households: 2, people: 5)
        ]
        #expect(PovertyFigures.exitsRecorded(in: 2019, applicants) == HeadCount())
    }

    @Test func byYearCountsExitsAndThePoorLeftAtEachYearsEnd() {
        let years = PovertyFigures.byYear(cells, years: 2014...2019)
        #expect(years.map(\.year) == [2014, 2015, 2016, 2017, 2018, 2019])
        #expect(years.map(\.exited.households) == [0, 0, 0, 3, 1, 0])
        #expect(years.map(\.exited.people) == [0, 0, 0, 6, 6, 0])
        // 2015: 2 + 3 identified that year; 2016: + the 返贫 household and the one exiting in 2018;
        // 2017: the three exits leave 2 + 1 + 1; 2018: 2 + 1 (the 返贫 household counts as poor throughout).
        #expect(years.map(\.remaining.households) == [0, 5, 7, 4, 3, 3])
        #expect(years.map(\.remaining.people) == [0, 13, 24, 18, 12, 12])
        // Charts start at the first identification, ten years at most.
        #expect(PovertyFigures.chartYears(cells, through: 2019) == 2015...2019)
        #expect(PovertyFigures.chartYears(cells, through: 2030) == 2021...2030)
        #expect(PovertyFigures.chartYears([], through: 2026) == 2026...2026)
        // The last year's remaining figure is the current one.
        #expect(years.last!.remaining == PovertyFigures(cells: cells).remaining)
    }
}

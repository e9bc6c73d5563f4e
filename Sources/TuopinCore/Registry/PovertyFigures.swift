/// The registry's figures for a unit, computed from roll-up cells (households and people counted
/// by status, year identified and year of exit) instead of from the households themselves.

/// One roll-up cell: the households (and their people) of one status, identified in one year and
/// exited in one year (0: no exit year recorded).
public struct RollupCell: Sendable, Equatable, Codable {
    public let status: String
    public let identifiedYear: Int
    public let exitYear: Int
    public let households: Int
    public let people: Int
    public init(status: String, identifiedYear: Int, exitYear: Int, households: Int, people: Int) {
        self.status = status; self.identifiedYear = identifiedYear; self.exitYear = exitYear
        self.households = households; self.people = people
    }
}

/// Households and people, counted together.
public struct HeadCount: Sendable, Equatable, Codable {
    public var households: Int
    public var people: Int
    public init(households: Int = 0, people: Int = 0) { self.households = households; self.people = people }
    public static func + (a: HeadCount, b: HeadCount) -> HeadCount {
        HeadCount(households: a.households + b.households, people: a.people + b.people)
    }
}

public struct PovertyFigures: Sendable, Equatable, Codable {
    /// Every household on the registry (建档立卡) but those only watched (监测对象).
    public var registered = HeadCount()
    /// 已脱贫 (with or without policy).
    public var exited = HeadCount()
    /// 未脱贫 and 返贫: the remaining poor.
    public var remaining = HeadCount()
    /// 监测对象.
    public var applicants = HeadCount()

    public init() {}

    public init(cells: [RollupCell]) {
        for cell in cells {
            let count = HeadCount(households: cell.households, people: cell.people)
            guard let status = HouseholdStatus(rawValue: cell.status) else { continue }
            guard status.isRegistered else { applicants = applicants + count; continue }
            registered = registered + count
            if status.hasExited { exited = exited + count }
            if status.isRemainingPoor { remaining = remaining + count }
        }
    }

    /// Poverty incidence (贫困发生率) in basis points: remaining poor people of the rural population.
    public func incidenceBP(ruralPopulation: Int?) -> Int? {
        Self.incidenceBP(poorPeople: remaining.people, ruralPopulation: ruralPopulation)
    }

    public static func incidenceBP(poorPeople: Int, ruralPopulation: Int?) -> Int? {
        guard let population = ruralPopulation, population > 0 else { return nil }
        return Int((Int64(poorPeople) * 20_000 + Int64(population)) / (Int64(population) * 2))
    }

    /// The years a chart shows: from the first year any household was identified, at most the
    /// last ten years, through `year`.
    public static func chartYears(_ cells: [RollupCell], through year: Int) -> ClosedRange<Int> {
        let first = cells.map(\.identifiedYear).filter { $0 > 0 }.min() ?? year
        return min(max(first, year - 9), year)...year
    }

    /// The households (other than those only applying for identification) whose recorded exit year is `year`: the
    /// exits that progress reports and annual plans count.
    public static func exitsRecorded(in year: Int, _ cells: [RollupCell]) -> HeadCount {
        cells.reduce(HeadCount()) { sum, cell in
            cell.exitYear == year && (HouseholdStatus(rawValue: cell.status)?.isRegistered ?? false)
                ? sum + HeadCount(households: cell.households, people: cell.people) : sum
        }
    }

    /// One year's exits and the remaining poor at its end.
    public struct Year: Sendable, Equatable, Codable {
        public let year: Int
        public let exited: HeadCount
        public let remaining: HeadCount
    }

    /// Exits in each year and the poor remaining at each year's end, from `years.lowerBound` to
    /// `years.upperBound`. A household counts as poor at the end of year Y when it was identified
    /// by Y and had not exited by Y (an exited household without an exit year counts as exited
    /// since before the range); 监测对象 are never counted. For the last year of the range the
    /// remaining figure equals `remaining` whenever no household is identified after it.
    public static func byYear(_ cells: [RollupCell], years: ClosedRange<Int>) -> [Year] {
        years.map { year in
            var exited = HeadCount(), remaining = HeadCount()
            for cell in cells {
                guard let status = HouseholdStatus(rawValue: cell.status), status.isRegistered else { continue }
                let count = HeadCount(households: cell.households, people: cell.people)
                if status.hasExited && cell.exitYear == year { exited = exited + count }
                guard cell.identifiedYear <= year else { continue }
                let hadExited = status.hasExited && (cell.exitYear == 0 || cell.exitYear <= year)
                if !hadExited { remaining = remaining + count }
            }
            return Year(year: year, exited: exited, remaining: remaining)
        }
    }
}

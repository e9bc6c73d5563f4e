/// The two time limits of the mechanism, each a local-practice standard (their numbers come from the
/// national guidance, not from the 45 articles): a report is decided by the county within
/// `identificationDays` of the first report, and a confirmed monitoring object has at least one
/// assistance measure within `assistanceDays` of its confirmation.
public enum MonitoringDeadlines {
    /// Whether the identification of a report of `reported` is past its limit on `today` (still open) or
    /// was decided late (`decided`): more than `days` days after the report. Day `days` itself is in time.
    public static func identificationLate(reported: CivilDate, decided: CivilDate?, today: CivilDate, days: Int)
        -> Bool
    {
        (decided ?? today).daysSince(reported) > days
    }

    /// The last day an identification reported on `reported` may be decided.
    public static func identificationDue(reported: CivilDate, days: Int) -> CivilDate { reported.adding(days: days) }

    /// Whether a monitoring object confirmed on `confirmed` is without assistance past its limit on `today`:
    /// no measure yet and more than `days` days since the confirmation. A measure started late ends the
    /// violation (it is then on record as started late, see `measureLate`).
    public static func withoutAssistance(confirmed: CivilDate, firstMeasure: CivilDate?, today: CivilDate, days: Int)
        -> Bool
    {
        firstMeasure == nil && today.daysSince(confirmed) > days
    }

    /// Whether the first measure came later than the limit.
    public static func measureLate(confirmed: CivilDate, firstMeasure: CivilDate, days: Int) -> Bool {
        firstMeasure.daysSince(confirmed) > days
    }
}

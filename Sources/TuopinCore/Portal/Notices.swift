import Foundation

/// Objections on the public portal (articles 25 and 30: the announcement system and village supervision): anyone
/// may file, at most `perHour` per client.
public enum ObjectionRule {
    public static let perHour = 5

    /// Article 30 (issue #25 item 9): a village supervisor's observation, like an objection, is filed open and
    /// holds the next step until the publishing level answers it.
    public static func initialStatus(_ kind: ObjectionKind) -> ObjectionStatus { .open }

    /// The publishing level's decisions: an objection is accepted (the case goes back) or rejected; an observation
    /// is answered.
    public static func decisions(for kind: ObjectionKind) -> [String] {
        kind == .objection ? ["accept", "reject"] : ["answer"]
    }

    /// The status a decision leaves.
    public static func status(after decision: String) -> ObjectionStatus? {
        switch decision {
        case "accept": .accepted
        case "reject": .rejected
        case "answer": .noted
        default: nil
        }
    }
}

/// A public notice's period (公示期): starts today or later, lasts at least the year's minimum
/// number of days (start and end day included), and at most 60 days.
public enum NoticePeriod {
    public enum Problem: Error, Equatable, Sendable { case startInPast, tooShort(minDays: Int), tooLong }

    public static func validate(start: CivilDate, end: CivilDate, today: CivilDate, minDays: Int) throws(Problem) {
        guard start >= today else { throw .startInPast }
        let days = end.daysSince(start) + 1
        guard days >= minDays else { throw .tooShort(minDays: minDays) }
        guard days <= 60 else { throw .tooLong }
    }

    /// The next step may be taken once the notice has ended: from the day after its end date.
    public static func hasEnded(end: CivilDate, today: CivilDate) -> Bool { today > end }

    /// The first day the next step may be taken: the day after the notice's end date.
    public static func firstActionDay(end: CivilDate) -> CivilDate { end.adding(days: 1) }
}

/// What someone filed against a public notice: an objection (异议) that must be decided before the
/// case moves on, or an observation (意见) that is only noted.
public enum ObjectionKind: String, Sendable, Codable, CaseIterable { case objection, observation }

/// Where a filed objection stands: an objection is open until decided (accepted: the case goes back;
/// rejected: it goes on); an observation is open until answered (noted).
public enum ObjectionStatus: String, Sendable, Codable, CaseIterable { case open, noted, accepted, rejected }

import Foundation
import TuopinCore
import Vapor

/// The app's time: `now` (injected by `configure`; tests move it by hand) and what day and hour it
/// is in the offices, which keep Beijing time (Asia/Shanghai) the year round.
struct Clock: Sendable {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian); c.timeZone = zone; return c
    }()

    let now: @Sendable () -> Date

    /// Today in Beijing time.
    var today: CivilDate { Self.day(of: now()) }

    /// The Beijing-time day an instant falls on.
    static func day(of date: Date) -> CivilDate {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// The first instant of a Beijing-time day (`plusDays` later).
    static func start(of day: CivilDate, plusDays: Int = 0) -> Date {
        var c = DateComponents(); c.year = day.year; c.month = day.month; c.day = day.day + plusDays
        return calendar.date(from: c)!
    }

    /// `2026-11-18 19:06`, Beijing time.
    static func minute(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm") }

    /// `2026-11-18 19:06:05`, Beijing time.
    static func second(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm:ss") }

    /// A time the audit log recorded (ISO 8601, UTC), in Beijing time to the second; text that is
    /// not such a time is shown as it is.
    static func second(logged at: String) -> String {
        let f = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
        ] {
            f.formatOptions = options
            if let date = f.date(from: at) { return second(date) }
        }
        return at
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = zone; f.dateFormat = pattern
        return f.string(from: date)
    }
}

extension Application {
    var clock: Clock { Clock(now: tuopin.now) }
}

extension Request {
    var clock: Clock { application.clock }
}

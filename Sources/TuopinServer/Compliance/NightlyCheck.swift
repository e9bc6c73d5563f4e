import Foundation
import TuopinCore
import Vapor

/// The server checks every household's data quality and every rule over the whole region each
/// night at 02:00 Beijing time (besides the checks after writes),
/// so that violations that arise with the calendar — a report falling
/// due, a new year's letter — appear without anyone saving anything. Off with
/// `TUOPIN_NIGHTLY_CHECK=0` (for all but one instance when several serve the same database).
struct NightlyCheckLifecycle: LifecycleHandler {
    static let hour = 2

    /// The next 02:00 in Asia/Shanghai strictly after `date`.
    static func nextRun(after date: Date) -> Date {
        Clock.calendar.nextDate(
            after: date, matching: DateComponents(hour: hour, minute: 0, second: 0), matchingPolicy: .nextTime)!
    }

    func didBootAsync(_ app: Application) async throws {
        let task = Task {
            while !Task.isCancelled {
                let now = app.tuopin.now()
                let wait = Self.nextRun(after: now).timeIntervalSince(now)
                try? await Task.sleep(for: .seconds(wait))
                if Task.isCancelled { break }
                let started = Date()
                do {
                    // Data quality first (a year's rules change with the date), then the articles.
                    let quality = try await QualityService.checkAll(app: app, unit: nil)
                    app.logger.notice("nightly data-quality check: \(quality.households) households")
                    let summary = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
                    let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
                    app.logger.notice(
                        """
                        nightly compliance check: \(summary.found) open, \(summary.opened) new, \
                        \(summary.resolved) resolved in \(seconds) s
                        """
                    )
                } catch {
                    app.logger.error("nightly compliance check: \(error)")
                }
            }
        }
        app.storage[TaskKey.self] = task
    }

    func shutdownAsync(_ app: Application) async { app.storage[TaskKey.self]?.cancel() }

    private struct TaskKey: StorageKey { typealias Value = Task<Void, Never> }
}

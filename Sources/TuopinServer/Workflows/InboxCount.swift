import NIOConcurrencyHelpers
import TuopinCore
import Vapor

/// The number of cases ready for the user now (their next step is the user's and nothing makes it
/// wait), shown on the 待办 menu item of every page. Counted at most every 30 seconds per user, and
/// again at once after the user sends a form (`FormFlow`), so that a page view costs no query most
/// of the time.
enum InboxCount {
    static let freshFor: TimeInterval = 30

    struct Cache: Sendable {
        let box = NIOLockedValueBox<[Int: (count: Int, at: Date)]>([:])
    }
    private struct CacheKey: StorageKey { typealias Value = Cache }

    /// Made once at start-up (`configure`), before requests are served.
    static func install(_ app: Application) { app.storage[CacheKey.self] = Cache() }

    static func cache(_ app: Application) -> Cache { app.storage[CacheKey.self] ?? Cache() }

    /// The count for the signed-in user, or nil for a user who acts in no workflow.
    static func of(_ req: Request) async throws -> Int? {
        guard let user = req.auth.get(CurrentUser.self), user.stage == .full else { return nil }
        let roles = Set(user.scope.roles)
        guard Workflows.all.contains(where: { wf in wf.steps.contains { !$0.roles.isDisjoint(with: roles) } }) else {
            return nil
        }
        let key = user.id.rawValue, now = req.tuopin.now()
        let box = cache(req.application).box
        if let hit = box.withLockedValue({ $0[key] }), now.timeIntervalSince(hit.at) < freshFor { return hit.count }
        let cases = try await CaseController.cases(req, user: user, awaiting: true, limit: 500)
        let waiting = try await CaseWaiting.of(cases, on: req.data, today: req.clock.today)
        let count = cases.count { waiting[$0.id!] == nil }
        box.withLockedValue { $0[key] = (count, now) }
        return count
    }

    /// After the user changed something: the next page counts again.
    static func forget(_ req: Request) {
        guard let user = req.auth.get(CurrentUser.self) else { return }
        _ = cache(req.application).box.withLockedValue { $0.removeValue(forKey: user.id.rawValue) }
    }
}

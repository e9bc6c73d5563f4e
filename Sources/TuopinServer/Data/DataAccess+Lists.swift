import Fluent
import TuopinCore
import Vapor

/// Reads the list pages and small API answers make about records the caller already holds.
extension DataAccess {
    /// The heads' names of households the caller listed through `households()`, by household id.
    func headNames(ofHouseholds ids: [RowID<Household>]) async throws -> [RowID<Household>: String] {
        let heads = try await Member.query(on: db).filter(\.$household.$id ~~ ids).filter(\.$relation == .head).all()
        return Dictionary(heads.map { ($0.$household.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// A spot check in the caller's scope with its cases and results.
    func spotCheckSummary(id: RowID<SpotCheckRecord>) async throws -> SpotCheckService.Summary {
        try await SpotCheckService.summary(try await spotCheck(id: id), on: self)
    }

    /// The signed-in user's own sessions.
    func sessions(of user: CurrentUser, now: Date) async throws -> [AuthService.SessionView] {
        try await AuthService.sessions(of: user, on: self, now: now)
    }
}

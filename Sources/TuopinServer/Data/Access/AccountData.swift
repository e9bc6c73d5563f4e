import Fluent
import TuopinCore
import Vapor

/// The named unscoped access sign-in needs before anyone is known (issue #23): a user by username or
/// id with their role bindings, and a live-looking session by its token's hash. Scope does not apply
/// here — the answers decide who the caller is.
struct AccountData: Sendable {
    let db: any Database

    func user(named username: String) async throws -> User? {
        try await User.query(on: db).filter(\.$username == username).with(\.$bindings).first()
    }

    func user(id: RowID<User>) async throws -> User? {
        try await User.query(on: db).filter(\.$id == id).with(\.$bindings).first()
    }

    /// The session a token opens, if it has not been ended (expiry and idle time are the caller's).
    func openSession(tokenHash: String) async throws -> UserSession? {
        try await UserSession.query(on: db).filter(\.$tokenHash == tokenHash).filter(\.$endedAt == nil).first()
    }
}

extension Application {
    var accountData: AccountData { AccountData(db: db) }
}

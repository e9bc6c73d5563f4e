import Fluent
import SQLKit
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
}

extension Application {
    var accountData: AccountData { AccountData(db: db) }
}

extension AccountData {
    /// A session that has not been ended with its user and role bindings, read as plain rows (every
    /// request signs in through this; two queries instead of four model loads).
    struct OpenSession: Sendable {
        let sessionID: RowID<UserSession>; let kind: String; let stage: String
        let createdAt: Date; let expiresAt: Date; let lastSeenAt: Date?
        let userID: RowID<User>; let username: String; let displayName: String; let active: Bool
        let passwordChangedAt: Date?
        let bindings: [(role: Role, unitCode: String)]
    }

    /// The session a token opens, if it has not been ended (expiry and idle time are the caller's).
    func openSession(signingIn tokenHash: String) async throws -> OpenSession? {
        struct Row: Decodable {
            let id: RowID<UserSession>; let kind: String; let stage: String
            let created_at: Date; let expires_at: Date; let last_seen_at: Date?
            let user_id: RowID<User>; let username: String; let display_name: String; let active: Bool
            let password_changed_at: Date?
        }
        struct Binding: Decodable { let role: String; let unit_code: String }
        let sql = db.sqlDatabase
        let s = UserSession.schema, u = User.schema
        guard
            let row = try await sql.select()
                .columns(
                    SQLColumn("id", table: s), SQLColumn("kind", table: s), SQLColumn("stage", table: s),
                    SQLColumn("created_at", table: s), SQLColumn("expires_at", table: s),
                    SQLColumn("last_seen_at", table: s), SQLColumn("user_id", table: s),
                    SQLColumn("username", table: u), SQLColumn("display_name", table: u),
                    SQLColumn("active", table: u), SQLColumn("password_changed_at", table: u)
                )
                .from(s).join(u, on: SQLColumn("id", table: u), .equal, SQLColumn("user_id", table: s))
                .where(SQLColumn("token_hash", table: s), .equal, SQLBind(tokenHash))
                .where(SQLColumn("ended_at", table: s), .is, SQLLiteral.null)
                .first(decoding: Row.self)
        else { return nil }
        let bindings = try await sql.select().columns("role", "unit_code").from(RoleBindingRecord.schema)
            .where("user_id", .equal, SQLBind(row.user_id)).orderBy("id").all(decoding: Binding.self)
        return OpenSession(
            sessionID: row.id, kind: row.kind, stage: row.stage, createdAt: row.created_at,
            expiresAt: row.expires_at, lastSeenAt: row.last_seen_at, userID: row.user_id, username: row.username,
            displayName: row.display_name, active: row.active, passwordChangedAt: row.password_changed_at,
            // A binding with a role this version does not know grants nothing.
            bindings: bindings.compactMap { b in Role(rawValue: b.role).map { ($0, b.unit_code) } })
    }
}

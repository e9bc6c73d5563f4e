import Crypto
import Fluent
import Foundation
import TuopinCore
import Vapor

/// Log in, log out and API tokens. Each state change is one transaction with its audit entry.
enum AuthService {
    static let webSessionLifetime: TimeInterval = 12 * 3600
    static let apiTokenLifetime: TimeInterval = 24 * 3600
    static let policy = LoginPolicy()

    enum Kind: String { case web, api }

    /// A session that has passed the password but not yet the second factor (or must still enrol) lasts this long.
    static let pendingLifetime: TimeInterval = 10 * 60

    /// Checks the password under the lockout policy; on success opens a session and returns its secret token.
    /// A web login of a user with two factors opens a `secondFactor` session (only the code page is
    /// open); one whose role requires two factors but who has not enrolled opens an `enrol` session.
    /// An API login of a user with two factors needs `oneTimeCode` (a code or a recovery code) in the same call.
    static func login(
        app: Application, username: String, password: String, kind: Kind, replacing oldToken: String?,
        oneTimeCode: String? = nil
    ) async throws -> (token: String, stage: SessionStage) {
        let now = app.tuopin.now()
        // No username holds a control character; PostgreSQL refuses NUL in a query, so such a name
        // is not looked up and is answered as an unknown one (found by the API fuzzing).
        let plausible = !username.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        guard plausible, let user = try await app.accountData.user(named: username), user.active else {
            _ = try await verify(password, hash: app.tuopin.decoyHash, app: app)
            let decision = await app.tuopin.loginThrottle.failUnknown(
                String(username.prefix(64)), policy: policy, now: now)
            if case .locked(let until) = decision.outcome { throw AppError.accountLocked(until: until) }
            throw AppError.invalidCredentials
        }
        let correct = try await verify(password, hash: user.passwordHash, app: app)
        let userID = try user.requireID()
        let stage: SessionStage =
            user.totpEnabledAt != nil ? .secondFactor : TwoFactorRule.isRequired(for: user.scope) ? .enrol : .full
        if kind == .api, stage == .enrol,
            case .success = policy.decide(
                passwordCorrect: correct, failedLogins: user.failedLogins, lockedUntil: user.lockedUntil, now: now
            ).outcome
        {
            throw AppError.twoFactorEnrolmentRequired
        }
        let (decision, token, factorFailed) = try await app.write { tx -> (LoginPolicy.Decision, String?, Bool) in
            guard let fresh = try await tx.lookup(User.self, userID) else { throw AppError.invalidCredentials }
            var decision = policy.decide(
                passwordCorrect: correct, failedLogins: fresh.failedLogins, lockedUntil: fresh.lockedUntil, now: now,
                secondFactorPending: kind == .web && stage == .secondFactor)
            var factorFailed = false
            if case .success = decision.outcome, kind == .api, stage == .secondFactor,
                try await !TwoFactorService.consume(oneTimeCode ?? "", userID: userID, on: tx, app: app, now: now)
            {
                factorFailed = true
                decision = policy.decide(
                    passwordCorrect: false, failedLogins: fresh.failedLogins, lockedUntil: fresh.lockedUntil, now: now)
            }
            let token = try await record(
                decision, for: fresh, on: tx, now: now, action: kind == .web ? "auth.login" : "auth.token",
                failedAction: factorFailed ? "auth.second_factor_failed" : "auth.login_failed"
            ) {
                if let oldToken { try await end(token: oldToken, on: tx, at: now) }
                return try await openSession(
                    userID: userID, kind: kind, stage: kind == .api ? .full : stage, on: tx, now: now)
            }
            return (decision, token, factorFailed)
        }
        switch decision.outcome {
        case .success: return (token!, kind == .api ? .full : stage)
        case .wrongPassword: throw factorFailed ? AppError.invalidSecondFactor : AppError.invalidCredentials
        case .locked(let until): throw AppError.accountLocked(until: until)
        }
    }

    /// The second step of a web login: a code from the authenticator app, or a recovery code. The
    /// password-only session ends and a new full session (a new id) begins. Wrong codes count
    /// toward the same lockout as wrong passwords.
    static func completeSecondFactor(app: Application, user: CurrentUser, token: String, code: String) async throws
        -> String
    {
        guard user.stage == .secondFactor else { throw AppError.unauthenticated }
        let now = app.tuopin.now()
        let (decision, newToken) = try await app.write { tx -> (LoginPolicy.Decision, String?) in
            guard let fresh = try await tx.lookup(User.self, user.id) else { throw AppError.unauthenticated }
            var decision = policy.decide(
                passwordCorrect: true, failedLogins: fresh.failedLogins, lockedUntil: fresh.lockedUntil, now: now)
            if case .success = decision.outcome,
                try await !TwoFactorService.consume(code, userID: user.id, on: tx, app: app, now: now)
            {
                decision = policy.decide(
                    passwordCorrect: false, failedLogins: fresh.failedLogins, lockedUntil: fresh.lockedUntil, now: now)
            }
            let newToken = try await record(
                decision, for: fresh, on: tx, now: now, action: "auth.second_factor",
                failedAction: "auth.second_factor_failed"
            ) {
                try await end(token: token, on: tx, at: now)
                return try await openSession(userID: user.id, kind: .web, stage: .full, on: tx, now: now)
            }
            return (decision, newToken)
        }
        switch decision.outcome {
        case .success: return newToken!
        case .wrongPassword: throw AppError.invalidSecondFactor
        case .locked(let until): throw AppError.accountLocked(until: until)
        }
    }

    /// Stores the lockout counters of a decision and its audit entry; on success runs `onSuccess` (which opens the
    /// session).
    private static func record(
        _ decision: LoginPolicy.Decision, for user: User, on tx: DataAccess, now: Date, action: String,
        failedAction: String, onSuccess: () async throws -> String
    ) async throws -> String? {
        let userID = try user.requireID()
        if user.failedLogins != decision.failedLogins || user.lockedUntil != decision.lockedUntil {
            user.failedLogins = decision.failedLogins
            user.lockedUntil = decision.lockedUntil
            user.version += 1
            try await user.save(on: tx)
        }
        var token: String?
        let entry: String
        switch decision.outcome {
        case .success: token = try await onSuccess(); entry = action
        case .wrongPassword: entry = failedAction
        case .locked: entry = "auth.locked"
        }
        struct Snapshot: Encodable { let failed_logins: Int; let locked_until: String? }
        try await AuditLog.append(
            on: tx, actor: .init(id: String(userID)), action: entry, entity: "user", entityID: String(userID),
            after: Snapshot(
                failed_logins: decision.failedLogins, locked_until: decision.lockedUntil.map(AuditLog.timestamp)),
            at: now)
        return token
    }

    /// Opens a session and returns its secret token (only the token's SHA-256 is stored).
    static func openSession(userID: RowID<User>, kind: Kind, stage: SessionStage, on tx: DataAccess, now: Date)
        async throws
        -> String
    {
        let token = randomToken()
        let session = UserSession()
        session.tokenHash = Hashing.sha256Hex(token)
        session.userID = userID
        session.kind = kind.rawValue
        session.stage = stage.rawValue
        session.createdAt = now
        session.expiresAt = now.addingTimeInterval(
            stage != .full ? pendingLifetime : kind == .web ? webSessionLifetime : apiTokenLifetime)
        try await session.save(on: tx)
        return token
    }

    /// Ends every live session of a user (privilege change, enrolment, a reset by the security administrator).
    static func endAllSessions(of userID: RowID<User>, on tx: DataAccess, at now: Date) async throws {
        try await tx.rows(UserSession.self).filter(\.$userID == userID).filter(\.$endedAt == nil).set(
            \.$endedAt, to: now
        ).update()
    }

    /// Ends the session server-side; the token stops working at once.
    static func logout(app: Application, token: String, user: CurrentUser) async throws {
        let now = app.tuopin.now()
        try await app.write { tx in
            try await end(token: token, on: tx, at: now)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "auth.logout", entity: "user",
                entityID: String(user.id), at: now)
        }
    }

    /// Changes the user's own password: the current one must be right, the new one must meet the
    /// policy; every other session of the user ends.
    static func changePassword(app: Application, user: CurrentUser, current: String, new: String, repeated: String)
        async throws
    {
        let stored = try await checkCurrentPassword(
            app: app, user: user, password: current, failedAction: "auth.password_change_failed")
        guard new == repeated else { throw AppError.invalidField("repeat_password") }
        let rules = app.tuopin.passwordPolicy
        let problems = rules.problems(new, username: user.username)
        guard problems.isEmpty else { throw AppError.weakPassword(problems) }
        // Not the current password nor one of the previous ones (issue #22 M4).
        let previous = Array(([stored.passwordHash] + Self.history(of: stored)).prefix(rules.historyDepth))
        for old in previous {
            if try await verify(new, hash: old, app: app) { throw AppError.weakPassword([.reused]) }
        }
        let hash = try await hash(new, cost: app.tuopin.settings.bcryptCost, app: app)
        let now = app.tuopin.now()
        try await app.write { tx in
            guard let fresh = try await tx.lookup(User.self, user.id) else { throw AppError.unauthenticated }
            let kept = Array(([fresh.passwordHash] + Self.history(of: fresh)).prefix(rules.historyDepth - 1))
            fresh.passwordHistory = String(decoding: try JSONEncoder().encode(kept), as: UTF8.self)
            fresh.passwordHash = hash; fresh.passwordChangedAt = now; fresh.version += 1
            try await fresh.save(on: tx)
            try await tx.rows(UserSession.self).filter(\.$userID == user.id).filter(\.$id != user.sessionID).filter(
                \.$endedAt == nil
            )
            .set(\.$endedAt, to: now).update()
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "auth.password_change", entity: "user",
                entityID: String(user.id), at: now)
        }
    }

    /// The user's previous password hashes, newest first.
    static func history(of user: User) -> [String] {
        guard let text = user.passwordHistory,
            let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8))
        else { return [] }
        return list
    }

    /// The signed-in user's current password, asked again before changing the password or turning
    /// two factors off. A wrong one counts toward the account's lockout like a wrong login and is
    /// audited (issue #22 M4: it could be guessed without limit); the lock also ends the user's
    /// sessions, so a borrowed session cannot keep guessing.
    @discardableResult
    static func checkCurrentPassword(app: Application, user: CurrentUser, password: String, failedAction: String)
        async throws -> User
    {
        guard let stored = try await app.accountData.user(id: user.id) else { throw AppError.unauthenticated }
        let now = app.tuopin.now()
        if let until = stored.lockedUntil, until > now { throw AppError.accountLocked(until: until) }
        let correct = try await verify(password, hash: stored.passwordHash, app: app)
        let decision = try await app.write { tx -> LoginPolicy.Decision in
            guard let fresh = try await tx.lookup(User.self, user.id) else { throw AppError.unauthenticated }
            let decision = policy.decide(
                passwordCorrect: correct, failedLogins: fresh.failedLogins, lockedUntil: fresh.lockedUntil, now: now)
            // A right password leaves the count as it is (a login resets it); a wrong one is recorded.
            if case .success = decision.outcome { return decision }
            _ = try await record(decision, for: fresh, on: tx, now: now, action: "", failedAction: failedAction) { "" }
            if case .locked = decision.outcome { try await endAllSessions(of: user.id, on: tx, at: now) }
            return decision
        }
        switch decision.outcome {
        case .success: return stored
        case .wrongPassword: throw AppError.invalidField("current_password")
        case .locked(let until): throw AppError.accountLocked(until: until)
        }
    }

    struct SessionView: Content {
        let id: RowID<UserSession>; let kind: String; let created_at: String; let last_seen_at: String;
        let expires_at: String;
        let current: Bool
    }

    /// The user's own live sessions (web and API).
    static func sessions(of user: CurrentUser, on db: DataAccess, now: Date) async throws -> [SessionView] {
        try await db.rows(UserSession.self).filter(\.$userID == user.id).filter(\.$endedAt == nil).filter(
            \.$expiresAt > now
        )
        .sort(\.$id, .descending).all().map {
            SessionView(
                id: $0.id!, kind: $0.kind, created_at: Clock.minute($0.createdAt),
                last_seen_at: Clock.minute($0.lastSeenAt ?? $0.createdAt), expires_at: Clock.minute($0.expiresAt),
                current: $0.id == user.sessionID)
        }
    }

    /// Ends one of the user's own sessions (another user's is "not found").
    static func endSession(app: Application, user: CurrentUser, id: RowID<UserSession>) async throws {
        let now = app.tuopin.now()
        try await app.write { tx in
            let ended = try await tx.rows(UserSession.self).filter(\.$id == id).filter(\.$userID == user.id).filter(
                \.$endedAt == nil
            ).count()
            guard ended == 1 else { throw AppError.notFound }
            try await tx.rows(UserSession.self).filter(\.$id == id).set(\.$endedAt, to: now).update()
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "auth.session_end", entity: "user", entityID: String(user.id),
                after: ["session": String(id)], at: now)
        }
    }

    private static func end(token: String, on tx: DataAccess, at now: Date) async throws {
        try await tx.rows(UserSession.self)
            .filter(\.$tokenHash == Hashing.sha256Hex(token)).filter(\.$endedAt == nil)
            .set(\.$endedAt, to: now).update()
    }

    /// The user behind a live session: not ended, not past its lifetime, and (web) used within the
    /// idle timeout. Use is recorded at most once a minute. `cookie`: the token came as the session
    /// cookie, which only a web session's token may be (an API token there would escape the web
    /// session's idle timeout).
    static func user(forToken token: String, cookie: Bool = false, app: Application, now: Date) async throws
        -> CurrentUser?
    {
        guard let session = try await app.accountData.openSession(signingIn: Hashing.sha256Hex(token)),
            session.expiresAt > now, !cookie || session.kind == Kind.web.rawValue,
            session.kind != Kind.web.rawValue
                || (session.lastSeenAt ?? session.createdAt).addingTimeInterval(app.tuopin.settings.sessionIdle) > now,
            session.active
        else { return nil }
        if now.timeIntervalSince(session.lastSeenAt ?? session.createdAt) > 60 {
            let id = session.sessionID
            try await app.write { tx in
                try await tx.rows(UserSession.self).filter(\.$id == id).set(\.$lastSeenAt, to: now).update()
            }
        }
        guard let stage = SessionStage(rawValue: session.stage) else { return nil }
        var current = CurrentUser(
            id: session.userID, username: session.username, displayName: session.displayName,
            scope: Scope(stored: session.bindings),
            sessionID: session.sessionID, sessionKind: session.kind)
        current.stage = stage
        current.passwordExpired = app.tuopin.passwordPolicy.isExpired(changedAt: session.passwordChangedAt, now: now)
        return current
    }

    static func hash(_ password: String, cost: Int, app: Application) async throws -> String {
        try await app.threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String, app: Application) async throws -> Bool {
        try await app.threadPool.runIfActive { try Bcrypt.verify(password, created: hash) }
    }

    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

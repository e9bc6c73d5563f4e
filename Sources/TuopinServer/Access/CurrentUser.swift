import Fluent
import TuopinCore
import Vapor

/// The user a request runs as, with the scope of their role bindings.
struct CurrentUser: Authenticatable, Sendable {
    let id: RowID<User>
    let username: String
    let displayName: String
    let scope: Scope
    let sessionID: RowID<UserSession>
    let sessionKind: String
    /// The password is older than the rotation period: only the password page is open (等保).
    var passwordExpired = false
    /// How far the session has got through login: only `full` sessions reach the application.
    var stage = SessionStage.full

    var auditActor: AuditLog.Actor { .init(id: String(id)) }
}

/// The stage of a session: past the password only, waiting for the one-time code
/// (`secondFactor`) or for enrolment in two factors (`enrol`), or `full`.
enum SessionStage: String, Sendable {
    case full
    case secondFactor = "second_factor"
    case enrol
}

extension CurrentUser {
    /// A user (bindings loaded) acting outside a web session: the command line, the demo, tests.
    init(_ user: User, sessionKind: String, sessionID: RowID<UserSession> = 0) throws {
        self.init(
            id: try user.requireID(), username: user.username, displayName: user.displayName, scope: user.scope,
            sessionID: sessionID, sessionKind: sessionKind)
    }
}

extension User {
    /// The user's scope from their stored role bindings (requires `bindings` loaded); a binding
    /// with an unknown role or a malformed code grants nothing.
    var scope: Scope { Scope(stored: bindings.map { ($0.role, $0.unitCode) }) }
}

extension Scope {
    /// The scope of role bindings as stored (role, unit code); a malformed code grants nothing.
    init(stored bindings: [(role: Role, unitCode: String)]) {
        self.init(
            bindings: bindings.compactMap { b in OrgCode(b.unitCode).map { RoleBinding(role: b.role, unit: $0) } })
    }
}

extension Request {
    /// The signed-in user, or 401.
    func requireUser() throws -> CurrentUser {
        guard let user = auth.get(CurrentUser.self) else { throw AppError.unauthenticated }
        return user
    }
}

/// Finds the session behind a bearer token or the session cookie and signs the request in.
/// Only the SHA-256 of a token is stored, so a copy of the database yields no usable token.
struct SessionAuthenticator: AsyncMiddleware {
    static let cookieName = "tuopin_session"
    /// The name with the `__Host-` prefix: only sent over TLS, only to this host, path `/`.
    static let secureCookieName = "__Host-tuopin_session"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let bearer = request.headers.bearerAuthorization?.token
        let token = bearer ?? request.sessionCookieToken
        if let token, !token.isEmpty, token.count <= 128,
            let user = try await AuthService.user(
                forToken: token, cookie: bearer == nil, app: request.application, now: request.tuopin.now())
        {
            request.auth.login(user)
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The session cookie's token, under the name the settings choose.
    var sessionCookieToken: String? {
        cookies[
            application.tuopin.settings.secureCookies
                ? SessionAuthenticator.secureCookieName : SessionAuthenticator.cookieName]?.string
    }
}

/// A session that is not complete opens only the page that completes it: the one-time code page
/// (`secondFactor`) or enrolment in two factors (`enrol`); the API answers 401. Then an expired
/// password (等保 rotation) opens only the password page: pages redirect there, the API answers
/// 403 `password_expired`.
struct RestrictedSessionMiddleware: AsyncMiddleware {
    static let alwaysOpen: Set<String> = [SiteURL.logout.path, SiteURL.healthz.path, SiteURL.apiTokens.path]
    static let secondFactorOpen: Set<String> = [SiteURL.secondFactor.path]
    static let enrolOpen: Set<String> = [
        SiteURL.twoFactor.path, SiteURL.twoFactorBegin.path, SiteURL.twoFactorConfirm.path,
    ]
    static let passwordOpen: Set<String> = [SiteURL.password.path]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.auth.get(CurrentUser.self) else { return try await next.respond(to: request) }
        let path = request.url.path
        if Self.alwaysOpen.contains(path) || path.hasPrefix("/lang/") { return try await next.respond(to: request) }
        let (open, page, error): (Set<String>, SiteURL, AppError)
        switch user.stage {
        case .secondFactor: (open, page, error) = (Self.secondFactorOpen, .secondFactor, .unauthenticated)
        case .enrol: (open, page, error) = (Self.enrolOpen, .twoFactor, .unauthenticated)
        case .full:
            guard user.passwordExpired else { return try await next.respond(to: request) }
            (open, page, error) = (Self.passwordOpen, .password, .passwordExpired)
        }
        if open.contains(path) { return try await next.respond(to: request) }
        if path.hasPrefix("/api/") || request.method != .GET { throw error }
        return request.redirect(to: page.path, redirectType: .normal)
    }
}

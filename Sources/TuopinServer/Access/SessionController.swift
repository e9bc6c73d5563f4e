import Vapor

/// Sign in and out of the web pages, and the API's bearer tokens.
enum SessionController {
    struct LoginForm: Content {
        let username: String?; let password: String?; let _csrf: String?; let next: String?; let resume: String?
    }
    struct LoginPage: Encodable {
        let username: String; let error: String?; let token: String
        /// Where the user was when the session ended (`LoginReturn`), and whether a form was being sent.
        let next: String?; let expired: Bool; let resume: Bool
    }

    @Sendable static func showLogin(req: Request) async throws -> Response {
        let next = LoginReturn.target(try? req.query.get(String.self, at: "next"))
        if req.auth.get(CurrentUser.self)?.stage == .full {
            return req.redirect(to: next ?? SiteURL.home.path, redirectType: .normal)
        }
        return try await loginPage(req, username: "", error: nil, status: .ok)
    }

    /// The login form with its CSRF token, and the cookie that token must match.
    static func loginPage(_ req: Request, username: String, error: String?, status: HTTPResponseStatus) async throws
        -> Response
    {
        let token = LoginCSRF.token(req)
        let form = try? req.content.decode(LoginForm.self)
        let next = LoginReturn.target(form?.next ?? (try? req.query.get(String.self, at: "next")))
        let resume = (form?.resume ?? (try? req.query.get(String.self, at: "resume"))) == "1"
        let expired = (try? req.query.get(String.self, at: "expired")) == "1"
        let view = LoginPage(
            username: String(username.prefix(64)), error: error, token: token, next: next, expired: expired,
            resume: resume)
        let response = try await Page.render(req, "login", view, status: status)
        LoginCSRF.attach(token, to: response, req: req)
        return response
    }

    @Sendable static func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let username = (form.username ?? "").trimmingCharacters(in: .whitespaces)
        let password = form.password ?? ""
        // A form this browser did not get from us (login CSRF): nothing is tried.
        guard LoginCSRF.isValid(req, sent: form._csrf) else {
            return try await loginPage(req, username: username, error: req.t["err_login_expired"], status: .forbidden)
        }
        guard !username.isEmpty, !password.isEmpty, username.count <= 64, password.count <= 256 else {
            return try await loginPage(
                req, username: username, error: req.t["err_invalid_credentials"], status: .unauthorized)
        }
        return try await FormFlow.submit(req, answering: []) {
            let (token, stage) = try await req.throttledLogin {
                try await AuthService.login(
                    app: req.application, username: username, password: password, kind: .web,
                    replacing: req.sessionCookieToken)
            }
            let back = LoginReturn.target(form.next)
            let next: String =
                switch stage {
                case .full: back ?? SiteURL.home.path
                case .secondFactor: SiteURL.secondFactor.path + LoginReturn.query(back)
                case .enrol: SiteURL.twoFactor.path
                }
            return .page(signedIn(req, token: token, to: next))
        } orShow: { refusal in
            return try await loginPage(req, username: username, error: refusal.message, status: refusal.status)
        }
    }

    /// A redirect that carries a new session cookie.
    static func signedIn(_ req: Request, token: String, to path: String) -> Response {
        let response = req.redirect(to: path, redirectType: .normal)
        response.cookies[cookieName(req)] = sessionCookie(token, req: req, maxAge: Int(AuthService.webSessionLifetime))
        return response
    }

    @Sendable static func logout(req: Request) async throws -> Response {
        if let user = req.auth.get(CurrentUser.self), let token = req.sessionCookieToken {
            try await AuthService.logout(app: req.application, token: token, user: user)
        }
        req.auth.logout(CurrentUser.self)
        let response = req.redirect(to: SiteURL.login.path, redirectType: .normal)
        response.cookies[cookieName(req)] = sessionCookie("", req: req, maxAge: 0)
        return response
    }

    static func cookieName(_ req: Request) -> String {
        req.application.tuopin.settings.secureCookies
            ? SessionAuthenticator.secureCookieName : SessionAuthenticator.cookieName
    }

    struct PasswordForm: Content {
        let current_password: String?; let new_password: String?; let repeat_password: String?
    }
    struct PasswordView: Encodable { let expired: Bool; let error: String?; let done: Bool; let rules: [String] }

    static func passwordPage(_ req: Request, error: String?, done: Bool, status: HTTPResponseStatus) async throws
        -> Response
    {
        let user = try req.requireUser()
        let rules = [
            "pw_rule_length", "pw_rule_kinds", "pw_rule_username", "pw_rule_common", "pw_rule_more", "pw_rule_rotation",
        ].map { req.t[$0] }
        return try await Page.render(
            req, "password",
            PasswordView(expired: user.passwordExpired && !done, error: error, done: done, rules: rules),
            status: status)
    }

    @Sendable static func showPassword(req: Request) async throws -> Response {
        try await passwordPage(req, error: nil, done: false, status: .ok)
    }

    /// Changes the user's own password (all their other sessions end).
    @Sendable static func changePassword(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await FormFlow.submit(req, answering: []) {
            let form = try req.content.decode(PasswordForm.self)
            try await AuthService.changePassword(
                app: req.application, user: user, current: form.current_password ?? "",
                new: form.new_password ?? "", repeated: form.repeat_password ?? "")
            return .page(try await passwordPage(req, error: nil, done: true, status: .ok))
        } orShow: { refusal in
            return try await passwordPage(req, error: refusal.message, done: false, status: refusal.status)
        }
    }

    struct SessionsView: Encodable { let sessions: [AuthService.SessionView] }

    /// The user's own sessions, each of which they can end.
    @Sendable static func sessions(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await Page.render(
            req, "sessions", SessionsView(sessions: try await req.data.sessions(of: user, now: req.tuopin.now())))
    }

    @Sendable static func endSession(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await AuthService.endSession(app: req.application, user: user, id: try req.intParameter("id"))
        return req.redirect(to: SiteURL.sessions.path, redirectType: .normal)
    }

    static func sessionCookie(_ value: String, req: Request, maxAge: Int) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
            isSecure: req.application.tuopin.settings.secureCookies
                || req.application.http.server.configuration.tlsConfiguration != nil,
            isHTTPOnly: true, sameSite: .strict)
    }

    /// `/lang/:lang?to=/path` remembers the language and returns to the page (same site only).
    @Sendable static func language(req: Request) async throws -> Response {
        guard let lang = req.parameters.get("lang").flatMap(Language.init(rawValue:)) else { throw AppError.notFound }
        let target = (try? req.query.get(String.self, at: "to")).flatMap(SiteURL.localTarget) ?? SiteURL.home.path
        let response = req.redirect(to: target, redirectType: .normal)
        response.cookies[Request.languageCookie] = HTTPCookies.Value(
            string: lang.rawValue, maxAge: 365 * 86_400, path: "/", isHTTPOnly: true, sameSite: .lax)
        return response
    }

    // MARK: API

    /// `totp`: the one-time code (or a recovery code) of a user with two factors.
    struct TokenRequest: Content { let username: String; let password: String; let totp: String? }
    struct TokenResponse: Content { let token: String; let expires_in: Int }

    @Sendable static func createToken(req: Request) async throws -> TokenResponse {
        let body = try req.decodeJSON(TokenRequest.self)
        guard !body.username.isEmpty, body.username.count <= 64 else { throw AppError.invalidField("username") }
        guard !body.password.isEmpty, body.password.count <= 256 else { throw AppError.invalidField("password") }
        guard (body.totp ?? "").count <= 32 else { throw AppError.invalidField("totp") }
        let (token, _) = try await req.throttledLogin {
            try await AuthService.login(
                app: req.application, username: body.username, password: body.password, kind: .api,
                replacing: nil, oneTimeCode: body.totp)
        }
        return TokenResponse(token: token, expires_in: Int(AuthService.apiTokenLifetime))
    }
}

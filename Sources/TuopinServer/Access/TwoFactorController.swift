import Vapor

/// The one-time code page of a two-factor login, and the user's own two-factor settings:
/// enrolment with a QR code, recovery codes, turning it off where the role allows.
enum TwoFactorController {
    struct CodeForm: Content { let code: String?; let next: String? }
    struct DisableForm: Content { let password: String?; let code: String? }
    struct SecondFactorPage: Encodable { let error: String?; let next: String? }

    @Sendable static func showSecondFactor(req: Request) async throws -> Response {
        guard let user = req.auth.get(CurrentUser.self), user.stage == .secondFactor else {
            return req.redirect(to: SiteURL.login.path, redirectType: .normal)
        }
        let next = LoginReturn.target(try? req.query.get(String.self, at: "next"))
        return try await Page.render(req, "second-factor", SecondFactorPage(error: nil, next: next))
    }

    /// The code (or a recovery code) completes the login: a new session replaces the password-only one.
    @Sendable static func secondFactor(req: Request) async throws -> Response {
        guard let user = req.auth.get(CurrentUser.self), user.stage == .secondFactor, let token = req.sessionCookieToken
        else {
            return req.redirect(to: SiteURL.login.path, redirectType: .normal)
        }
        let form = try req.content.decode(CodeForm.self)
        let code = form.code ?? "", next = LoginReturn.target(form.next)
        return try await FormFlow.submit(req, answering: []) {
            let newToken = try await req.throttledLogin {
                try await AuthService.completeSecondFactor(
                    app: req.application, user: user, token: token, code: String(code.prefix(40)))
            }
            return .page(SessionController.signedIn(req, token: newToken, to: next ?? SiteURL.home.path))
        } orShow: { refusal in
            return try await Page.render(
                req, "second-factor", SecondFactorPage(error: refusal.message, next: next), status: refusal.status)
        }
    }

    struct SettingsPage: Encodable {
        let status: TwoFactorService.Status
        /// Recovery codes just made: shown this once.
        let codes: [String]?
        let error: String?
        let mustEnrol: Bool
    }

    static func settings(
        _ req: Request, codes: [String]? = nil, error: String? = nil, status: HTTPResponseStatus = .ok,
        as user: CurrentUser? = nil
    ) async throws -> Response {
        let user = try user ?? req.requireUser()
        let state = try await TwoFactorService.status(app: req.application, user: user)
        return try await Page.render(
            req, "two-factor", SettingsPage(status: state, codes: codes, error: error, mustEnrol: user.stage == .enrol),
            status: status)
    }

    @Sendable static func page(req: Request) async throws -> Response { try await settings(req) }

    @Sendable static func begin(req: Request) async throws -> Response {
        try await TwoFactorService.begin(app: req.application, user: try req.requireUser())
        return req.redirect(to: SiteURL.twoFactor.path, redirectType: .normal)
    }

    /// Confirms enrolment; the answer shows the recovery codes once and carries a new session cookie.
    @Sendable static func confirm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(CodeForm.self)
        let code = form.code ?? "", next = LoginReturn.target(form.next)
        return try await FormFlow.submit(req, answering: []) {
            let (token, codes) = try await TwoFactorService.confirm(
                app: req.application, user: user, code: String(code.prefix(40)))
            var full = user
            full.stage = .full
            let response = try await settings(req, codes: codes, as: full)
            response.cookies[SessionController.cookieName(req)] = SessionController.sessionCookie(
                token, req: req, maxAge: Int(AuthService.webSessionLifetime))
            return .page(response)
        } orShow: { refusal in
            return try await settings(req, error: refusal.message, status: refusal.status)
        }
    }

    @Sendable static func recoveryCodes(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(CodeForm.self)
        let code = form.code ?? "", next = LoginReturn.target(form.next)
        return try await FormFlow.submit(req, answering: []) {
            let codes = try await TwoFactorService.newRecoveryCodes(
                app: req.application, user: user, code: String(code.prefix(40)))
            return .page(try await settings(req, codes: codes))
        } orShow: { refusal in
            return try await settings(req, error: refusal.message, status: refusal.status)
        }
    }

    @Sendable static func disable(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await FormFlow.submit(req, answering: []) {
            let form = try req.content.decode(DisableForm.self)
            try await TwoFactorService.disable(
                app: req.application, user: user, password: String((form.password ?? "").prefix(256)),
                code: String((form.code ?? "").prefix(40)))
            return .redirect(SiteURL.twoFactor.path)
        } orShow: { refusal in
            return try await settings(req, error: refusal.message, status: refusal.status)
        }
    }
}

import Fluent
import Foundation
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

@Suite struct TwoFactorFlowTests {
    private func post(_ app: Application, _ path: String, cookie: String, _ fields: [String: String]) async throws
        -> TestingHTTPResponse
    {
        var headers = HTTPHeaders(); headers.cookie(cookie)
        var out: TestingHTTPResponse?
        var body = fields
        body["_csrf"] = CSRFMiddleware.token(forSession: cookie)
        try await app.testing().test(
            .POST, path, headers: headers,
            beforeRequest: { req in
                try req.content.encode(body, as: .urlEncodedForm)
            }, afterResponse: { res async in out = res })
        return out!
    }

    private func get(_ app: Application, _ path: String, cookie: String) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders(); headers.cookie(cookie)
        var out: TestingHTTPResponse?
        try await app.testing().test(.GET, path, headers: headers) { res in out = res }
        return out!
    }

    /// The login form posted as a browser posts it: with the token and cookie the form came with.
    private func loginPost(_ app: Application, _ username: String) async throws -> TestingHTTPResponse {
        let form = try await app.loginForm()
        var out: TestingHTTPResponse?
        try await app.testing().test(
            .POST, "/login", headers: form.headers,
            beforeRequest: { req in
                try req.content.encode(
                    ["username": username, "password": demoPassword, "_csrf": form.token], as: .urlEncodedForm)
            }, afterResponse: { res async in out = res })
        return out!
    }

    private func passwordLogin(_ app: Application, _ username: String) async throws -> (String, String?) {
        let res = try await loginPost(app, username)
        #expect(res.status == .seeOther)
        return (
            res.headers.setCookie?[SessionAuthenticator.cookieName]?.string ?? "", res.headers.first(name: .location)
        )
    }

    /// Region HQ must enrol before anything else opens; enrolment gives ten recovery codes and a new session.
    @Test func regionHQEnrolsAtFirstLoginThenNeedsACodeEveryTime() async throws {
        let clock = TestClock()
        try await withTestApp(households: 0, clock: clock) { app in
            var (cookie, location) = try await passwordLogin(app, "region")
            #expect(location == "/two-factor")
            #expect(try await get(app, "/households", cookie: cookie).headers.first(name: .location) == "/two-factor")
            #expect(try await get(app, "/api/v1/standards", cookie: cookie).status == .unauthorized)
            try await app.testing().test(
                .POST, "/api/v1/tokens",
                beforeRequest: { req in
                    try req.content.encode(["username": "region", "password": demoPassword])
                }
            ) { res in #expect(res.status == .forbidden && res.body.string.contains("two_factor_enrolment_required")) }

            var page = try await get(app, "/two-factor", cookie: cookie)
            #expect(
                page.body.string.contains("id=\"two-factor-required\"")
                    && page.body.string.contains("id=\"begin-two-factor\""))
            #expect(try await post(app, "/two-factor/begin", cookie: cookie, [:]).status == .seeOther)
            page = try await get(app, "/two-factor", cookie: cookie)
            #expect(page.body.string.contains("<svg") && page.body.string.contains("id=\"totp-secret\""))
            let secret = try await app.storedTOTPSecret("region")
            let shown = page.body.string.components(separatedBy: "id=\"totp-secret\">")[1].components(separatedBy: "<")[
                0]
            #expect(Base32.decode(shown) == secret)
            let totp = TOTP(secret: secret)

            let wrong = try await post(
                app, "/two-factor/confirm", cookie: cookie,
                ["code": "000000" == totp.code(at: clock.now) ? "111111" : "000000"])
            #expect(wrong.status == .unauthorized && wrong.body.string.contains("id=\"two-factor-error\""))
            let confirmed = try await post(
                app, "/two-factor/confirm", cookie: cookie, ["code": totp.code(at: clock.now)])
            #expect(confirmed.status == .ok)
            let codes = confirmed.body.string.components(separatedBy: "<li><code>").dropFirst().map {
                $0.components(separatedBy: "<")[0]
            }
            #expect(codes.count == 10 && Set(codes).count == 10)
            let fullCookie = confirmed.headers.setCookie?[SessionAuthenticator.cookieName]?.string ?? ""
            #expect(!fullCookie.isEmpty && fullCookie != cookie)
            #expect(try await get(app, "/households", cookie: cookie).status != .ok)  // the enrolment session has ended
            #expect(try await get(app, "/households", cookie: fullCookie).status == .ok)

            // The next login needs a code; the one used at enrolment is not good again.
            (cookie, location) = try await passwordLogin(app, "region")
            #expect(location == "/login/second-factor")
            #expect(
                try await get(app, "/households", cookie: cookie).headers.first(name: .location)
                    == "/login/second-factor")
            #expect(try await get(app, "/api/v1/standards", cookie: cookie).status == .unauthorized)
            var answer = try await post(app, "/login/second-factor", cookie: cookie, ["code": totp.code(at: clock.now)])
            #expect(answer.status == .unauthorized && answer.body.string.contains("id=\"second-factor-error\""))
            clock.advance(30)
            answer = try await post(app, "/login/second-factor", cookie: cookie, ["code": totp.code(at: clock.now)])
            #expect(answer.status == .seeOther && answer.headers.first(name: .location) == "/")
            let second = answer.headers.setCookie?[SessionAuthenticator.cookieName]?.string ?? ""
            #expect(second != cookie && !second.isEmpty)
            #expect(try await get(app, "/households", cookie: second).status == .ok)
            #expect(try await get(app, "/households", cookie: cookie).status != .ok)

            // A recovery code works once.
            (cookie, _) = try await passwordLogin(app, "region")
            answer = try await post(app, "/login/second-factor", cookie: cookie, ["code": codes[0].lowercased()])
            #expect(answer.status == .seeOther)
            (cookie, _) = try await passwordLogin(app, "region")
            answer = try await post(app, "/login/second-factor", cookie: cookie, ["code": codes[0]])
            #expect(answer.status == .unauthorized)

            // The API token needs the code in the same call.
            try await app.testing().test(
                .POST, "/api/v1/tokens",
                beforeRequest: { req in
                    try req.content.encode(["username": "region", "password": demoPassword])
                }
            ) { res in #expect(res.status == .unauthorized && res.body.string.contains("invalid_second_factor")) }
            clock.advance(30)
            try await app.testing().test(
                .POST, "/api/v1/tokens",
                beforeRequest: { req in
                    try req.content.encode([
                        "username": "region", "password": demoPassword, "totp": totp.code(at: clock.now),
                    ])
                }
            ) { res in #expect(res.status == .ok) }

            // Required roles cannot turn it off.
            clock.advance(30)
            let refused = try await post(
                app, "/two-factor/disable", cookie: second,
                ["password": demoPassword, "code": totp.code(at: clock.now)])
            #expect(refused.status == .conflict)
            let actions = try await app.db.sqlDatabase.raw("SELECT action FROM audit_log WHERE action LIKE 'auth.%'")
                .all(decodingColumn: "action", as: String.self)
            #expect(
                actions.contains("auth.totp_enabled") && actions.contains("auth.second_factor")
                    && actions.contains("auth.second_factor_failed"))
        }
    }

    /// Wrong codes count toward the lockout, and a right password does not reset the count.
    @Test func wrongCodesLockTheAccount() async throws {
        try await withTestApp(households: 0) { app in
            _ = try await app.totpSecret("region")
            for round in 0..<5 {
                let (cookie, _) = try await passwordLogin(app, "region")
                let res = try await post(app, "/login/second-factor", cookie: cookie, ["code": "abcdef"])
                #expect(res.status == (round < 4 ? .unauthorized : .tooManyRequests), "round \(round)")
            }
            let res = try await loginPost(app, "region")
            #expect(res.status == .tooManyRequests)
        }
    }

    /// Any user may turn two factors on, and off again with password and code.
    @Test func aClerkMayTurnItOnAndOff() async throws {
        let clock = TestClock()
        try await withTestApp(households: 0, clock: clock) { app in
            let cookie = try await app.webLogin("clerk1")
            #expect(try await get(app, "/two-factor", cookie: cookie).body.string.contains("id=\"begin-two-factor\""))
            _ = try await post(app, "/two-factor/begin", cookie: cookie, [:])
            let totp = TOTP(secret: try await app.storedTOTPSecret("clerk1"))
            let confirmed = try await post(
                app, "/two-factor/confirm", cookie: cookie, ["code": totp.code(at: clock.now)])
            let full = confirmed.headers.setCookie?[SessionAuthenticator.cookieName]?.string ?? ""
            clock.advance(30)
            let renewed = try await post(
                app, "/two-factor/recovery-codes", cookie: full, ["code": totp.code(at: clock.now)])
            #expect(renewed.status == .ok && renewed.body.string.components(separatedBy: "<li><code>").count == 11)
            clock.advance(30)
            let off = try await post(
                app, "/two-factor/disable", cookie: full, ["password": demoPassword, "code": totp.code(at: clock.now)])
            #expect(off.status == .seeOther)
            let (_, location) = try await passwordLogin(app, "clerk1")
            #expect(location == "/")
            #expect(try await RecoveryCode.query(on: app.db).count() == 0)
        }
    }

    /// Granting or revoking a role ends the user's sessions; no one holds two administrator roles.
    @Test func roleChangesEndSessionsAndAdministratorsAreSeparated() async throws {
        try await withTestApp(households: 0) { app in
            let actor = AuditLog.Actor(id: "os:test")
            let token = try await app.token("clerk1")
            try await UserAdmin.grant(app: app, username: "clerk1", role: .clerk, unit: "540103001", actor: actor)
            try await app.testing().test(.GET, "/api/v1/standards", headers: ["Authorization": "Bearer \(token)"]) {
                res in
                #expect(res.status == .unauthorized)
            }
            let newToken = try await app.token("clerk1")
            try await app.testing().test(
                .GET, "/api/v1/households?limit=500", headers: ["Authorization": "Bearer \(newToken)"]
            ) { res in
                #expect(res.status == .ok)
            }
            await #expect(throws: AppError.administratorSeparation(held: .systemAdmin)) {
                try await UserAdmin.grant(app: app, username: "admin", role: .auditAdmin, unit: "54", actor: actor)
            }
            await #expect(throws: AppError.invalidField("unit")) {
                try await UserAdmin.grant(app: app, username: "clerk1", role: .clerk, unit: "54", actor: actor)
            }
            try await UserAdmin.revoke(app: app, username: "clerk1", role: .clerk, unit: "540103001", actor: actor)
            let password = try await UserAdmin.add(
                app: app, username: "clerk9", displayName: "新专干", role: .clerk, unit: "540102001", actor: actor)
            #expect(app.tuopin.passwordPolicy.problems(password, username: "clerk9").isEmpty)
            let cookie = try await app.webLogin("clerk9", password: password)
            // The first password must be changed at once.
            #expect(try await get(app, "/households", cookie: cookie).headers.first(name: .location) == "/password")
        }
    }
}

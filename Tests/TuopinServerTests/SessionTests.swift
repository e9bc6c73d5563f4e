import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// Sessions (issue #9, item 2): idle timeout for web sessions, a user's own session list where
/// other sessions can be ended, and the `__Host-` cookie when TLS is in front.
@Suite struct SessionTests {
    @Test func aWebSessionEndsAfterThirtyIdleMinutesButNotWhileUsed() async throws {
        let clock = TestClock()
        try await withTestApp(households: 0, clock: clock) { app in
            let (headers, _) = try await app.session("clerk1")
            let token = try await app.token("clerk1")
            func status(_ h: HTTPHeaders) async throws -> HTTPResponseStatus {
                var s: HTTPResponseStatus = .ok
                try await app.testing().test(.GET, "/api/v1/standards", headers: h) { s = $0.status }
                return s
            }
            for _ in 0..<3 {  // used every 29 minutes: stays open
                clock.advance(29 * 60)
                #expect(try await status(headers) == .ok)
            }
            clock.advance(31 * 60)  // 31 minutes idle: ended
            #expect(try await status(headers) == .unauthorized)
            // An API token has no idle timeout (24 hours absolute).
            #expect(try await status(["Authorization": "Bearer \(token)"]) == .ok)
        }
    }

    /// Issue #24 item 14: a page or a form sent after the session ended leads to the login form and
    /// from there back to the page (a form's page comes from the same site's Referer, marked
    /// `resume` so the browser puts the typed values back); other sites are never followed.
    @Test func anEndedSessionLeadsToTheLoginFormAndBackToThePage() async throws {
        let clock = TestClock()
        try await withTestApp(households: 0, clock: clock) { app in
            let session = try await app.session("clerk1")
            clock.advance(31 * 60)
            var location: String?
            try await app.testing().test(.GET, "/units/540102001?year=2020", headers: session.0) { res in
                location = res.headers.first(name: .location)
            }
            #expect(location == "/login?next=%2Funits%2F540102001%3Fyear%3D2020&expired=1")
            var form = session.0
            form.add(name: .referer, value: "http://localhost:8080/households/7")
            form.add(name: .host, value: "localhost:8080")
            let sent = try await app.postForm("/households/7/members", (form, session.1), [("name", "次仁")])
            #expect(sent.0 == .seeOther)
            #expect(sent.2 == "/login?next=%2Fhouseholds%2F7&expired=1&resume=1")
            var foreign = session.0
            foreign.add(name: .referer, value: "http://evil.example/households/7")
            foreign.add(name: .host, value: "localhost:8080")
            let refused = try await app.postForm("/households/7/members", (foreign, session.1), [("name", "x")])
            #expect(refused.2 == "/login?expired=1")
            // The login page keeps `next` and `resume` in its form and says the session ended.
            let (status, page) = try await app.get("/login?next=%2Fhouseholds%2F7&expired=1&resume=1", HTTPHeaders())
            #expect(status == .ok)
            #expect(page.contains("name=\"next\" value=\"/households/7\""))
            #expect(page.contains("data-resume=\"1\"") && page.contains("id=\"login-expired\""))
            // Signing in goes back to the page; a path of another site or the login page goes home.
            for (next, expected) in [
                ("/households/7", "/households/7"), ("//evil.example/x", "/"), ("https://evil.example/", "/"),
                ("/login", "/"), ("/logout", "/"),
            ] {
                let login = try await app.loginForm()
                try await app.testing().test(
                    .POST, "/login", headers: login.headers,
                    beforeRequest: { req in
                        try req.content.encode(
                            ["username": "clerk1", "password": demoPassword, "_csrf": login.token, "next": next],
                            as: .urlEncodedForm)
                    },
                    afterResponse: { res async in
                        #expect(res.headers.first(name: .location) == expected, "\(next)")
                    })
            }
        }
    }

    @Test func aUserSeesAndEndsTheirOtherSessionsOnly() async throws {
        try await withTestApp(households: 0) { app in
            let (first, _) = try await app.session("clerk1")
            let (second, csrf) = try await app.session("clerk1")
            var sessionIDs: [Int] = []
            try await app.testing().test(.GET, "/sessions", headers: second) { res in
                #expect(res.status == .ok)
                sessionIDs = res.body.string.components(separatedBy: "/sessions/").dropFirst().compactMap {
                    Int($0.prefix { $0.isNumber })
                }
            }
            #expect(sessionIDs.count == 1)  // the first session; the current one has no button
            var form = second
            form.contentType = .urlEncodedForm
            try await app.testing().test(
                .POST, "/sessions/\(sessionIDs[0])/end", headers: form, body: ByteBuffer(string: "_csrf=\(csrf)")
            ) { res in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.GET, "/api/v1/standards", headers: first) { res in
                #expect(res.status == .unauthorized)
            }
            try await app.testing().test(.GET, "/api/v1/standards", headers: second) { res in #expect(res.status == .ok)
            }
            // Someone else's session is not found.
            let (other, otherCSRF) = try await app.session("clerk2")
            var otherForm = other
            otherForm.contentType = .urlEncodedForm
            let clerk1 = try await User.query(on: app.db).filter(\.$username == "clerk1").first()!
            let target = try await UserSession.query(on: app.db).filter(\.$userID == clerk1.id!).filter(
                \.$endedAt == nil
            ).first()!
            try await app.testing().test(
                .POST, "/sessions/\(target.id!)/end", headers: otherForm, body: ByteBuffer(string: "_csrf=\(otherCSRF)")
            ) { res in
                #expect(res.status == .notFound)
            }
            #expect(try await UserSession.find(target.id!, on: app.db)!.endedAt == nil)
        }
    }

    @Test func behindTLSTheCookieIsHostPrefixedAndSecure() async throws {
        try await withTestApp(households: 0, secureCookies: true) { app in
            var cookie = ""
            let form = try await app.loginForm()
            try await app.testing().test(
                .POST, "/login", headers: form.headers,
                beforeRequest: { req in
                    try req.content.encode(
                        ["username": "clerk1", "password": demoPassword, "_csrf": form.token], as: .urlEncodedForm)
                },
                afterResponse: { res async in
                    let value = res.headers.setCookie?[SessionAuthenticator.secureCookieName]
                    #expect(
                        value?.isSecure == true && value?.isHTTPOnly == true && value?.path == "/"
                            && value?.domain == nil)
                    #expect(res.headers.setCookie?[SessionAuthenticator.cookieName] == nil)
                    cookie = value?.string ?? ""
                })
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: "\(SessionAuthenticator.secureCookieName)=\(cookie)")
            try await app.testing().test(.GET, "/sessions", headers: headers) { res in
                #expect(res.status == .ok)
                #expect(res.headers.first(name: "Strict-Transport-Security")?.contains("max-age=31536000") == true)
            }
        }
    }
}

@Suite struct PasswordTests {
    @Test func aUserChangesTheirPasswordUnderTheRulesAndOtherSessionsEnd() async throws {
        try await withTestApp(households: 0) { app in
            let (other, _) = try await app.session("clerk1")
            let (headers, csrf) = try await app.session("clerk1")
            var form = headers
            form.contentType = .urlEncodedForm
            func post(_ fields: String) async throws -> (HTTPResponseStatus, String) {
                var out: (HTTPResponseStatus, String) = (.ok, "")
                try await app.testing().test(
                    .POST, "/password", headers: form, body: ByteBuffer(string: "_csrf=\(csrf)&" + fields)
                ) { res in
                    out = (res.status, res.body.string)
                }
                return out
            }
            var (status, body) = try await post(
                "current_password=wrong&new_password=Better-pass-2027&repeat_password=Better-pass-2027")
            #expect(status == .badRequest && body.contains("current_password"))
            (status, body) = try await post(
                "current_password=\(demoPassword.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&"
                    + "new_password=weakweakweak&repeat_password=weakweakweak"
            )
            #expect(status == .badRequest && body.contains("缺少数字") && body.contains("缺少符号"))
            // In the shipped list of common passwords once the symbol is taken off ("password123").
            (status, body) = try await post(
                "current_password=\(demoPassword.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&"
                    + "new_password=Password123!&repeat_password=Password123!"
            )
            #expect(status == .badRequest && body.contains("最常见的一万个密码"), "\(body.prefix(300))")
            (status, body) = try await post(
                "current_password=\(demoPassword.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&"
                    + "new_password=Better-pass-2027&repeat_password=Better-pass-2027"
            )
            #expect(status == .ok && body.contains("id=\"password-done\""), "\(body.prefix(300))")
            try await app.testing().test(.GET, "/api/v1/standards", headers: other) { res in
                #expect(res.status == .unauthorized)
            }
            try await app.testing().test(.GET, "/api/v1/standards", headers: headers) { res in
                #expect(res.status == .ok)
            }
            _ = try await app.token("clerk1", password: "Better-pass-2027")

            // Back to the previous password: refused (issue #22 M4, the last 5 are kept).
            let demo = demoPassword.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            (status, body) = try await post(
                "current_password=Better-pass-2027&new_password=\(demo)&repeat_password=\(demo)")
            #expect(status == .badRequest && body.contains("最近 5 次"), "\(body.prefix(300))")
            // Guessing the current password counts toward the lockout and is audited (the API login
            // above reset the count): four wrong tries are wrong passwords, the fifth locks and ends the sessions.
            for _ in 1...4 {
                (status, _) = try await post(
                    "current_password=guess&new_password=Other-pass-2028&repeat_password=Other-pass-2028")
                #expect(status == .badRequest)
            }
            try await app.testing().test(.GET, "/api/v1/standards", headers: headers) { res in
                #expect(res.status == .ok)
            }
            (status, body) = try await post(
                "current_password=guess&new_password=Other-pass-2028&repeat_password=Other-pass-2028")
            #expect(status != .badRequest && status != .ok, "\(status)")
            try await app.testing().test(.GET, "/api/v1/standards", headers: headers) { res in
                #expect(res.status == .unauthorized)
            }
            let failures = try await app.db.sqlDatabase.select().column("action").from("audit_log")
                .where("action", .in, ["auth.password_change_failed", "auth.locked"]).all(
                    decodingColumn: "action", as: String.self)
            #expect(failures == Array(repeating: "auth.password_change_failed", count: 5) + ["auth.locked"])
        }
    }

    @Test func anExpiredPasswordOpensOnlyThePasswordPage() async throws {
        let clock = TestClock()
        try await withTestApp(households: 0, clock: clock) { app in
            clock.advance(91 * 86_400)
            let (headers, csrf) = try await app.session("clerk1")
            let token = try await app.token("clerk1")
            try await app.testing().test(.GET, "/households", headers: headers) { res in
                #expect(res.status == .seeOther && res.headers.first(name: .location) == "/password")
            }
            try await app.testing().test(.GET, "/api/v1/standards", headers: ["Authorization": "Bearer \(token)"]) {
                res in
                #expect(res.status == .forbidden && res.body.string.contains("password_expired"))
            }
            try await app.testing().test(.GET, "/password", headers: headers) { res in
                #expect(res.status == .ok && res.body.string.contains("id=\"password-expired\""))
            }
            var form = headers
            form.contentType = .urlEncodedForm
            let current = demoPassword.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await app.testing().test(
                .POST, "/password", headers: form,
                body: ByteBuffer(
                    string:
                        "_csrf=\(csrf)&current_password=\(current)&new_password=Fresh-pass-2027&"
                            + "repeat_password=Fresh-pass-2027"
                )
            ) { res in
                #expect(res.status == .ok)
            }
            try await app.testing().test(.GET, "/api/v1/standards", headers: headers) { res in
                #expect(res.status == .ok)
            }
        }
    }
}

@Suite struct LoginThrottleTests {
    /// Twenty failed logins from one address, across any usernames, refuse the next login from it
    /// (even a right password) with 429 for fifteen minutes.
    @Test func failuresFromOneAddressAreLimited() async throws {
        let clock = TestClock()
        try await withTestApp(households: 0, clock: clock) { app in
            func attempt(_ user: String, _ password: String) async throws -> HTTPResponseStatus {
                var status: HTTPResponseStatus = .ok
                try await app.testing().test(
                    .POST, "/api/v1/tokens",
                    beforeRequest: { req in
                        try req.content.encode(["username": user, "password": password])
                    }, afterResponse: { res async in status = res.status })
                return status
            }
            for i in 0..<AddressLoginRule().limit {
                let status = try await attempt("nobody\(i)", "Wrong-pass-1!")
                #expect(status == .unauthorized)
            }
            let blocked = try await attempt("clerk1", demoPassword)
            #expect(blocked == .tooManyRequests)
            clock.advance(16 * 60)
            let later = try await attempt("clerk1", demoPassword)
            #expect(later == .ok)
        }
    }
}

import Fluent
import Testing
import VaporTesting
@testable import TuopinServer

@Suite struct AuthTests {
    @Test func webLoginSetsAStrictHttpOnlyCookieAndANewSessionEachTime() async throws {
        try await withTestApp { app in
            var first = ""
            try await app.testing().test(.POST, "/login", beforeRequest: { req in
                try req.content.encode(["username": "clerk1", "password": demoPassword], as: .urlEncodedForm)
            }) { res in
                #expect(res.status == .seeOther)
                let cookie = try #require(res.headers.setCookie?[SessionAuthenticator.cookieName])
                #expect(cookie.isHTTPOnly)
                #expect(cookie.sameSite == .strict)
                #expect(!cookie.isSecure)   // plain HTTP in tests; Secure is set when serving TLS
                first = cookie.string
            }
            // Logging in again from the same browser ends the old session and issues a new id.
            var headers = HTTPHeaders(); headers.cookie(first)
            var second = ""
            try await app.testing().test(.POST, "/login", headers: headers, beforeRequest: { req in
                try req.content.encode(["username": "clerk1", "password": demoPassword], as: .urlEncodedForm)
            }) { res in
                second = res.headers.setCookie?[SessionAuthenticator.cookieName]?.string ?? ""
            }
            #expect(!second.isEmpty && second != first)
            try await app.testing().test(.GET, "/units/540102001", headers: headers) { res in #expect(res.status == .unauthorized) }
        }
    }

    @Test func logoutEndsTheSessionOnTheServer() async throws {
        try await withTestApp { app in
            let cookie = try await app.webLogin("clerk1")
            var headers = HTTPHeaders(); headers.cookie(cookie)
            try await app.testing().test(.GET, "/units/540102001", headers: headers) { res in #expect(res.status == .ok) }
            // Without the form's token the logout is refused (CSRF), and the session lives on.
            try await app.testing().test(.POST, "/logout", headers: headers) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(.GET, "/units/540102001", headers: headers) { res in #expect(res.status == .ok) }
            try await app.testing().test(.POST, "/logout", headers: headers, beforeRequest: { req in
                try req.content.encode(["_csrf": CSRFMiddleware.token(forSession: cookie)], as: .urlEncodedForm)
            }) { res in #expect(res.status == .seeOther) }
            // The old cookie value replayed after logout no longer works.
            try await app.testing().test(.GET, "/units/540102001", headers: headers) { res in #expect(res.status == .unauthorized) }
        }
    }

    @Test func fiveWrongPasswordsLockTheAccountForFifteenMinutes() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            for attempt in 1...5 {
                try await app.testing().test(.POST, "/api/v1/tokens", beforeRequest: { req in
                    try req.content.encode(["username": "clerk2", "password": "wrong-\(attempt)"])
                }) { res in
                    #expect(res.status == (attempt < 5 ? .unauthorized : .tooManyRequests))
                }
            }
            // Locked: even the right password is refused, with a localised message.
            try await app.testing().test(.POST, "/api/v1/tokens", headers: ["Accept-Language": "en"], beforeRequest: { req in
                try req.content.encode(["username": "clerk2", "password": demoPassword])
            }) { res in
                #expect(res.status == .tooManyRequests)
                #expect(res.body.string.contains("locked until"))
            }
            clock.advance(15 * 60 + 1)
            _ = try await app.token("clerk2")
            let audit = try await app.db.sqlDatabase.select().column("action").from("audit_log")
                .where("action", .like, "auth.%").all(decodingColumn: "action", as: String.self)
            #expect(audit.filter { $0 == "auth.login_failed" }.count == 4)
            #expect(audit.contains("auth.locked"))
        }
    }

    @Test func wrongPasswordPageIsLocalisedAndUnknownUsersLookTheSame() async throws {
        try await withTestApp { app in
            for username in ["clerk1", "nobody"] {
                try await app.testing().test(.POST, "/login", headers: ["Cookie": "tuopin_lang=en"], beforeRequest: { req in
                    try req.content.encode(["username": username, "password": "nope"], as: .urlEncodedForm)
                }) { res in
                    #expect(res.status == .unauthorized)
                    #expect(res.body.string.contains("Wrong username or password."))
                }
            }
        }
    }

    @Test func badTokenRequestsGetClearErrorsAndChangeNothing() async throws {
        try await withTestApp { app in
            let before = try await app.auditCount()
            // Missing field.
            try await app.testing().test(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                         body: ByteBuffer(string: #"{"username":"clerk1"}"#)) { res in
                #expect(res.status == .badRequest)
                #expect(res.body.string.contains("password"))
            }
            // Not JSON at all.
            try await app.testing().test(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                         body: ByteBuffer(string: "{not json")) { res in
                #expect(res.status == .badRequest)
            }
            // Wrong content type.
            try await app.testing().test(.POST, "/api/v1/tokens", headers: ["Content-Type": "text/plain"],
                                         body: ByteBuffer(string: "username=clerk1")) { res in
                #expect(res.status == .unsupportedMediaType)
            }
            // Over 1 MiB.
            let big = #"{"username":"clerk1","password":""# + String(repeating: "x", count: 1_100_000) + #""}"#
            try await app.testing().test(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                         body: ByteBuffer(string: big)) { res in
                #expect(res.status == .payloadTooLarge)
                #expect(res.body.string.contains("1 MB"))
            }
            #expect(try await app.auditCount() == before)
        }
    }
}

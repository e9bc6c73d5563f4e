import Fluent
import Foundation
import Testing
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
            for _ in 0..<3 {                       // used every 29 minutes: stays open
                clock.advance(29 * 60)
                #expect(try await status(headers) == .ok)
            }
            clock.advance(31 * 60)                 // 31 minutes idle: ended
            #expect(try await status(headers) == .unauthorized)
            // An API token has no idle timeout (24 hours absolute).
            #expect(try await status(["Authorization": "Bearer \(token)"]) == .ok)
        }
    }

    @Test func aUserSeesAndEndsTheirOtherSessionsOnly() async throws {
        try await withTestApp(households: 0) { app in
            let (first, _) = try await app.session("clerk1")
            let (second, csrf) = try await app.session("clerk1")
            var sessionIDs: [Int] = []
            try await app.testing().test(.GET, "/sessions", headers: second) { res in
                #expect(res.status == .ok)
                sessionIDs = res.body.string.components(separatedBy: "/sessions/").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
            }
            #expect(sessionIDs.count == 1)          // the first session; the current one has no button
            var form = second
            form.contentType = .urlEncodedForm
            try await app.testing().test(.POST, "/sessions/\(sessionIDs[0])/end", headers: form, body: ByteBuffer(string: "_csrf=\(csrf)")) { res in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.GET, "/api/v1/standards", headers: first) { res in #expect(res.status == .unauthorized) }
            try await app.testing().test(.GET, "/api/v1/standards", headers: second) { res in #expect(res.status == .ok) }
            // Someone else's session is not found.
            let (other, otherCSRF) = try await app.session("clerk2")
            var otherForm = other
            otherForm.contentType = .urlEncodedForm
            let clerk1 = try await User.query(on: app.db).filter(\.$username == "clerk1").first()!
            let target = try await UserSession.query(on: app.db).filter(\.$userID == clerk1.id!).filter(\.$endedAt == nil).first()!
            try await app.testing().test(.POST, "/sessions/\(target.id!)/end", headers: otherForm, body: ByteBuffer(string: "_csrf=\(otherCSRF)")) { res in
                #expect(res.status == .notFound)
            }
            #expect(try await UserSession.find(target.id!, on: app.db)!.endedAt == nil)
        }
    }

    @Test func behindTLSTheCookieIsHostPrefixedAndSecure() async throws {
        try await withTestApp(households: 0, secureCookies: true) { app in
            var cookie = ""
            try await app.testing().test(.POST, "/login", beforeRequest: { req in
                try req.content.encode(["username": "clerk1", "password": demoPassword], as: .urlEncodedForm)
            }, afterResponse: { res async in
                let value = res.headers.setCookie?[SessionAuthenticator.secureCookieName]
                #expect(value?.isSecure == true && value?.isHTTPOnly == true && value?.path == "/" && value?.domain == nil)
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

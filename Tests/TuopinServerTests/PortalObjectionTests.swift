import Fluent
import Foundation
import Testing
import TuopinCore
import Vapor
import VaporTesting

@testable import TuopinServer

/// The public objection form answers with a redirect to the notice and its receipt (issue #24):
/// reloading the receipt files nothing, and a code of another notice shows no receipt.
@Suite struct PortalObjectionTests {
    @Test func filingRedirectsAndAReloadFilesNothing() async throws {
        try await withTestApp(households: 216, cases: true) { app in
            let today = app.clock.today
            let notices = try await Notice.query(on: app.db).all()
            let running = try #require(notices.first { $0.startsOn <= today && today <= $0.endsOn })
            let id = try running.requireID()
            let anonymous = (HTTPHeaders(), "")
            func count() async throws -> Int { try await Objection.query(on: app.db).filter(\.$noticeID == id).count() }
            let before = try await count()
            let filed = try await app.postForm("/gongshi/\(id)/objections", anonymous, [("text", "该户收入登记不实。")])
            #expect(filed.0 == .seeOther)
            let location = try #require(filed.2)
            #expect(location.hasPrefix("/gongshi/\(id)?filed="))
            #expect(try await count() == before + 1)
            let code = String(location.split(separator: "=").last!)
            for _ in 0..<2 {
                let page = try await app.get(location, anonymous.0)
                #expect(page.0 == .ok && page.1.contains(#"id="tracking-code">\#(code)<"#))
            }
            #expect(try await count() == before + 1)
            let other = try #require(notices.first { $0.id != id })
            let elsewhere = try await app.get("/gongshi/\(other.id!)?filed=\(code)", anonymous.0)
            #expect(!elsewhere.1.contains(#"id="tracking-code""#))
        }
    }
}

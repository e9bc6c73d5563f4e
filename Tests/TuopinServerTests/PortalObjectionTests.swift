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
            // The page's form carries a one-time token: the same form sent twice files one objection and
            // answers with its code both times; a fresh page gives a fresh token.
            let page = try await app.get("/gongshi/\(id)", anonymous.0).1
            let token = try #require(Self.formToken(page))
            #expect(try Self.formToken(try await app.get("/gongshi/\(id)", anonymous.0).1) != token)
            let fields = [("text", "重复提交的异议。"), ("form_token", token)]
            let first = try await app.postForm("/gongshi/\(id)/objections", anonymous, fields)
            let second = try await app.postForm("/gongshi/\(id)/objections", anonymous, fields)
            #expect(first.0 == .seeOther && second.2 == first.2)
            #expect(try await count() == before + 2)
            // A token used on one notice files nothing on another.
            let misused = try await app.postForm("/gongshi/\(other.id!)/objections", anonymous, fields)
            #expect(misused.0 == .badRequest)
        }
    }

    /// The public list pages through every notice (it stopped at 200), 50 a page, and names each by
    /// its number so that notices of the same title can be told apart.
    @Test func thePublicListPagesThroughEveryNotice() async throws {
        try await withTestApp(households: 216, cases: true) { app in
            let total = try await Notice.query(on: app.db).count()
            var seen: [String] = [], page = 1, next: String? = "/gongshi?page=1"
            while let path = next, page < 100 {
                let html = try await app.get(path, HTTPHeaders()).1
                let ids = html.components(separatedBy: #"<a href="/gongshi/"#).dropFirst().compactMap {
                    let id = String($0.prefix { $0.isNumber })
                    return id.isEmpty ? nil : id
                }
                #expect(ids.count <= PortalController.listPage)
                for id in ids { #expect(html.contains("公示编号 \(id)")) }
                seen += ids
                next = html.components(separatedBy: #"<a href=""#).first { $0.contains(#"id="notices-next""#) }
                    .map { String($0.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&") }
                page += 1
            }
            #expect(seen.count == total && Set(seen).count == total)
            #expect(total > PortalController.listPage)
        }
    }

    /// The objector's contact: in full to who decides, masked to others, "" when none was given.
    @Test func theContactIsShownToTheDeciderOnly() async throws {
        try await withTestApp(households: 0) { app in
            let o = Objection()
            o.contactCipher = try app.tuopin.protector.encrypt("13951736388")
            #expect(ObjectionContact.shown(o, toDecider: true, app.tuopin.protector) == "13951736388")
            #expect(ObjectionContact.shown(o, toDecider: false, app.tuopin.protector) == "139****6388")
            o.contactCipher = nil
            #expect(ObjectionContact.shown(o, toDecider: true, app.tuopin.protector) == "")
        }
    }

    /// On the case page the decider sees the contact in full, and that read is in the audit log; staff who may
    /// see the case but not decide see it masked, and nothing is logged for them.
    @Test func theDecidersReadOfAContactIsAudited() async throws {
        try await withTestApp(households: 216, cases: true) { app in
            let today = app.clock.today
            let links = try await NoticeCase.query(on: app.db).all()
            let notices = try await Notice.query(on: app.db).filter(\.$id ~~ links.map(\.id!.noticeID)).all()
            let running = try #require(notices.first { $0.startsOn <= today && today <= $0.endsOn })
            let caseID = try #require(links.first { $0.id!.noticeID == running.id }?.id?.caseID)
            let filed = try await app.postForm(
                "/gongshi/\(running.id!)/objections", (HTTPHeaders(), ""),
                [("text", "该户家里有车。"), ("name", "次仁"), ("contact", "13951736388")])
            #expect(filed.0 == .seeOther)
            func reads() async throws -> Int { try await app.auditCount(action: "objection.contact_read") }
            var full = 0, masked = 0
            for user in ["village1", "clerk1", "township1", "chengguan"] {
                let before = try await reads()
                let page = try await app.get("/cases/\(caseID)", try await app.session(user).0)
                guard page.0 == .ok else { continue }
                if page.1.contains("13951736388") {
                    full += 1
                    #expect(try await reads() == before + 1, "\(user)")
                } else {
                    #expect(page.1.contains("139****6388"), "\(user)")
                    masked += 1
                    #expect(try await reads() == before, "\(user)")
                }
            }
            #expect(full >= 1 && masked >= 1)
        }
    }

    static func formToken(_ page: String) -> String? {
        page.components(separatedBy: #"name="form_token" value=""#).dropFirst().first.map { String($0.prefix(32)) }
    }
}

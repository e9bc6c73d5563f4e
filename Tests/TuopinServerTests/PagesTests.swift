import Fluent
import Foundation
import Testing
import VaporTesting
@testable import TuopinServer

@Suite struct PagesTests {
    /// The map's legend never repeats a range (issue #24: disbursement showed five "0.00%–0.00%").
    @Test func theMapLegendShowsDistinctClasses() async throws {
        try await withTestApp(households: 216) { app in
            let county = try await app.session("chengguan")
            for measure in ["incidence", "disbursement", "remaining", "violations"] {
                let page = try await app.get("/map?measure=\(measure)", county.0).1
                let labels = page.components(separatedBy: ##"stroke="#999"/></svg>"##).dropFirst().map {
                    String($0.prefix { $0 != "<" })
                }
                #expect(labels.count >= 2 && Set(labels).count == labels.count, "\(measure): \(labels)")
            }
        }
    }

    /// A county user's map starts on their prefecture with the counties named (issue #24); the whole
    /// region is one choice away and names no county.
    @Test func aCountyUsersMapShowsTheirPrefectureWithNames() async throws {
        try await withTestApp(households: 0) { app in
            let county = try await app.session("chengguan")
            let own = try await app.get("/map", county.0).1
            #expect(own.contains(#"class="county-label""#) && own.contains(">城关区</text>"))
            #expect(own.contains(#"<option value="5401" selected"#))
            let region = try await app.get("/map?prefecture=", county.0).1
            #expect(!region.contains(#"class="county-label""#))
        }
    }

    @Test func regionHomeListsThePrefecturesWithCounts() async throws {
        try await withTestApp { app in
            var headers = HTTPHeaders(); headers.cookie(try await app.webLogin("region"))
            try await app.testing().test(.GET, "/", headers: headers) { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/units/54")
            }
            try await app.testing().test(.GET, "/units/54", headers: headers) { res in
                #expect(res.status == .ok)
                let html = res.body.string
                for name in ["拉萨市", "日喀则市", "昌都市", "林芝市", "山南市", "那曲市", "阿里地区"] { #expect(html.contains(name)) }
                #expect(html.contains(#"id="total-households">216<"#))
            }
        }
    }

    @Test func thePublicHomeShowsTheRegionsFiguresNoticesAndHowToObjectInEveryLanguage() async throws {
        try await withTestApp(cases: true) { app in
            let all = try await Household.query(on: app.db).all()
            let exited = all.filter { $0.status.hasExited }
            let running = try await PortalController.rows(
                Request(application: app, on: app.eventLoopGroup.any()),
                notices: try await Notice.query(on: app.db).all()
            ).filter(\.running)
            try await app.testing().test(.GET, "/", headers: ["Cookie": "tuopin_lang=zh-Hans"]) { res in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains(#"id="fig-exited">已脱贫<strong>\#(exited.count)</strong>"#))
                #expect(html.contains("\(exited.map(\.memberCount).reduce(0, +)) 人"))
                #expect(html.contains(#"id="chart-years-table""#))
                #expect(html.contains(#"id="how-to-object""#) && html.contains(#"href="/gongshi/track""#))
                #expect(!running.isEmpty)
                for n in running.prefix(3) { #expect(html.contains(#"href="/gongshi/\#(n.id)""#)) }
                // Aggregates only: no household numbers, names or masked IDs.
                #expect(!html.contains(all[0].number))
                #expect(!html.contains("********"))
            }
            for (lang, text) in [("bo", "རྩོད་གཞི་ཇི་ལྟར་འདོན་དགོས།"), ("en", "How to object")] {
                try await app.testing().test(.GET, "/", headers: ["Cookie": "tuopin_lang=\(lang)"]) { res in
                    #expect(res.body.string.contains(text))
                }
            }
        }
    }

    @Test func clerkHomeShowsTheirTownshipVillagesAndBreadcrumbsStopAtTheirScope() async throws {
        try await withTestApp { app in
            var headers = HTTPHeaders(); headers.cookie(try await app.webLogin("clerk1"))
            try await app.testing().test(.GET, "/", headers: headers) { res in
                #expect(res.headers.first(name: .location) == "/units/540102001")
            }
            let count = try await Household.query(on: app.db).filter(\.$townshipCode == "540102001").count()
            try await app.testing().test(.GET, "/units/540102001", headers: headers) { res in
                let html = res.body.string
                #expect(html.contains("540102001201"))
                #expect(html.contains(#"id="total-households">\#(count)<"#))
                #expect(!html.contains(#"href="/units/540102""#))  // no link above their scope
                #expect(html.contains(#"id="nav-imports""#))
            }
            // The menu offers only what the role may do: a village cadre has no 导入 (the page is 403 for them).
            let village = try await app.session("village1")
            let (status, page) = try await app.get("/units/540102001201", village.0)
            #expect(status == .ok && !page.contains(#"id="nav-imports""#))
            #expect(try await app.get("/imports", village.0).0 == .forbidden)
        }
    }

    @Test func languageSwitchShowsTibetanAndEnglish() async throws {
        try await withTestApp { app in
            try await app.testing().test(.GET, "/lang/bo?to=/login") { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/login")
                #expect(res.headers.setCookie?[Request.languageCookie]?.string == "bo")
            }
            try await app.testing().test(.GET, "/login", headers: ["Cookie": "tuopin_lang=bo"]) { res in
                #expect(res.body.string.contains("ནང་འཛུལ།"))
                #expect(res.body.string.contains(#"<html lang="bo">"#))
            }
            try await app.testing().test(.GET, "/login", headers: ["Accept-Language": "en-GB,en;q=0.9"]) { res in
                #expect(res.body.string.contains("Log in"))
            }
            // Only same-site paths of a fixed shape (issue #22 H3): another host, a tab that
            // browsers drop (`/\t/evil` is `//evil`), a line break that would add a header, a
            // backslash, an escaped control character — each goes home instead.
            for to in [
                "//evil.example/", "/%09/evil.example/x", "/%0d%0aSet-Cookie:%20tuopin_session=x",
                "https://evil.example/",
                "/\\evil.example", "/cases?q=%0a", "evil", "/%E4%B8%AD", "/cases?to=%7f",
            ] {
                let escaped = to.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/")))!
                for raw in [to, escaped] {
                    try await app.testing().test(.GET, "/lang/en?to=\(raw)") { res in
                        #expect(res.status == .seeOther)
                        #expect(res.headers.first(name: .location) == "/", "\(raw)")
                        #expect(res.headers[.setCookie].allSatisfy { !$0.contains("tuopin_session") }, "\(raw)")
                    }
                }
            }
            for to in ["/cases", "/households/12?tab=members&page=2", "/notices?q=%E6%A0%BC%E6%A1%91", "/"] {
                let escaped = to.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/")))!
                try await app.testing().test(.GET, "/lang/en?to=\(escaped)") { res in
                    #expect(res.headers.first(name: .location) == to, "\(to)")
                }
            }
        }
    }

    /// Issue #22 (Low): refusals and error pages carry the security headers (the header middleware
    /// sits outside the error middleware), and nothing but Public/'s files may be cached.
    @Test func errorsCarryTheSecurityHeadersAndOnlyStaticFilesMayBeCached() async throws {
        try await withTestApp(households: 0) { app in
            let clerk = try await app.session("clerk1")
            let exportPath =
                "/households/export/members/csv?reason=" + "核对".addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)!
            for (path, headers) in [
                ("/no-such-page", HTTPHeaders()), ("/households/999999", clerk.0),
                ("/api/v1/households/1", HTTPHeaders()),
                ("/units/540102", clerk.0), (exportPath, clerk.0), ("/api/v1/openapi.json", HTTPHeaders()),
            ] {
                try await app.testing().test(.GET, path, headers: headers) { res in
                    #expect(
                        res.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true,
                        "\(path) \(res.status)")
                    #expect(res.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                    #expect(res.headers.first(name: .cacheControl) == "no-store", "\(path)")
                }
            }
            try await app.testing().test(.GET, "/css/tuopin.css") { res in
                #expect(
                    res.status == .ok && res.headers.first(name: .cacheControl) == nil
                        && res.headers.first(name: "X-Frame-Options") == "DENY")
            }
        }
    }

    /// Every rule has its message and title in every language, and the Chinese title is the rule's own.
    @Test func everyRuleSpeaksEveryLanguage() throws {
        let localizer = try Localizer.load(from: packageRoot() + "Resources/Locales")
        for rule in RuleID.allCases {
            for language in Language.allCases {
                #expect(localizer.tables[language]![rule.messageKey] != nil, "\(language) lacks \(rule.messageKey)")
                #expect(localizer.tables[language]![rule.titleKey] != nil, "\(language) lacks \(rule.titleKey)")
            }
            #expect(localizer.tables[.zh]![rule.titleKey] == rule.title)
        }
    }

    @Test func everyLocaleHasEveryKeyAndEveryTemplateKeyExists() throws {
        let root = packageRoot()
        let localizer = try Localizer.load(from: root + "Resources/Locales")
        let zh = Set(localizer.tables[.zh]!.keys)
        for language in Language.allCases {
            let keys = Set(localizer.tables[language]!.keys)
            #expect(keys == zh, "\(language) differs: \(keys.symmetricDifference(zh).sorted())")
            #expect(localizer.tables[language]!.values.allSatisfy { !$0.isEmpty })
        }
        let views = try FileManager.default.contentsOfDirectory(atPath: root + "Resources/Views")
        let pattern = try NSRegularExpression(pattern: #"\bt\.([a-z_0-9]+)"#)
        for view in views {
            let text = try String(contentsOfFile: root + "Resources/Views/" + view, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                #expect(zh.contains(key), "\(view) uses missing key \(key)")
            }
        }
        for role in Role.allCases { #expect(zh.contains(role.labelKey)) }
        for status in HouseholdStatus.allCases { #expect(zh.contains(status.labelKey)) }
        // The responsibility chain's vocabularies and every rule's text and title.
        let labels =
            LetterState.allCases.map(\.labelKey) + ReportFrequency.allCases.map(\.labelKey)
            + PlanKind.allCases.map(\.labelKey)
            + PrincipalRole.allCases.map(\.labelKey) + OrganisationType.allCases.map(\.labelKey)
            + ContributionKind.allCases.map(\.labelKey)
            + CadreRank.allCases.map(\.labelKey) + StationedRole.allCases.map(\.labelKey)
            + CadrePosition.allCases.map(\.labelKey) + QuotaGroup.allCases.map(\.labelKey)
            + [ReportStanding.onTime, .late, .missing, .open].map(\.labelKey)
            + FundSource.allCases.map(\.labelKey) + ProjectCategory.allCases.map(\.labelKey)
            + ProjectNature.allCases.map(\.labelKey)
            + ProjectStatus.allCases.map(\.labelKey) + LedgerMove.allCases.map { "fund_move_\($0.rawValue)" }
            + Workflows.all.flatMap { wf in
                ["wf_name_\(wf.id)", "notice_title_\(wf.id)"] + wf.steps.map { "wf_action_\($0.action)" }
            }
            + ComplianceRules.all.flatMap { [$0.id.messageKey, $0.id.titleKey] }
            + [RuleID.r05_1, .r20_2].map { Refusal.leadershipLocked(rule: $0.rawValue).key }
        for key in labels { #expect(zh.contains(key), "missing \(key)") }
    }

    /// Words a template may show as they are: file formats, a rule's code, and each language's
    /// own name on the language switch.
    static let literalAllowed: Set<String> = ["CSV", "XLSX", "PDF", "R-06-1", "中文", "བོད་ཡིག", "English"]

    /// Text a template shows outside its Leaf expressions, tags and code: what would not change
    /// with the language. (Attribute values shown to people — title, placeholder, alt, aria-label — too.)
    static func literalText(_ template: String) throws -> [String] {
        var s = template
        for pattern in [#"(?s)<script.*?</script>"#, #"(?s)<style.*?</style>"#, #"(?s)<!--.*?-->"#] {
            s = s.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        // Leaf: #name(… balanced …): and #name / #name: without parameters.
        var out = "", chars = Array(s), i = 0
        while i < chars.count {
            if chars[i] == "#", i + 1 < chars.count, chars[i + 1] == "(" || chars[i + 1].isLetter {
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                if j < chars.count, chars[j] == "(" {
                    var depth = 0
                    while j < chars.count {
                        if chars[j] == "\"" {
                            j += 1; while j < chars.count, chars[j] != "\"" { j += 1 }
                        } else if chars[j] == "(" {
                            depth += 1
                        } else if chars[j] == ")" {
                            depth -= 1; if depth == 0 { j += 1; break }
                        }
                        j += 1
                    }
                }
                if j < chars.count, chars[j] == ":" { j += 1 }
                out += " "; i = j; continue
            }
            out.append(chars[i]); i += 1
        }
        let shownAttributes = try NSRegularExpression(pattern: #"\b(?:title|placeholder|alt|aria-label)="([^"]*)""#)
        var pieces = shownAttributes.matches(in: out, range: NSRange(out.startIndex..., in: out)).map {
            String(out[Range($0.range(at: 1), in: out)!])
        }
        let text = out.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "&[a-z#0-9]+;", with: " ", options: .regularExpression)
        pieces += text.split(whereSeparator: \.isWhitespace).map(String.init)
        return pieces.filter { piece in piece.unicodeScalars.contains { $0.properties.isAlphabetic } }
    }

    /// Templates link only through `#url(…)` (SiteURL), and every link they name exists with that
    /// many arguments; only stylesheets are written as paths.
    @Test func templatesLinkThroughSiteURL() throws {
        let root = packageRoot() + "Resources/Views/"
        let tag = try NSRegularExpression(pattern: #"#url\("([A-Za-z]+)"((?:, [^,)]+)*)\)"#)
        var links = 0
        for view in try FileManager.default.contentsOfDirectory(atPath: root) where view.hasSuffix(".leaf") {
            let text = try String(contentsOfFile: root + view, encoding: .utf8)
            let hand = text.components(separatedBy: #"href="/"#).dropFirst().filter { !$0.hasPrefix("css/") }
            #expect(hand.isEmpty, "\(view) writes internal paths by hand: \(hand.map { $0.prefix(40) })")
            for m in tag.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let name = String(text[Range(m.range(at: 1), in: text)!])
                let count = String(text[Range(m.range(at: 2), in: text)!]).components(separatedBy: ", ").count - 1
                #expect(
                    SiteURLTag.url(name, Array(repeating: "1", count: count)) != nil,
                    "\(view): #url(\"\(name)\") with \(count) arguments")
                links += 1
            }
        }
        #expect(links > 100)
        #expect(SiteURLTag.url("household", ["7"])?.path == "/households/7")
        #expect(SiteURLTag.url("unitPart", ["540102", "funds"])?.path == "/units/540102/funds")
        #expect(
            SiteURLTag.url("nowhere", []) == nil && SiteURLTag.url("household", []) == nil
                && SiteURLTag.url("home", ["x"]) == nil)
    }

    @Test func noTemplateShowsUntranslatedText() throws {
        // The check itself: literal words are found, expressions and tags are not.
        #expect(
            try Self.literalText(##"<p title="#(t.x)">#(t.a) Save <b>#if(x):#(y)#else:保存#endif</b></p>"##) == [
                "Save", "保存",
            ])
        #expect(try Self.literalText(##"<input value="accept"><a href="/x?y=#(z)">#(t.b)</a> · 3 – 5%"##).isEmpty)
        let root = packageRoot() + "Resources/Views/"
        for view in try FileManager.default.contentsOfDirectory(atPath: root).sorted() where view.hasSuffix(".leaf") {
            let literal = try Self.literalText(try String(contentsOfFile: root + view, encoding: .utf8)).filter {
                !Self.literalAllowed.contains($0)
            }
            #expect(literal.isEmpty, "\(view) shows untranslated text: \(literal)")
        }
    }

    @Test func healthAndMetrics() async throws {
        try await withTestApp(households: nil) { app in
            try await app.testing().test(.GET, "/healthz") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(#""status":"ok""#))
            }
            try await app.testing().test(.GET, "/login") { _ in }
            // The in-memory tester has no peer address, so it is not loopback: metrics stay hidden.
            try await app.testing().test(.GET, "/metrics") { res in #expect(res.status == .notFound) }
            // One registry per process (swift-metrics has one backend): other tests count too, so
            // this test writes and compares the counters before and after.
            func value(_ name: String) -> Double {
                Telemetry.exposition().split(separator: "\n").first { $0.hasPrefix(name + " ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            }
            let commits = value("tuopin_write_commits_total"), entries = value("tuopin_audit_entries_committed_total")
            let now = app.tuopin.now()
            try await app.write { tx in
                try await AuditLog.append(
                    on: tx, actor: .system, action: "test.metrics", entity: "test", entityID: "1", at: now)
                try await AuditLog.append(
                    on: tx, actor: .system, action: "test.metrics", entity: "test", entityID: "2", at: now)
            }
            #expect(value("tuopin_write_commits_total") >= commits + 1)
            #expect(value("tuopin_audit_entries_committed_total") >= entries + 2)
            let text = Telemetry.exposition()
            for line in [
                #"http_requests_total{method="GET",path="/login",status="200"} "#,
                #"http_requests_total{method="GET",path="/healthz",status="200"} "#,
                #"http_request_duration_seconds_bucket{method="GET",path="/login",status="200",le="0.001"} "#,
                "# TYPE tuopin_write_commits_total counter", "# TYPE tuopin_audit_entries_committed_total counter",
                "# TYPE tuopin_write_gate_wait_seconds histogram", #"tuopin_database_pool_connections{engine=""#,
            ] {
                #expect(text.contains(line), "\(line) missing from /metrics")
            }
            // Routes by pattern, never by raw path: ids must not become label values.
            try await app.testing().test(.GET, "/households/123456") { _ in }
            #expect(!Telemetry.exposition().contains("/households/123456"))
        }
    }

    @Test func securityHeadersOnEveryPage() async throws {
        try await withTestApp(households: nil) { app in
            try await app.testing().test(.GET, "/login") { res in
                #expect(res.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
            }
        }
    }
}

import TuopinCore

import Foundation
import SnapshotTesting
import Testing
import VaporTesting
@testable import TuopinServer

/// The behaviour pinned before the renovation (issue #23): the HTML of every page and the JSON of
/// every API read, as several roles, on the test demo (600 households with cases and last year's
/// assessment) with the fixed test clock. Every GET route of the route table is read with the
/// objects of `ObjectAccessTests.fixture`; what a role may not read is pinned as its refusal.
/// A change of a page shows here as a diff of its file under `__Snapshots__/BehaviourSnapshotTests/`;
/// an intended change is re-recorded with `SNAPSHOT_TESTING_RECORD=failed` and said in the commit.
@Suite struct BehaviourSnapshotTests {
    /// Who reads: the public, each level of the chain, and the oversight roles.
    static let readers = ["anonymous", "region", "lasa", "chengguan", "clerk1", "village1", "auditor", "discipline"]

    /// Routes whose answer changes from run to run: the metrics carry timings.
    static let skipped: Set<String> = ["GET /metrics"]

    @Test(arguments: readers) func everyPageAndAPIReadAsThisRoleIsUnchanged(_ reader: String) async throws {
        try await withTestApp(households: 600, cases: true, assessment: true) { app in
            let fixture = try await ObjectAccessTests.fixture(app)
            // The objects the sweep of other units leaves out (public routes): the fixture case's notice,
            // its objection's tracking code, an export and a language.
            let notice = try await WorkflowCase.find(fixture.caseID, on: app.db)!.noticeID!
            let code = try await Objection.find(fixture.objection, on: app.db)!.code
            let publicPaths = [
                "GET /gongshi/:id": "/gongshi/\(notice)", "GET /api/v1/notices/:id": "/api/v1/notices/\(notice)",
                "GET /api/v1/objections/:code": "/api/v1/objections/\(code)",
                "GET /households/export/:kind/:format": "/households/export/members/csv",
                "GET /lang/:lang": "/lang/bo?to=/",
            ]
            var headers = HTTPHeaders(), token = HTTPHeaders()
            if reader != "anonymous" {
                headers = try await app.session(reader).0
                token.bearerAuthorization = .init(token: try await app.token(reader))
            }
            let routes = app.routes.all.filter { $0.method == .GET }
                .map { ($0, "GET /" + $0.path.map(\.description).joined(separator: "/")) }
                .filter { !Self.skipped.contains($0.1) && !$0.1.contains("*") }
                .sorted { $0.1 < $1.1 }
            for (route, key) in routes {
                let path = publicPaths[key] ?? ObjectAccessTests.path(route, fixture)
                let isAPI = path.hasPrefix("/api/")
                try await app.testing().test(.GET, path, headers: isAPI ? token : headers) { res in
                    let text = Self.scrubbed(res, path: path.replacingOccurrences(of: code, with: "TRACKING"))
                    assertSnapshot(of: text, as: .lines, named: "\(reader).\(Self.fileName(key))", testName: "read")
                }
            }
        }
    }

    /// A file name of a route key: `GET /households/:id` → `households_id`.
    static func fileName(_ key: String) -> String {
        let name = key.dropFirst(5).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "/", with: "_")
        return name.isEmpty ? "home" : name
    }

    /// The answer as text without what differs between two runs of the same code: the per-session
    /// form token, the objections' random tracking codes, the database engine, the order of JSON keys and the bytes of
    /// binary files.
    static func scrubbed(_ res: TestingHTTPResponse, path: String) -> String {
        var head = "GET \(path)\n\(res.status.code) \(res.headers.contentType?.description ?? "-")"
        if let location = res.headers.first(name: .location) { head += "\nLocation: \(location)" }
        if let disposition = res.headers.first(name: .contentDisposition) {
            head += "\nContent-Disposition: \(disposition)"
        }
        let type = res.headers.contentType
        guard type == nil || type?.type == "text" || type?.subType == "json" || type?.subType.hasSuffix("xml") == true
        else {
            return head + "\n(\(res.body.readableBytes) bytes)\n"
        }
        var body = res.body.string
        // JSON objects have no key order: pinned sorted and one field a line.
        if type?.subType == "json", let data = body.data(using: .utf8),
            let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let sorted = try? JSONSerialization.data(
                withJSONObject: value,
                options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes, .fragmentsAllowed])
        {
            body = String(decoding: sorted, as: UTF8.self)
        }
        // An objection's tracking code is drawn at random when the demo is seeded.
        for (pattern, stand) in [
            (#"name="_csrf" value="[^"]*""#, "CSRF"), (#"name="form_token" value="[0-9a-f]*""#, "FORM_TOKEN"),
            (#""code" : "[A-Z0-9]{10}""#, #""code" : "TRACKING""#),
            ("[A-Z0-9]{3}•••••[A-Z0-9]{2}", "TRA•••••NG"),
            (#""database" : "(sqlite|postgresql)""#, #""database" : "ENGINE""#),
        ] {
            body = body.replacingOccurrences(of: pattern, with: stand, options: .regularExpression)
        }
        return head + "\n\n" + body + "\n"
    }
}

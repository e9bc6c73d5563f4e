import Foundation
import Testing
import VaporTesting
import TuopinCore

@testable import TuopinServer

@Suite struct OpenAPITests {
    /// Year bounds that move with the calendar are served as this year's numbers.
    @Test func yearBoundsFollowTheCalendar() async throws {
        try await withTestApp(households: nil) { app in
            let year = app.clock.today.year
            try await app.testing().test(.GET, "/api/v1/openapi.json") { res in
                let doc = try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as! [String: Any]
                let schemas = (doc["components"] as! [String: Any])["schemas"] as! [String: Any]
                let patch = (schemas["HouseholdPatch"] as! [String: Any])["properties"] as! [String: Any]
                #expect((patch["planned_exit_year"] as! [String: Any])["maximum"] as? Int == year + 10)
                let create = (schemas["HouseholdCreate"] as! [String: Any])["properties"] as! [String: Any]
                #expect((create["identified_year"] as! [String: Any])["maximum"] as? Int == year)
            }
        }
    }

    /// Every /api/v1 route is described, with its method, and the document describes no route that does not exist.
    @Test func documentMatchesTheRouteTable() async throws {
        try await withTestApp(households: nil) { app in
            var served: Set<String> = []
            try await app.testing().test(.GET, "/api/v1/openapi.json") { res in
                #expect(res.status == .ok)
                let doc = try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as! [String: Any]
                #expect(doc["openapi"] as? String == "3.1.0")
                for (path, methods) in doc["paths"] as! [String: [String: Any]] {
                    for method in methods.keys { served.insert("\(method.uppercased()) \(path)") }
                }
            }
            let routes = Set(
                app.routes.all.compactMap { route -> String? in
                    let path =
                        "/"
                        + route.path.map { component -> String in
                            let text = component.description
                            return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
                        }.joined(separator: "/")
                    guard path.hasPrefix("/api/v1/"), path != "/api/v1/openapi.json" else { return nil }
                    return "\(route.method.rawValue) \(path)"
                })
            #expect(routes.isSubset(of: served), "undocumented: \(routes.subtracting(served).sorted())")
            let documentedAPI = served.filter { $0.contains(" /api/v1/") }
            #expect(documentedAPI == routes, "documented but absent: \(documentedAPI.subtracting(routes).sorted())")
        }
    }

    /// The local-practice keys and kinds the document lists are the ones the code has (a new kind was once
    /// served that the document did not allow: the API fuzzing caught it, the unit tests did not).
    @Test func localPracticeKeysAndKindsAreThoseOfTheCode() throws {
        let url = URL(fileURLWithPath: packageRoot() + "Resources/openapi.json")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let schemas = (doc["components"] as! [String: Any])["schemas"] as! [String: Any]
        let practice = (schemas["LocalPractice"] as! [String: Any])["properties"] as! [String: Any]
        let kinds = Set((practice["kind"] as! [String: Any])["enum"] as! [String])
        #expect(kinds == Set(LocalPractice.Key.allCases.map(\.kind.rawValue)))
        let put = ((doc["paths"] as! [String: Any])["/api/v1/local-practices/{key}"] as! [String: Any])["put"]
        let parameter = ((put as! [String: Any])["parameters"] as! [[String: Any]])[0]
        let keys = (parameter["schema"] as! [String: Any])["enum"] as! [String]
        #expect(Set(keys) == Set(LocalPractice.Key.allCases.map(\.rawValue)))
    }
}

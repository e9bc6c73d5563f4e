import Fluent
import Testing
import VaporTesting
@testable import TuopinServer

/// Scope is enforced in the data-access layer: another unit's household is "not found" through
/// every door, and lists hold only what is in scope.
@Suite struct AccessTests {
    @Test func clerkGets404ForAnotherTownshipsHouseholdThroughPageAndAPI() async throws {
        try await withTestApp { app in
            // setup
            let own = try await app.householdID(inTownship: "540102001")
            let other = try await app.householdID(inTownship: "540103001")
            let token = try await app.token("clerk1")
            let cookie = try await app.webLogin("clerk1")
            // act + assert
            try await app.testing().test(
                .GET, "/api/v1/households/\(other)", headers: ["Authorization": "Bearer \(token)"]
            ) { res in
                #expect(res.status == .notFound)
                #expect(!res.body.string.contains("540103001"))
            }
            var headers = HTTPHeaders(); headers.cookie(cookie)
            try await app.testing().test(.GET, "/households/\(other)", headers: headers) { res in
                #expect(res.status == .notFound)
                #expect(res.body.string.contains("找不到"))
            }
            try await app.testing().test(
                .GET, "/api/v1/households/\(own)", headers: ["Authorization": "Bearer \(token)"]
            ) { res in
                #expect(res.status == .ok)
                let detail = try res.content.decode(HouseholdController.Detail.self)
                #expect(detail.village.hasPrefix("540102001"))
                #expect(!detail.members.isEmpty)
                #expect(detail.members.allSatisfy { $0.resident_id.contains("***********") })
            }
            try await app.testing().test(.GET, "/households/\(own)", headers: headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("household-number"))
            }
        }
    }

    @Test func listHoldsOnlyHouseholdsInScopeAndPaginates() async throws {
        try await withTestApp { app in
            let token = try await app.token("clerk1")
            let expected = try await Household.query(on: app.db).filter(\.$townshipCode == "540102001").count()
            #expect(expected > 2)
            var seen: [HouseholdController.Summary] = []
            var next: String? = nil
            repeat {
                let url = "/api/v1/households?limit=2" + (next.map { "&next=\($0)" } ?? "")
                try await app.testing().test(.GET, url, headers: ["Authorization": "Bearer \(token)"]) { res in
                    #expect(res.status == .ok)
                    let page = try res.content.decode(HouseholdController.ListPage.self)
                    #expect(page.items.count <= 2)
                    seen += page.items
                    next = page.next
                }
            } while next != nil
            #expect(seen.count == expected)
            #expect(Set(seen.map(\.id)).count == expected)
            #expect(seen.allSatisfy { $0.village.hasPrefix("540102001") })
        }
    }

    @Test func villageRolesSeeOnlyTheirVillageAndRegionSeesAll() async throws {
        try await withTestApp { app in
            let villageToken = try await app.token("supervisor1")
            try await app.testing().test(
                .GET, "/api/v1/households?limit=500", headers: ["Authorization": "Bearer \(villageToken)"]
            ) { res in
                let page = try res.content.decode(HouseholdController.ListPage.self)
                #expect(!page.items.isEmpty)
                #expect(page.items.allSatisfy { $0.village == "540102001201" })
            }
            let regionToken = try await app.token("region")
            try await app.testing().test(
                .GET, "/api/v1/households?limit=500", headers: ["Authorization": "Bearer \(regionToken)"]
            ) { res in
                let page = try res.content.decode(HouseholdController.ListPage.self)
                #expect(page.items.count == 216)
            }
            // The system administrator manages users, not households (等保 separation of duties).
            let adminToken = try await app.token("admin")
            try await app.testing().test(
                .GET, "/api/v1/households?limit=500", headers: ["Authorization": "Bearer \(adminToken)"]
            ) { res in
                let page = try res.content.decode(HouseholdController.ListPage.self)
                #expect(page.items.isEmpty)
            }
        }
    }

    @Test func unitPagesOutsideScopeAreNotFound() async throws {
        try await withTestApp { app in
            var headers = HTTPHeaders(); headers.cookie(try await app.webLogin("clerk1"))
            for path in ["/units/540103001", "/units/540102", "/units/54", "/units/540102002201"] {
                try await app.testing().test(.GET, path, headers: headers) { res in
                    #expect(res.status == .notFound, "\(path)")
                }
            }
            for path in ["/units/540102001", "/units/540102001201"] {
                try await app.testing().test(.GET, path, headers: headers) { res in
                    #expect(res.status == .ok, "\(path)")
                }
            }
        }
    }

    @Test func anonymousClientsAreRefusedEverywhere() async throws {
        try await withTestApp { app in
            let id = try await app.householdID(inTownship: "540102001")
            for path in ["/api/v1/households", "/api/v1/households/\(id)"] {
                try await app.testing().test(.GET, path) { res in
                    #expect(res.status == .unauthorized)
                    #expect(res.headers.first(name: .wwwAuthenticate) == "Bearer")
                }
            }
            // A page sends the browser to the login form, which returns to the page afterwards.
            for path in ["/households/\(id)", "/units/54"] {
                try await app.testing().test(.GET, path) { res in
                    #expect(res.sendsToLogin)
                    #expect(res.headers.first(name: .location) == "/login?next=" + path.replacingOccurrences(
                        of: "/", with: "%2F"))
                }
            }
            // The public's home page is the portal (aggregates only), with a way to staff login.
            try await app.testing().test(.GET, "/") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(#"id="staff-login""#))
            }
        }
    }

    @Test func malformedIdsAreNotFoundNotErrors() async throws {
        try await withTestApp { app in
            let token = try await app.token("region")
            for path in [
                "/api/v1/households/abc", "/api/v1/households/-1", "/api/v1/households/0",
                "/api/v1/households/99999999999999999999", "/units/5x", "/units/540",
            ] {
                try await app.testing().test(.GET, path, headers: ["Authorization": "Bearer \(token)"]) { res in
                    #expect(res.status == .notFound, "\(path)")
                }
            }
        }
    }
}

import Fluent
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// The door filters by its shape (issue #23): `rows` and `lookup` of a scoped table answer only
/// what lies under the reader's scope; the named system access answers everything.
@Suite struct ScopedTableTests {
    @Test func rowsAndLookupsStopAtTheScope() async throws {
        try await withTestApp { app in
            let clerk = app.data(for: Scope(bindings: [RoleBinding(role: .clerk, unit: OrgCode("540102001")!)]))
            let all = try await app.systemData.rows(Household.self).all()
            let mine = try await clerk.rows(Household.self).all()
            #expect(!mine.isEmpty && mine.count < all.count)
            #expect(mine.allSatisfy { $0.townshipCode == "540102001" })
            let other = try #require(all.first { $0.townshipCode != "540102001" })
            #expect(try await clerk.lookup(Household.self, other.id) == nil)
            #expect(try await app.systemData.lookup(Household.self, other.id)?.id == other.id)
            await #expect(throws: AppError.notFound) { try await clerk.row(Household.self, other.id) }
            // Nobody's scope sees no scoped row; reference tables (units) are read whole.
            let nobody = app.data(for: .nobody)
            #expect(try await nobody.rows(Household.self).count() == 0)
            #expect(
                try await nobody.rows(OrgUnit.self).count() == (try await app.systemData.rows(OrgUnit.self).count()))
        }
    }
}

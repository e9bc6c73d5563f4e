import Fluent

extension DataAccess {
    /// The member with `id`, or nil when there is none or their household lies outside the reader's scope.
    func member(id: RowID<Member>) async throws -> Member? {
        guard let m = try await Member.query(on: db).filter(\.$id == id).first(),
            try await lookup(Household.self, m.$household.id) != nil
        else { return nil }
        return m
    }
}

import Fluent

/// The local-practice numbers (地方实践) region HQ changes on the Standards page; none stored = shipped values.
struct CreateLocalPractices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("local_practices")
            .field("key", .string, .identifier(auto: false))
            .field("value", .int, .required)
            .field("version", .int, .required)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("local_practices").delete() }
}

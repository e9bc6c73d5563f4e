import Fluent

/// Issue #22 M4: the hashes of a user's previous passwords (a JSON array of bcrypt hashes, newest
/// first, as many as `PasswordPolicy.historyDepth` asks), so that a change back to one is refused.
struct AddPasswordHistory: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.addColumns("users", [FieldSpec("password_history", .string)])
    }
    func revert(on db: any Database) async throws {
        try await db.schema("users").deleteField("password_history").update()
    }
}

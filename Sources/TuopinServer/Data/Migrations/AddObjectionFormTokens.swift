import Fluent
import SQLKit

/// Issue #24 item 12: each objection form carries a one-time token; the objection filed with it
/// keeps it, unique, so that the same form sent twice (a double click, "resend" after going back)
/// files one objection and shows its receipt again.
struct AddObjectionFormTokens: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("objections").field("form_token", .string).update()
        try await db.ddl("CREATE UNIQUE INDEX objections_form_token ON objections (form_token)")
    }
    func revert(on db: any Database) async throws {
        try await db.ddl("DROP INDEX objections_form_token")
        try await db.schema("objections").deleteField("form_token").update()
    }
}

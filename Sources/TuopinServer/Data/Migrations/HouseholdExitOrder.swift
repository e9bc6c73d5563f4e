import Fluent
import SQLKit
import TuopinCore

/// Issue #25 item 1–2: household exit follows the national procedure (township review, county decision,
/// 公告退出, 销号, then the prefecture's 备案审核). Cases already open or done move to the step with the same
/// work done (`Workflows.householdExitStep(fromOldStep:)`); each income keeps the household's size of its
/// year (`members`, nil for incomes recorded before), so the exit criteria count the right people.
struct HouseholdExitOrder: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await Self.moveCases(on: db.sqlDatabase)
        try await db.schema("incomes").field("members", .int).update()
    }

    /// Moves every household-exit case from its step in the old order to the step with the same work done.
    static func moveCases(on sql: any SQLDatabase) async throws {
        let cases =
            "CASE step "
            + (0...7).map { "WHEN \($0) THEN \(Workflows.householdExitStep(fromOldStep: $0))" }
            .joined(separator: " ") + " ELSE step END"
        try await sql.raw(
            "UPDATE cases SET step = \(unsafeRaw: cases) WHERE workflow = \(bind: Workflows.householdExit.id)"
        ).run()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("incomes").deleteField("members").update()
    }
}

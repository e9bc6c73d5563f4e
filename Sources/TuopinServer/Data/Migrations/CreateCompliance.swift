import Fluent
import SQLKit

/// Pairing of cadres with households (article 37) and the compliance engine's violations.
struct CreateCompliance: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("pairings")
            .field("id", .int, .identifier(auto: true))
            .field("cadre_id", .int, .required, .references("cadres", "id"))
            .field("household_id", .int, .required, .references("households", "id", onDelete: .cascade))
            .field("started_on", .string, .required)
            .field("ended_on", .string)
            .field("end_reason", .string)
            .create()
        try await db.ddl(
            "CREATE INDEX idx_pairings_household ON pairings (household_id, ended_on)",
            "CREATE INDEX idx_pairings_cadre ON pairings (cadre_id, ended_on)",
            // One live pairing of the same cadre and household at a time.
            "CREATE UNIQUE INDEX idx_pairings_live ON pairings (cadre_id, household_id) WHERE ended_on IS NULL")
        // A violation is open until a check no longer finds it; a reappearance is a new row.
        try await db.schema("violations")
            .field("id", .int, .identifier(auto: true))
            .field("rule", .string, .required)
            .field("article", .int, .required)
            .field("unit_code", .string, .required)
            .field("subject", .string, .required)
            .field("details", .string, .required)
            .field("first_seen", .datetime, .required)
            .field("resolved_at", .datetime)
            .create()
        try await db.ddl(
            "CREATE UNIQUE INDEX idx_violations_open ON violations (rule, subject) WHERE resolved_at IS NULL",
            "CREATE INDEX idx_violations_unit ON violations (unit_code, rule)")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("violations").delete()
        try await db.schema("pairings").delete()
    }
}

import Fluent

struct CreateQualityFindings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("quality_findings")
            .field("id", .int, .identifier(auto: true))
            .field("household_id", .int, .required, .references("households", "id", onDelete: .cascade))
            .field("code", .string, .required)
            .field("detail", .string, .required)
            .field("village_code", .string, .required)
            .field("township_code", .string, .required)
            .field("county_code", .string, .required)
            .field("prefecture_code", .string, .required)
            .create()
        try await db.ddl(
            "CREATE INDEX idx_quality_household ON quality_findings (household_id)",
            "CREATE INDEX idx_quality_township ON quality_findings (township_code, code)",
            "CREATE INDEX idx_quality_county ON quality_findings (county_code, code)",
            "CREATE INDEX idx_quality_prefecture ON quality_findings (prefecture_code, code)")
        // When each unit's households were last checked in full.
        try await db.schema("quality_runs")
            .field("id", .int, .identifier(auto: true))
            .field("unit_code", .string, .required)
            .field("checked_at", .datetime, .required)
            .field("households", .int, .required)
            .field("findings", .int, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("quality_runs").delete()
        try await db.schema("quality_findings").delete()
    }
}

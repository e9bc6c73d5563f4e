import Fluent
import SQLKit
import TuopinCore

/// Issue #25 item 8: a scheme belongs to the unit that assesses (region HQ's schemes so far: '54'), one per
/// assessor and year; the results of each assessed unit's leadership team and leading cadres are kept.
struct AssessmentAtEveryLevel: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("assessment_schemes").field("assessor_code", .string, .required, .sql(.default("54")))
            .update()
        try await db.ddl(
            "DROP INDEX idx_schemes_year",
            "CREATE UNIQUE INDEX idx_schemes_assessor_year ON assessment_schemes (assessor_code, year)")
        try await db.schema("assessment_leaders")
            .field("id", .int, .identifier(auto: true))
            .field("scheme_id", .int, .required, .references("assessment_schemes", "id"))
            .field("unit_code", .string, .required)
            .field("role", .string, .required)
            .field("cadre_id", .int)
            .field("cadre_name", .string, .required)
            .field("grade", .string, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_assessment_leaders ON assessment_leaders (scheme_id, unit_code)")
    }
    func revert(on db: any Database) async throws {
        try await db.schema("assessment_leaders").delete()
        try await db.ddl(
            "DROP INDEX idx_schemes_assessor_year", "CREATE UNIQUE INDEX idx_schemes_year ON assessment_schemes (year)")
        try await db.schema("assessment_schemes").deleteField("assessor_code").update()
    }
}

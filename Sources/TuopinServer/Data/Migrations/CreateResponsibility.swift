import Fluent
import SQLKit
import TuopinCore

/// The responsibility chain (articles 4, 5, 7, 10, 16, 20, 22): letters, progress reports and their
/// schedule, plans, and the dated changes of principals with region HQ's exemptions.
struct CreateResponsibility: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await createResponsibilityLetters(on: db)
        try await createLeadershipExemptions(on: db)
    }

    /// `responsibility_letters`, `report_schedules`, `progress_reports`, `unit_plans` and their indexes.
    private func createResponsibilityLetters(on db: any Database) async throws {
        try await db.schema("responsibility_letters")
            .field("id", .int, .identifier(auto: true))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("year", .int, .required)
            .field("state", .string, .required)
            .field("target_households", .int, .required)
            .field("target_people", .int, .required)
            .field("target_villages", .int, .required)
            .field("target_counties", .int, .required)
            .field("target_funds", .int64, .required)
            .field("signatory", .string, .required)
            .field("counterpart_signatory", .string, .required)
            .field("drafted_on", .string, .required)
            .field("signed_on", .string)
            // The scanned, signed letter under `<data>/files/letters/`, named by its SHA-256.
            .field("file_sha256", .string)
            .field("file_size", .int)
            .field("version", .int, .required)
            .create()
        try await db.ddl("CREATE UNIQUE INDEX idx_letters_unit_year ON responsibility_letters (unit_code, year)")
        try await db.schema("report_schedules")
            .field("level", .int, .identifier(auto: false))
            .field("frequency", .string, .required)
            .field("due_days", .int, .required)
            .field("version", .int, .required)
            .create()
        for (level, entry) in ReportSchedule().byLevel.sorted(by: { $0.key < $1.key }) {
            try await db.sqlDatabase.insert(into: "report_schedules").columns(
                "level", "frequency", "due_days", "version"
            )
            .values(SQLBind(level.rawValue), SQLBind(entry.frequency.rawValue), SQLBind(entry.dueDays), SQLBind(1))
            .run()
        }
        try await db.schema("progress_reports")
            .field("id", .int, .identifier(auto: true))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("period", .string, .required)
            .field("due_on", .string, .required)
            .field("submitted_on", .string, .required)
            .field("submitted_by", .int, .required, .references("users", "id"))
            // The unit's registry figures at submission, frozen (JSON of `ReportFigures`).
            .field("figures", .string, .required)
            .field("narrative", .string, .required)
            .create()
        try await db.ddl("CREATE UNIQUE INDEX idx_reports_unit_period ON progress_reports (unit_code, period)")
        try await db.schema("unit_plans")
            .field("id", .int, .identifier(auto: true))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("period_from", .int, .required)
            .field("period_to", .int, .required)
            .field("target_households", .int, .required)
            .field("target_people", .int, .required)
            .field("target_villages", .int, .required)
            .field("target_counties", .int, .required)
            .field("target_funds", .int64, .required)
            .field("approved_on", .string, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_plans_unit ON unit_plans (unit_code, kind, period_from)")
    }

    /// `leadership_exemptions`, `principal_changes` and their indexes.
    private func createLeadershipExemptions(on db: any Database) async throws {
        try await db.schema("leadership_exemptions")
            .field("id", .int, .identifier(auto: true))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("role", .string, .required)
            .field("document_no", .string, .required)
            .field("granted_on", .string, .required)
            .field("granted_by", .int, .required, .references("users", "id"))
            .create()
        try await db.schema("principal_changes")
            .field("id", .int, .identifier(auto: true))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("role", .string, .required)
            .field("from_cadre_id", .int, .references("cadres", "id"))
            .field("to_cadre_id", .int, .required, .references("cadres", "id"))
            .field("changed_on", .string, .required)
            // The rule that locked the unit when it changed (R-05-1, R-20-2), and the exemption that allowed it.
            .field("locked_rule", .string)
            .field("exemption_id", .int, .references("leadership_exemptions", "id"))
            .field("recorded_at", .datetime, .required)
            .create()
        try await db.ddl(
            "CREATE INDEX idx_principal_changes_unit ON principal_changes (unit_code, role)",
            // An exemption covers one change.
            "CREATE UNIQUE INDEX idx_principal_changes_exemption ON principal_changes (exemption_id) WHERE "
                + "exemption_id IS NOT NULL"
        )
    }

    func revert(on db: any Database) async throws {
        for table in [
            "principal_changes", "leadership_exemptions", "unit_plans", "progress_reports", "report_schedules",
            "responsibility_letters",
        ] {
            try await db.schema(table).delete()
        }
    }
}

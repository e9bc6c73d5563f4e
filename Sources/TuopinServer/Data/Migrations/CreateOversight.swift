import Fluent

/// Third-party surveys (article 7), the annual assessment (article 40), disputes (article 26),
/// oversight cases (article 9) and rewards and penalties (articles 41, 42).
struct CreateOversight: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await createSurveys(on: db)
        try await createAssessmentValues(on: db)
        try await createOversightCaseNotes(on: db)
    }

    /// `surveys`, `assessment_schemes`, `assessment_indicators`, `assessment_units` and their indexes.
    private func createSurveys(on db: any Database) async throws {
        try await db.schema("surveys")
            .field("id", .int, .identifier(auto: true))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("year", .int, .required)
            .field("evaluator", .string, .required)
            .field("surveyed_on", .string, .required)
            // The six figures of the county-exit assessment (ExitCriteria.CountySurvey).
            .field("sampled_exited", .int, .required)
            .field("wrongly_exited", .int, .required)
            .field("sampled_non_registered", .int, .required)
            .field("missed", .int, .required)
            .field("surveyed_households", .int, .required)
            .field("approving", .int, .required)
            .field("note", .string, .required)
            .field("created_by", .int, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_surveys_unit ON surveys (unit_code, year)")
        try await db.schema("assessment_schemes")
            .field("id", .int, .identifier(auto: true))
            .field("year", .int, .required)
            .field("state", .string, .required)
            // GradeBands as canonical JSON.
            .field("bands", .string, .required)
            .field("created_by", .int, .required)
            .field("computed_at", .string)
            .field("approved_on", .string)
            .field("approved_by", .int)
            .field("version", .int, .required)
            .create()
        try await db.ddl("CREATE UNIQUE INDEX idx_schemes_year ON assessment_schemes (year)")
        try await db.schema("assessment_indicators")
            .field("id", .int, .identifier(auto: true))
            .field("scheme_id", .int, .required, .references("assessment_schemes", "id"))
            .field("position", .int, .required)
            .field("key", .string, .required)
            .field("name", .string, .required)
            .field("weight", .int, .required)
            .field("full_value", .int, .required)
            .field("zero_value", .int, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_indicators_scheme ON assessment_indicators (scheme_id, position)")
        // One row per unit assessed: its frozen inputs, and after ranking its total, rank and grade.
        try await db.schema("assessment_units")
            .field("id", .int, .identifier(auto: true))
            .field("scheme_id", .int, .required, .references("assessment_schemes", "id"))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("level", .int, .required)
            .field("inputs", .string, .required)
            .field("total", .int)
            .field("rank", .int)
            .field("grade", .string)
            .create()
        try await db.ddl("CREATE UNIQUE INDEX idx_assessment_units ON assessment_units (scheme_id, unit_code)")
    }

    /// `assessment_values`, `assessment_distributions`, `disputes`, `dispute_steps`, `oversight_cases` and their
    /// indexes.
    private func createAssessmentValues(on db: any Database) async throws {
        try await db.schema("assessment_values")
            .field("id", .int, .identifier(auto: true))
            .field("scheme_id", .int, .required, .references("assessment_schemes", "id"))
            .field("unit_code", .string, .required)
            .field("indicator_id", .int, .required, .references("assessment_indicators", "id"))
            .field("value", .int)
            .field("numerator", .int64, .required)
            .field("denominator", .int64, .required)
            .field("score", .int, .required)
            // computed | entered, and for an entered value where it came from.
            .field("source", .string, .required)
            .field("note", .string, .required)
            .create()
        try await db.ddl(
            "CREATE UNIQUE INDEX idx_assessment_values ON assessment_values (scheme_id, unit_code, indicator_id)")
        try await db.schema("assessment_distributions")
            .field("id", .int, .identifier(auto: true))
            .field("scheme_id", .int, .required, .references("assessment_schemes", "id"))
            .field("recipient", .string, .required)
            .field("document_no", .string, .required)
            .field("distributed_on", .string, .required)
            .create()
        try await db.schema("disputes")
            .field("id", .int, .identifier(auto: true))
            .field("township_code", .string, .required, .references("org_units", "code"))
            .field("parties", .string, .required)
            .field("kind", .string, .required)
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("received_on", .string, .required)
            .field("deadline", .string, .required)
            .field("resolution", .string)
            .field("closed_on", .string)
            .field("created_by", .int, .required)
            .field("version", .int, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_disputes_township ON disputes (township_code, status)")
        try await db.schema("dispute_steps")
            .field("id", .int, .identifier(auto: true))
            .field("dispute_id", .int, .required, .references("disputes", "id"))
            .field("on_date", .string, .required)
            .field("action", .string, .required)
            .field("note", .string, .required)
            .field("user_id", .int, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_dispute_steps ON dispute_steps (dispute_id)")
        try await db.schema("oversight_cases")
            .field("id", .int, .identifier(auto: true))
            .field("opened_by_unit", .string, .required, .references("org_units", "code"))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("person", .string, .required)
            .field("title", .string, .required)
            .field("status", .string, .required)
            .field("outcome", .string)
            .field("opened_on", .string, .required)
            .field("closed_on", .string)
            .field("created_by", .int, .required)
            .field("version", .int, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_oversight_cases_unit ON oversight_cases (unit_code)")
    }

    /// `oversight_case_notes`, `sanctions` and their indexes.
    private func createOversightCaseNotes(on db: any Database) async throws {
        try await db.schema("oversight_case_notes")
            .field("id", .int, .identifier(auto: true))
            .field("case_id", .int, .required, .references("oversight_cases", "id"))
            .field("on_date", .string, .required)
            .field("note", .string, .required)
            .field("user_id", .int, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_oversight_case_notes ON oversight_case_notes (case_id)")
        try await db.schema("sanctions")
            .field("id", .int, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("subject_type", .string, .required)
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("subject_name", .string, .required)
            .field("measure", .string, .required)
            .field("reason", .string, .required)
            .field("decided_on", .string, .required)
            .field("document_no", .string, .required)
            .field("link_type", .string)
            .field("link_id", .int)
            .field("created_by", .int, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_sanctions_unit ON sanctions (unit_code)")
    }

    func revert(on db: any Database) async throws {
        for table in [
            "sanctions", "oversight_case_notes", "oversight_cases", "dispute_steps", "disputes",
            "assessment_distributions",
            "assessment_values", "assessment_units", "assessment_indicators", "assessment_schemes", "surveys",
        ] {
            try await db.schema(table).delete()
        }
    }
}

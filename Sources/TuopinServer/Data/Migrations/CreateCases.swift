import Fluent
import SQLKit

/// Workflow cases, their steps, public notices, objections, identification quotas, spot checks
/// and data certifications (the workflows issue), and each village's rural population.
struct CreateCases: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await createNotices(on: db)
        try await createCaseSteps(on: db)
        try await createSpotCheckItems(on: db)
    }

    /// `notices`, `cases`, `notice_cases` and their indexes.
    private func createNotices(on db: any Database) async throws {
        try await db.addColumns("org_units", [FieldSpec("rural_population", .int)])
        try await db.schema("notices")
            .field("id", .int, .identifier(auto: true))
            .field("kind", .string, .required)  // gongshi (公示) | gonggao (公告)
            .field("workflow", .string, .required)
            .field("action", .string, .required)
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("county_code", .string, .required)
            .field("prefecture_code", .string, .required)
            .field("title", .string, .required)
            .field("place", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("entries", .string, .required)  // masked rows, JSON
            .field("created_by", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.ddl(
            "CREATE INDEX idx_notices_unit ON notices (unit_code, ends_on)",
            "CREATE INDEX idx_notices_county ON notices (county_code, ends_on)")
        try await db.schema("cases")
            .field("id", .int, .identifier(auto: true))
            .field("workflow", .string, .required)
            .field("household_id", .int, .references("households", "id"))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("village_code", .string)
            .field("township_code", .string)
            .field("county_code", .string, .required)
            .field("prefecture_code", .string, .required)
            .field("year", .int, .required)
            .field("step", .int, .required)
            .field("status", .string, .required)  // open | rejected | closed
            .field("notice_id", .int, .references("notices", "id"))
            .field("facts", .string, .required)  // recorded inputs (votes, consent, survey…), JSON
            .field("version", .int, .required)
            .field("opened_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.ddl(
            // One open case per workflow and subject: a second start is refused by the database too.
            "CREATE UNIQUE INDEX uq_cases_open ON cases (workflow, unit_code, household_id) WHERE status = 'open' AND "
                + "household_id IS NOT NULL",
            "CREATE UNIQUE INDEX uq_cases_open_unit ON cases (workflow, unit_code) WHERE status = 'open' AND "
                + "household_id IS NULL",
            "CREATE INDEX idx_cases_household ON cases (household_id)",
            "CREATE INDEX idx_cases_county ON cases (county_code, workflow, status)",
            "CREATE INDEX idx_cases_village ON cases (village_code, status)")
        try await db.schema("notice_cases")
            .field("notice_id", .int, .required, .references("notices", "id"))
            .field("case_id", .int, .required, .references("cases", "id"))
            .compositeIdentifier(over: "notice_id", "case_id")
            .create()
        try await db.ddl("CREATE INDEX idx_notice_cases_case ON notice_cases (case_id)")
    }

    /// `case_steps`, `objections`, `identification_quotas`, `spot_checks` and their indexes.
    private func createCaseSteps(on db: any Database) async throws {
        try await db.schema("case_steps")
            .field("id", .int, .identifier(auto: true))
            .field("case_id", .int, .required, .references("cases", "id"))
            .field("step_index", .int, .required)
            .field("action", .string, .required)
            .field("outcome", .string, .required)  // done | rejected | returned
            .field("role", .string, .required)
            .field("actor_id", .int)
            .field("actor_name", .string, .required)
            .field("reason", .string, .required)
            .field("details", .string, .required)
            .field("notice_id", .int)
            .field("at", .datetime, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_case_steps_case ON case_steps (case_id, id)")
        try await db.schema("objections")
            .field("id", .int, .identifier(auto: true))
            .field("notice_id", .int, .required, .references("notices", "id"))
            .field("case_id", .int, .references("cases", "id"))
            .field("code", .string, .required)
            .field("kind", .string, .required)  // objection | observation
            .field("text", .string, .required)
            .field("name", .string, .required)
            .field("contact_cipher", .string)
            .field("status", .string, .required)  // open | accepted | rejected | noted
            .field("decision_reason", .string, .required)
            .field("decided_by", .int)
            .field("decided_at", .datetime)
            .field("filed_at", .datetime, .required)
            .field("filed_by", .int)
            .field("client_hash", .string, .required)
            .unique(on: "code")
            .create()
        try await db.ddl(
            "CREATE INDEX idx_objections_notice ON objections (notice_id, status)",
            "CREATE INDEX idx_objections_client ON objections (client_hash, filed_at)")
        try await db.schema("identification_quotas")
            .field("id", .int, .identifier(auto: true))
            .field("county_code", .string, .required, .references("org_units", "code"))
            .field("year", .int, .required)
            .field("quota", .int, .required)
            .field("exemption", .string, .required)  // region HQ's document allowing more, or ""
            .field("version", .int, .required)
            .unique(on: "county_code", "year")
            .create()
        try await db.schema("spot_checks")
            .field("id", .int, .identifier(auto: true))
            .field("workflow", .string, .required)
            .field("county_code", .string, .required, .references("org_units", "code"))
            .field("year", .int, .required)
            .field("seed", .string, .required)
            .field("percent", .int, .required)
            .field("population", .int, .required)
            .field("created_by", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    /// `spot_check_items`, `certifications` and their indexes.
    private func createSpotCheckItems(on db: any Database) async throws {
        try await db.schema("spot_check_items")
            .field("id", .int, .identifier(auto: true))
            .field("check_id", .int, .required, .references("spot_checks", "id"))
            .field("case_id", .int, .required, .references("cases", "id"))
            .field("result", .string)  // passed | failed, nil while pending
            .field("note", .string, .required)
            .field("checked_by", .int)
            .field("checked_at", .datetime)
            .unique(on: "check_id", "case_id")
            .create()
        try await db.ddl("CREATE INDEX idx_spot_items_case ON spot_check_items (case_id)")
        try await db.schema("certifications")
            .field("id", .int, .identifier(auto: true))
            .field("township_code", .string, .required, .references("org_units", "code"))
            .field("period_from", .string, .required)
            .field("period_to", .string, .required)
            .field("certified_by", .int, .required)
            .field("certified_at", .datetime, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_certifications_township ON certifications (township_code, certified_at)")
    }

    func revert(on db: any Database) async throws {
        for table in [
            "certifications", "spot_check_items", "spot_checks", "identification_quotas", "objections", "case_steps",
            "notice_cases", "cases", "notices",
        ] {
            try await db.schema(table).delete()
        }
    }
}

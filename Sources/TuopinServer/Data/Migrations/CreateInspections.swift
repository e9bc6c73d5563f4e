import Fluent

/// Inspections (督查巡查, article 39), their findings and each finding's history of rectification
/// and verification (with the evidence files' hashes; the files live under `files/evidence/`).
struct CreateInspections: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("inspections")
            .field("id", .int, .identifier(auto: true))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            // [{"name": …, "department": …}], canonical JSON.
            .field("team", .string, .required)
            // The target units' codes, comma-separated, in code order.
            .field("targets", .string, .required)
            .field("started_on", .string, .required)
            .field("ended_on", .string)
            .field("created_by", .int, .required)
            .field("version", .int, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_inspections_unit ON inspections (unit_code)")
        try await db.schema("findings")
            .field("id", .int, .identifier(auto: true))
            .field("inspection_id", .int, .required, .references("inspections", "id"))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("responsible_person", .string, .required)
            .field("category", .string, .required)
            .field("description", .string, .required)
            .field("raised_on", .string, .required)
            .field("deadline", .string, .required)
            .field("state", .string, .required)
            // The latest rectification's date, and the acceptance's.
            .field("rectified_on", .string)
            .field("verified_on", .string)
            .field("version", .int, .required)
            .create()
        try await db.ddl(
            "CREATE INDEX idx_findings_inspection ON findings (inspection_id)",
            "CREATE INDEX idx_findings_unit ON findings (unit_code, state)")
        try await db.schema("finding_events")
            .field("id", .int, .identifier(auto: true))
            .field("finding_id", .int, .required, .references("findings", "id"))
            .field("action", .string, .required)
            .field("on_date", .string, .required)
            .field("user_id", .int, .required)
            .field("note", .string, .required)
            .field("file_sha256", .string)
            .field("file_name", .string)
            .field("file_type", .string)
            .field("file_size", .int)
            .create()
        try await db.ddl("CREATE INDEX idx_finding_events_finding ON finding_events (finding_id)")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("finding_events").delete()
        try await db.schema("findings").delete()
        try await db.schema("inspections").delete()
    }
}

import Fluent
import Foundation
import SQLKit
import TuopinCore

/// Money and projects (articles 13, 21, 25, 33, 36): the project library (a project's workflow is
/// a case of W-project), the fund ledger (entries and the per-account totals they keep), microcredit
/// loans with their repayments, and the fund standards.
struct CreateFunds: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await createProjects(on: db)
        try await createFundEntries(on: db)
    }

    /// `projects`, `project_beneficiaries`, `cases`, `fund_accounts` and their indexes.
    private func createProjects(on db: any Database) async throws {
        // SQLite adds one column per statement.
        for (column, value) in [
            ("fund_notice_min_days", 10), ("aid_county_bp", 8_000), ("aid_livelihood_bp", 8_000),
            ("loan_max_rate_bp", 435),
        ] {
            try await db.ddl("ALTER TABLE standards ADD COLUMN \(column) BIGINT NOT NULL DEFAULT \(value)")
        }
        try await db.schema("projects")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("category", .string, .required)
            .field("nature", .string, .required)
            .field("site_code", .string, .required, .references("org_units", "code"))
            .field("village_code", .string)
            .field("township_code", .string)
            .field("county_code", .string, .required)
            .field("prefecture_code", .string, .required)
            .field("start_year", .int, .required)
            .field("end_year", .int, .required)
            .field("responsible_unit", .string, .required)
            .field("responsible_person", .string, .required)
            .field("tasks", .string, .required)
            .field("budget", .int64, .required)
            .field("funding_sources", .string, .required)
            .field("performance_targets", .string, .required)
            .field("linking_mechanism", .string, .required)
            .field("households", .int, .required)
            .field("people", .int, .required)
            .field("poor_households", .int, .required)
            .field("poor_people", .int, .required)
            .field("progress_pct", .int, .required)
            .field("status", .string, .required)
            .field("case_id", .int)
            .field("approved_on", .string)
            .field("revision", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_projects_county ON projects (county_code, status)")
        try await db.ddl("CREATE INDEX idx_projects_site ON projects (site_code)")
        try await db.schema("project_beneficiaries")
            .field("project_id", .int, .required, .references("projects", "id"))
            .field("household_id", .int, .required, .references("households", "id", onDelete: .cascade))
            .create()
        try await db.ddl(
            "CREATE UNIQUE INDEX idx_project_beneficiaries ON project_beneficiaries (project_id, household_id)")
        try await db.schema("cases").field("project_id", .int).update()
        // One open case per village or county and workflow, but a village may have many projects (one case each).
        try await db.ddl(
            "DROP INDEX uq_cases_open_unit",
            "CREATE UNIQUE INDEX uq_cases_open_unit ON cases (workflow, unit_code) WHERE status = 'open' AND "
                + "household_id IS NULL AND project_id IS NULL",
            "CREATE UNIQUE INDEX uq_cases_project ON cases (project_id) WHERE project_id IS NOT NULL")

        try await db.schema("fund_accounts")
            .field("holder", .string, .required)
            .field("source", .string, .required)
            .field("year", .int, .required)
            .field("received", .int64, .required)
            .field("allocated", .int64, .required)
            .field("spent", .int64, .required)
            .create()
        try await db.ddl("CREATE UNIQUE INDEX idx_fund_accounts ON fund_accounts (holder, source, year)")
    }

    /// `fund_entries`, `loans`, `loan_repayments` and their indexes.
    private func createFundEntries(on db: any Database) async throws {
        try await db.schema("fund_entries")
            .field("id", .int, .identifier(auto: true))
            .field("move", .string, .required)
            .field("source", .string, .required)
            .field("year", .int, .required)
            .field("from_holder", .string)
            .field("to_holder", .string)
            // The giving unit (nil for a receipt) and the receiving unit or the project's site: scope reads these.
            .field("from_unit", .string)
            .field("to_unit", .string, .required)
            .field("project_id", .int, .references("projects", "id"))
            .field("amount", .int64, .required)
            .field("counterpart", .string, .required)
            .field("voucher", .string, .required)
            .field("entry_date", .string, .required)
            .field("note", .string, .required)
            .field("reverses_id", .int, .references("fund_entries", "id"))
            .field("notice_id", .int)
            .field("created_by", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        // An entry is reversed at most once.
        try await db.ddl("CREATE UNIQUE INDEX idx_fund_entries_reverses ON fund_entries (reverses_id)")
        try await db.ddl("CREATE INDEX idx_fund_entries_from ON fund_entries (from_unit, year)")
        try await db.ddl("CREATE INDEX idx_fund_entries_to ON fund_entries (to_unit, year)")
        try await db.ddl("CREATE INDEX idx_fund_entries_project ON fund_entries (project_id)")

        try await db.schema("loans")
            .field("id", .int, .identifier(auto: true))
            .field("household_id", .int, .required, .references("households", "id", onDelete: .cascade))
            .field("village_code", .string, .required)
            .field("township_code", .string, .required)
            .field("county_code", .string, .required)
            .field("prefecture_code", .string, .required)
            .field("lender", .string, .required)
            .field("amount", .int64, .required)
            .field("rate_bp", .int, .required)
            .field("subsidy_bp", .int, .required)
            .field("months", .int, .required)
            .field("start_date", .string, .required)
            .field("year", .int, .required)
            .field("repaid", .int64, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_loans_township ON loans (township_code)")
        try await db.ddl("CREATE INDEX idx_loans_household ON loans (household_id)")
        try await db.schema("loan_repayments")
            .field("id", .int, .identifier(auto: true))
            .field("loan_id", .int, .required, .references("loans", "id", onDelete: .cascade))
            .field("amount", .int64, .required)
            .field("paid_on", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in ["loan_repayments", "loans", "fund_entries", "fund_accounts", "project_beneficiaries", "projects"]
        {
            try await db.schema(table).delete()
        }
        try await db.ddl(
            "DROP INDEX uq_cases_project", "DROP INDEX uq_cases_open_unit",
            "CREATE UNIQUE INDEX uq_cases_open_unit ON cases (workflow, unit_code) WHERE status = 'open' AND "
                + "household_id IS NULL",
            "ALTER TABLE cases DROP COLUMN project_id")
        for column in ["fund_notice_min_days", "aid_county_bp", "aid_livelihood_bp", "loan_max_rate_bp"] {
            try await db.ddl("ALTER TABLE standards DROP COLUMN \(column)")
        }
    }
}

import Fluent
import SQLKit

/// Every migration, in order. Append only: a change to the schema is a new type at the end.
enum Migrations {
    static let all: [any AsyncMigration] = [
        CreateOrgUnits(), CreateCadres(), CreateUsers(), CreateSessions(), CreateAuditLog(),
        CreateHouseholds(), ExtendRegistry(), CreateQualityFindings(), CreateStandards(), CreateCases(),
        ExtendSessions(),
        AddTwoFactor(), CreateCompliance(), CreateResponsibility(), CreateVillageActors(), CreatePairingQuotas(),
        AddCadrePhone(), CreateFunds(),
        CreateRollups(), CreateInspections(), CreateOversight(), KeyObjectorHashes(), AddPasswordHistory(),
        MaskResidentIDs(), AddObjectionFormTokens(), HouseholdExitOrder(), CreateLocalPractices(),
        SplitCadreRank(), AddPoorUnitFlag(), AssessmentAtEveryLevel(), IndexAuditChanges(), SeparateApplicants(),
        CreateMonitoringStandards(),
    ]
}

extension Database {
    var sqlDatabase: any SQLDatabase { self as! any SQLDatabase }
    var isPostgres: Bool { sqlDatabase.dialect.name == "postgresql" }

    /// Runs constant DDL (never user input).
    func ddl(_ statements: String...) async throws {
        for statement in statements { try await sqlDatabase.raw(SQLQueryString(statement)).run() }
    }
}

struct CreateOrgUnits: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("org_units")
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("level", .int, .required)
            .field("parent_code", .string, .references("org_units", "code"))
            .field("path", .string, .required)
            .field("is_poverty_county", .bool, .required)
            .field("exit_year", .int)
            .field("secretary_id", .int)
            .field("head_id", .int)
            .field("version", .int, .required)
            .create()
        // Prefix index for "everything under X" (LIKE 'X%'); PostgreSQL needs the pattern opclass.
        if db.isPostgres {
            try await db.ddl("CREATE INDEX idx_org_units_path ON org_units (path text_pattern_ops)")
        } else {
            try await db.ddl("CREATE INDEX idx_org_units_path ON org_units (path)")
        }
        try await db.ddl("CREATE INDEX idx_org_units_parent ON org_units (parent_code)")
    }
    func revert(on db: any Database) async throws { try await db.schema("org_units").delete() }
}

struct CreateCadres: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("cadres")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("rank", .string, .required)
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("position", .string, .required)
            .field("active", .bool, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_cadres_unit ON cadres (unit_code)")
    }
    func revert(on db: any Database) async throws { try await db.schema("cadres").delete() }
}

struct CreateUsers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users")
            .field("id", .int, .identifier(auto: true))
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .unique(on: "username")
            .create()
        try await db.schema("role_bindings")
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .unique(on: "user_id", "role", "unit_code")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("role_bindings").delete()
        try await db.schema("users").delete()
    }
}

struct CreateSessions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("user_sessions")
            .field("id", .int, .identifier(auto: true))
            .field("token_hash", .string, .required)
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("ended_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("user_sessions").delete() }
}

/// The audit chain's table. Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
struct CreateAuditLog: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("audit_log")
            .field("id", .int64, .identifier(auto: false))
            .field("at", .string, .required)
            .field("user_id", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string, .required)
            .field("before", .string, .required)
            .field("after", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await db.ddl(
            "CREATE INDEX idx_audit_entity ON audit_log (entity, entity_id)",
            "CREATE INDEX idx_audit_user ON audit_log (user_id, at)",
            "CREATE INDEX idx_audit_at ON audit_log (at)")
        if db.isPostgres {
            try await db.ddl(
                """
                CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql
                """,
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE "
                    + "FUNCTION audit_log_append_only()",
                "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE "
                    + "FUNCTION audit_log_append_only()"
            )
        } else {
            try await db.ddl(
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log "
                    + "is append-only'); END",
                "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log "
                    + "is append-only'); END"
            )
        }
    }
    func revert(on db: any Database) async throws {
        if db.isPostgres {
            try await db.ddl("DROP TABLE audit_log", "DROP FUNCTION IF EXISTS audit_log_append_only()")
        } else {
            try await db.ddl(
                "DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete",
                "DROP TABLE audit_log")
        }
    }
}

struct CreateHouseholds: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("households")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("village_code", .string, .required, .references("org_units", "code"))
            .field("township_code", .string, .required)
            .field("county_code", .string, .required)
            .field("prefecture_code", .string, .required)
            .field("status", .string, .required)
            .field("identified_year", .int, .required)
            .field("exit_year", .int)
            .field("member_count", .int, .required)
            .field("version", .int, .required)
            .unique(on: "number")
            .create()
        try await db.ddl(
            "CREATE INDEX idx_households_village ON households (village_code)",
            "CREATE INDEX idx_households_township ON households (township_code)",
            "CREATE INDEX idx_households_county ON households (county_code)",
            "CREATE INDEX idx_households_prefecture ON households (prefecture_code)")
        try await db.schema("members")
            .field("id", .int, .identifier(auto: true))
            .field("household_id", .int, .required, .references("households", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("relation", .string, .required)
            .field("id_cipher", .string, .required)
            .field("id_hmac", .string, .required)
            .field("id_masked", .string, .required)
            .field("sex", .string, .required)
            .field("birth_date", .string, .required)
            .unique(on: "id_hmac")
            .create()
        try await db.ddl("CREATE INDEX idx_members_household ON members (household_id)")
        try await db.schema("incomes")
            .field("id", .int, .identifier(auto: true))
            .field("household_id", .int, .required, .references("households", "id", onDelete: .cascade))
            .field("year", .int, .required)
            .field("wage", .int64, .required)
            .field("business", .int64, .required)
            .field("property", .int64, .required)
            .field("transfer", .int64, .required)
            .field("costs", .int64, .required)
            .unique(on: "household_id", "year")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("incomes").delete()
        try await db.schema("members").delete()
        try await db.schema("households").delete()
    }
}

/// Idle timeout: when a session was last used.
struct ExtendSessions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.addColumns("user_sessions", [FieldSpec("last_seen_at", .datetime)])
        try await db.addColumns("users", [FieldSpec("password_changed_at", .datetime)])
    }
    func revert(on db: any Database) async throws {
        try await db.schema("user_sessions").deleteField("last_seen_at").update()
        try await db.schema("users").deleteField("password_changed_at").update()
    }
}

/// TOTP second factor (等保 level 3): the secret and last used step on the user, the stage of a
/// session (password only, or complete), and single-use recovery codes.
struct AddTwoFactor: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.addColumns(
            "users",
            [
                FieldSpec("totp_secret", .string), FieldSpec("totp_enabled_at", .datetime),
                FieldSpec("totp_last_step", .int64),
            ])
        try await db.addColumns("user_sessions", [FieldSpec("stage", .string, .required, .sql(.default("full")))])
        try await db.schema("recovery_codes")
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .create()
        try await db.ddl("CREATE INDEX idx_recovery_codes_user ON recovery_codes (user_id)")
    }
    func revert(on db: any Database) async throws {
        try await db.schema("recovery_codes").delete()
        try await db.schema("user_sessions").deleteField("stage").update()
        for column in ["totp_secret", "totp_enabled_at", "totp_last_step"] {
            try await db.schema("users").deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}

import Fluent
import SQLKit

/// Pre-aggregated counts of the registry (like DHIS2's analytics tables): households and people
/// per unit — every village, township, county, prefecture and the region — by status with the
/// years identified and exited (`dim` s), by status and household attribute (a) and by status and
/// main cause of poverty (c). Triggers on `households` mark a changed village in `rollup_dirty`;
/// `Rollups.refresh` recomputes the marked villages and their ancestors at the end of every write
/// transaction, so dashboards read a handful of rows and never scan the registry.
struct CreateRollups: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Rollups.schema)
            .field("unit_code", .string, .required)
            .field("parent_code", .string, .required)
            .field("dim", .string, .required)
            .field("status", .string, .required)
            .field("identified_year", .int, .required)
            .field("exit_year", .int, .required)
            .field("category", .string, .required)
            .field("households", .int64, .required)
            .field("people", .int64, .required)
            .create()
        try await db.schema(Rollups.dirtySchema)
            .field("village_code", .string, .identifier(auto: false))
            .create()
        try await db.ddl(
            "CREATE INDEX idx_rollups_unit ON rollups (unit_code, dim)",
            "CREATE INDEX idx_rollups_parent ON rollups (parent_code, dim)")
        if db.isPostgres {
            // Statement triggers with transition tables: one insert per statement, however many rows;
            // an update marks only the villages of rows whose counted columns changed (as SQLite's `UPDATE OF`).
            try await db.ddl(
                """
                CREATE FUNCTION rollup_mark_new() RETURNS trigger AS $$ BEGIN
                INSERT INTO rollup_dirty (village_code) SELECT DISTINCT village_code FROM new_rows ON CONFLICT DO \
                NOTHING; RETURN NULL;
                END; $$ LANGUAGE plpgsql
                """,
                """
                CREATE FUNCTION rollup_mark_old() RETURNS trigger AS $$ BEGIN
                INSERT INTO rollup_dirty (village_code) SELECT DISTINCT village_code FROM old_rows ON CONFLICT DO \
                NOTHING; RETURN NULL;
                END; $$ LANGUAGE plpgsql
                """,
                """
                CREATE FUNCTION rollup_mark_both() RETURNS trigger AS $$ BEGIN
                INSERT INTO rollup_dirty (village_code)
                SELECT DISTINCT codes.code FROM (SELECT n.village_code AS v, o.village_code AS w FROM new_rows n JOIN \
                old_rows o ON n.id = o.id
                  WHERE (n.village_code, n.status, n.identified_year, n.exit_year, n.member_count, n.attribute, \
                  n.main_cause)
                  IS DISTINCT FROM (o.village_code, o.status, o.identified_year, o.exit_year, o.member_count, \
                  o.attribute, o.main_cause)) changed
                CROSS JOIN LATERAL (VALUES (changed.v), (changed.w)) AS codes(code)
                ON CONFLICT DO NOTHING; RETURN NULL;
                END; $$ LANGUAGE plpgsql
                """,
                "CREATE TRIGGER households_rollup_insert AFTER INSERT ON households REFERENCING NEW TABLE AS new_rows "
                    + "FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_new()",
                "CREATE TRIGGER households_rollup_update AFTER UPDATE ON households REFERENCING OLD TABLE AS old_rows "
                    + "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_both()",
                "CREATE TRIGGER households_rollup_delete AFTER DELETE ON households REFERENCING OLD TABLE AS old_rows "
                    + "FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_old()"
            )
        } else {
            try await db.ddl(
                "CREATE TRIGGER households_rollup_insert AFTER INSERT ON households BEGIN INSERT OR IGNORE INTO "
                    + "rollup_dirty (village_code) VALUES (NEW.village_code); END",
                """
                CREATE TRIGGER households_rollup_update AFTER UPDATE OF village_code, status, identified_year, \
                exit_year, member_count, attribute, main_cause ON households
                BEGIN INSERT OR IGNORE INTO rollup_dirty (village_code) VALUES (OLD.village_code); INSERT OR IGNORE \
                INTO rollup_dirty (village_code) VALUES (NEW.village_code); END
                """,
                "CREATE TRIGGER households_rollup_delete AFTER DELETE ON households BEGIN INSERT OR IGNORE INTO "
                    + "rollup_dirty (village_code) VALUES (OLD.village_code); END"
            )
        }
        // A registry that existed before this migration is counted at the first write.
        try await db.ddl("INSERT INTO rollup_dirty (village_code) SELECT DISTINCT village_code FROM households")
    }

    func revert(on db: any Database) async throws {
        try await db.ddl(
            "DROP TRIGGER IF EXISTS households_rollup_insert\(db.isPostgres ? " ON households" : "")",
            "DROP TRIGGER IF EXISTS households_rollup_update\(db.isPostgres ? " ON households" : "")",
            "DROP TRIGGER IF EXISTS households_rollup_delete\(db.isPostgres ? " ON households" : "")")
        if db.isPostgres {
            try await db.ddl(
                "DROP FUNCTION IF EXISTS rollup_mark_new()", "DROP FUNCTION IF EXISTS rollup_mark_old()",
                "DROP FUNCTION IF EXISTS rollup_mark_both()")
        }
        try await db.schema(Rollups.dirtySchema).delete()
        try await db.schema(Rollups.schema).delete()
    }
}

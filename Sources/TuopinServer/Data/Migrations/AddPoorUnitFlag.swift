import Fluent
import SQLKit
import TuopinCore

/// Issue #25 item 7: villages and townships registered as poor (贫困村, 贫困乡镇) carry a flag of their own,
/// kept by their county from now on. Units already in the database are read once from the registry: a village
/// with households registered as poor (poor now or exited), or that exited, is a poor village; a township with
/// a poor village is a poor township.
struct AddPoorUnitFlag: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("org_units").field("is_poor", .bool, .required, .sql(.default(false))).update()
        try await Self.derive(on: db.sqlDatabase, under: "")
    }

    /// Marks the villages and townships whose code starts with `prefix` that the registry shows were poor.
    static func derive(on sql: any SQLDatabase, under prefix: String) async throws {
        let registered = HouseholdStatus.allCases.filter { $0.isRemainingPoor || $0.hasExited }.map(\.rawValue)
        try await sql.raw(
            """
            UPDATE org_units SET is_poor = \(bind: true) WHERE level = \(bind: OrgLevel.village.rawValue) \
            AND code LIKE \(bind: prefix + "%") AND (exit_year IS NOT NULL OR EXISTS (SELECT 1 FROM households h \
            WHERE h.village_code = org_units.code AND h.status IN (\(binds: registered))))
            """
        ).run()
        try await sql.raw(
            """
            UPDATE org_units SET is_poor = \(bind: true) WHERE level = \(bind: OrgLevel.township.rawValue) \
            AND code LIKE \(bind: prefix + "%") AND EXISTS (SELECT 1 FROM org_units v \
            WHERE v.parent_code = org_units.code AND v.is_poor = \(bind: true))
            """
        ).run()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("org_units").deleteField("is_poor").update()
    }
}

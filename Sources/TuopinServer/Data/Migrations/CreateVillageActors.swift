import Fluent
import SQLKit
import TuopinCore

/// Organisations of every level (article 2), and the village's own actors: work teams from their
/// designated units (article 35), party-member leaders with their projects, trainings and the poor
/// people they lead (articles 28, 32), joint-household units (双联户, article 31) and enterprises'
/// help to villages (article 38).
struct CreateVillageActors: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("organisations")
            .field("id", .int, .identifier(auto: true))
            .field("unit_code", .string, .required, .references("org_units", "code"))
            .field("name", .string, .required)
            .field("type", .string, .required)
            // A work team's designated (sending) unit.
            .field("sponsor_id", .int, .references("organisations", "id"))
            .field("active", .bool, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_organisations_unit ON organisations (unit_code)")
        try await db.schema("cadres").field("organisation_id", .int, .references("organisations", "id")).update()
        try await db.schema("party_leaders")
            .field("id", .int, .identifier(auto: true))
            .field("village_code", .string, .required, .references("org_units", "code"))
            .field("name", .string, .required)
            .field("active", .bool, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_party_leaders_village ON party_leaders (village_code)")
        try await db.schema("leader_projects")
            .field("id", .int, .identifier(auto: true))
            .field("leader_id", .int, .required, .references("party_leaders", "id"))
            .field("name", .string, .required)
            .field("started_on", .string, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_leader_projects_leader ON leader_projects (leader_id)")
        try await db.schema("leader_trainings")
            .field("id", .int, .identifier(auto: true))
            .field("leader_id", .int, .required, .references("party_leaders", "id"))
            .field("held_on", .string, .required)
            .field("topic", .string, .required)
            .create()
        try await db.schema("leader_beneficiaries")
            .field("id", .int, .identifier(auto: true))
            .field("leader_id", .int, .required, .references("party_leaders", "id"))
            .field("member_id", .int, .required, .references("members", "id", onDelete: .cascade))
            .create()
        try await db.ddl("CREATE UNIQUE INDEX idx_leader_beneficiaries ON leader_beneficiaries (leader_id, member_id)")
        try await db.schema("joint_units")
            .field("id", .int, .identifier(auto: true))
            .field("village_code", .string, .required, .references("org_units", "code"))
            .field("name", .string, .required)
            .field("head_household_id", .int, .required, .references("households", "id"))
            .create()
        try await db.schema("joint_unit_members")
            .field("id", .int, .identifier(auto: true))
            .field("joint_unit_id", .int, .required, .references("joint_units", "id"))
            .field("household_id", .int, .required, .references("households", "id", onDelete: .cascade))
            .create()
        // A household belongs to one joint unit.
        try await db.ddl("CREATE UNIQUE INDEX idx_joint_unit_members ON joint_unit_members (household_id)")
        try await db.schema("enterprise_aid")
            .field("id", .int, .identifier(auto: true))
            .field("organisation_id", .int, .required, .references("organisations", "id"))
            .field("village_code", .string, .required, .references("org_units", "code"))
            .field("started_on", .string, .required)
            .create()
        try await db.ddl("CREATE INDEX idx_enterprise_aid_village ON enterprise_aid (village_code)")
        try await db.schema("aid_contributions")
            .field("id", .int, .identifier(auto: true))
            .field("aid_id", .int, .required, .references("enterprise_aid", "id"))
            .field("contributed_on", .string, .required)
            .field("kind", .string, .required)
            .field("amount", .int64, .required)
            .field("description", .string, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in [
            "aid_contributions", "enterprise_aid", "joint_unit_members", "joint_units", "leader_beneficiaries",
            "leader_trainings",
            "leader_projects", "party_leaders",
        ] {
            try await db.schema(table).delete()
        }
        try await db.schema("cadres").deleteField("organisation_id").update()
        try await db.schema("organisations").delete()
    }
}

/// Article 37's pairing quotas by rank, a standard region HQ may change; seeded with the article's numbers.
struct CreatePairingQuotas: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("pairing_quotas")
            .field("rank", .string, .identifier(auto: false))
            .field("households", .int, .required)
            .field("version", .int, .required)
            .create()
        for (rank, n) in PairingQuota().byGroup.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try await db.sqlDatabase.insert(into: "pairing_quotas").columns("rank", "households", "version")
                .values(SQLBind(rank.rawValue), SQLBind(n), SQLBind(1)).run()
        }
    }
    func revert(on db: any Database) async throws { try await db.schema("pairing_quotas").delete() }
}

/// A cadre's phone (article 2 lists it with rank, unit and position): encrypted, with a masked copy to show.
struct AddCadrePhone: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await db.schema("cadres").field("phone_cipher", .string).update()
        try await db.schema("cadres").field("phone_masked", .string).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("cadres").deleteField("phone_cipher").update()
        try await db.schema("cadres").deleteField("phone_masked").update()
    }
}

import Fluent
import SQLKit
import TuopinCore

/// Issue #25 items 6 and 10: a cadre's rank and their stationed role (驻村工作队员, 大学生村官) are separate
/// fields, and positions come from a fixed list (`CadrePosition`). Cadres recorded with a stationed role as
/// their rank become 一般干部 with that role; free-text positions are read as the nearest listed one.
struct SplitCadreRank: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("cadres").field("stationed_role", .string, .required, .sql(.default("none"))).update()
        try await Self.convert(on: db.sqlDatabase)
    }

    /// Reads every cadre recorded the old way onto the new fields (rows already converted stay as they are).
    static func convert(on sql: any SQLDatabase) async throws {
        for role in [StationedRole.workTeamMember, .villageOfficialGraduate] {
            try await sql.raw(
                """
                UPDATE cadres SET rank = \(bind: CadreRank.staff.rawValue), stationed_role = \(bind: role.rawValue) \
                WHERE rank = \(bind: role.rawValue)
                """
            ).run()
        }
        struct Row: Decodable { let position: String }
        let texts = try await sql.raw("SELECT DISTINCT position FROM cadres").all(decoding: Row.self).map(\.position)
        for text in texts where CadrePosition(rawValue: text) == nil {
            let read = CadrePosition.reading(text).rawValue
            try await sql.raw("UPDATE cadres SET position = \(bind: read) WHERE position = \(bind: text)").run()
        }
    }
    func revert(on db: any Database) async throws {
        try await db.schema("cadres").deleteField("stationed_role").update()
    }
}

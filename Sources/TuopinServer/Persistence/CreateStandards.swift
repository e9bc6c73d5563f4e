import Fluent
import TuopinCore

/// The standards table, seeded with the shipped defaults for 2014–2020.
struct CreateStandards: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("standards")
            .field("year", .int, .identifier(auto: false))
            .field("poverty_line", .int64, .required)
            .field("dibao_line", .int64, .required)
            .field("notice_min_days", .int, .required)
            .field("village_incidence_bp", .int, .required)
            .field("county_incidence_bp", .int, .required)
            .field("wrong_exit_bp", .int, .required)
            .field("missed_bp", .int, .required)
            .field("recognition_bp", .int, .required)
            .field("is_default", .bool, .required)
            .field("version", .int, .required)
            .create()
        for standard in Standard.defaults {
            let row = StandardRecord()
            row.id = standard.year
            row.apply(standard)
            row.isDefault = true
            row.version = 1
            try await row.create(on: db)
        }
    }

    func revert(on db: any Database) async throws { try await db.schema("standards").delete() }
}

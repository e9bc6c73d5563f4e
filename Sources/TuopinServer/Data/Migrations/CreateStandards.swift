import Fluent
import SQLKit
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
        // Written as SQL with this migration's columns: the model has columns later migrations add.
        for s in Standard.defaults {
            try await db.sqlDatabase.insert(into: "standards")
                .columns(
                    "year", "poverty_line", "dibao_line", "notice_min_days", "village_incidence_bp",
                    "county_incidence_bp", "wrong_exit_bp",
                    "missed_bp", "recognition_bp", "is_default", "version"
                )
                .values(
                    SQLBind(s.year), SQLBind(s.povertyLine.fen), SQLBind(s.dibaoLine.fen), SQLBind(s.noticeMinDays),
                    SQLBind(s.villageIncidenceBP),
                    SQLBind(s.countyIncidenceBP), SQLBind(s.wrongExitBP), SQLBind(s.missedBP), SQLBind(s.recognitionBP),
                    SQLBind(true), SQLBind(1)
                )
                .run()
        }
    }

    func revert(on db: any Database) async throws { try await db.schema("standards").delete() }
}

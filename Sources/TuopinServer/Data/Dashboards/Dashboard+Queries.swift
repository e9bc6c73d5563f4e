import Fluent
import SQLKit
import TuopinCore
import Vapor

/// The queries of `Dashboard` (the data layer, issue #23).
extension Dashboard {
    /// The kept rural population of the villages under a unit; nil when none is kept.
    static func ruralPopulation(under code: OrgCode, on db: DataAccess) async throws -> Int? {
        struct Row: Decodable { let p: Int64? }
        let row = try await db.sqlDatabase.select().column(DataAccess.bigintSum("rural_population"), as: "p").from(
            OrgUnit.schema
        )
        .where(ScopeSQL.under([code], column: "code")).where("level", .equal, SQLBind(OrgLevel.village.rawValue))
        .first(decoding: Row.self)
        return row?.p.map(Int.init)
    }
}

import Fluent
import SQLKit
import TuopinCore
import Vapor

/// What the data-quality page reads beside `QualityService`'s counts.
extension DataAccess {
    /// Findings per child unit of `code` (by its code), within `roots`.
    func qualityFindingsByChild(of code: OrgCode, level: OrgLevel, roots: [OrgCode]) async throws -> [String: Int] {
        struct Row: Decodable { let unit: String; let n: Int }
        let column = Household.codeColumn(for: level)
        let rows = try await db.sqlDatabase.select()
            .column(SQLAlias(SQLColumn(column), as: SQLIdentifier("unit")))
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(QualityFinding.schema).where(ScopeSQL.within([code])).where(ScopeSQL.within(roots))
            .groupBy(SQLColumn(column)).all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.unit, $0.n) })
    }

    /// Household numbers by id, of households the user may read.
    func householdNumbers(_ ids: [RowID<Household>]) async throws -> [RowID<Household>: String] {
        Dictionary(uniqueKeysWithValues: try await households().filter(\.$id ~~ ids).all().map { ($0.id!, $0.number) })
    }

    /// When the data-quality check last ran.
    func lastQualityRun() async throws -> Date? {
        struct Run: Decodable { let checked_at: Date }
        return try await db.sqlDatabase.select().column("checked_at").from("quality_runs").orderBy("id", .descending)
            .limit(1).first(decoding: Run.self)?.checked_at
    }
}

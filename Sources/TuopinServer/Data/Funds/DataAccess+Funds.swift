import Fluent
import SQLKit
import TuopinCore
import Vapor

extension DataAccess {
    /// Projects sited under the user's registry scope.
    func projects() -> QueryBuilder<ProjectRecord> {
        ProjectRecord.query(on: db).filter(.sql(ScopeSQL.under(scope.roots(for: .readRegistry), column: "site_code")))
    }
    /// How many of those projects sited under `unit` are in each state.
    func projectCountsByStatus(under unit: OrgCode) async throws -> [ProjectStatus: Int] {
        struct Row: Decodable { let status: String; let n: Int }
        let rows = try await db.sqlDatabase.select().column("status").column(
            SQLFunction("COUNT", args: SQLLiteral.all), as: "n"
        )
        .from(ProjectRecord.schema).where(ScopeSQL.under(scope.roots(for: .readRegistry), column: "site_code"))
        .where(ScopeSQL.under([unit], column: "site_code")).groupBy("status").all(decoding: Row.self)
        return rows.reduce(into: [:]) { out, r in
            if let s = ProjectStatus(rawValue: r.status) { out[s, default: 0] += r.n }
        }
    }
    func project(id: RowID<ProjectRecord>) async throws -> ProjectRecord {
        guard let p = try await projects().filter(\.$id == id).first() else { throw AppError.notFound }
        return p
    }
    /// Ledger entries that leave or reach a unit under the user's scope.
    func fundEntries() -> QueryBuilder<FundEntryRecord> {
        let roots = scope.roots(for: .readRegistry)
        return FundEntryRecord.query(on: db).group(.or) {
            $0.filter(.sql(ScopeSQL.under(roots, column: "from_unit"))).filter(
                .sql(ScopeSQL.under(roots, column: "to_unit")))
        }
    }
    func fundEntry(id: RowID<FundEntryRecord>) async throws -> FundEntryRecord {
        guard let e = try await fundEntries().filter(\.$id == id).first() else { throw AppError.notFound }
        return e
    }
    /// Loans of households the user may read.
    func loans() -> QueryBuilder<LoanRecord> { LoanRecord.query(on: db).within(scope.roots(for: .readRegistry)) }
}

extension DataAccess {
    /// How many households a project lists as its beneficiaries.
    func beneficiaryCount(project id: RowID<ProjectRecord>) async throws -> Int {
        try await sqlDatabase.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("project_beneficiaries").where("project_id", .equal, SQLBind(id)).first()?.decode(
                column: "n", as: Int.self) ?? 0
    }
}

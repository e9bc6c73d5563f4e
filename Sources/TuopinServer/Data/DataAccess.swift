import Fluent
import SQLKit
import TuopinCore
import Vapor

/// The one door to the data (DESIGN.md, Access). Every page, API route, export and search
/// reads and writes through it, so a user can never reach a unit outside their scope:
/// records outside it are simply not found (404), never "forbidden", which would confirm they exist.
struct DataAccess: Sendable {
    let db: any Database
    let scope: Scope
    /// `scoped`: every scoped table filtered to `scope`; `system`: the named unscoped access.
    var reach = Reach.scoped

    enum Reach: Sendable { case scoped, system }

    // MARK: Org units

    /// A unit whose aggregates the user may see.
    func unit(_ code: OrgCode) async throws -> OrgUnit {
        guard scope.permitsAggregates(on: code), let unit = try await OrgUnit.find(code.value, on: db) else {
            throw AppError.notFound
        }
        return unit
    }

    /// A unit the user may see and act on with `permission` (forbidden when they may only see it).
    func unit(_ code: OrgCode, for permission: Permission) async throws -> OrgUnit {
        let unit = try await unit(code)
        guard scope.permits(permission, on: code) else { throw AppError.forbidden }
        return unit
    }

    func children(of code: OrgCode) async throws -> [OrgUnit] {
        _ = try await unit(code)
        return try await OrgUnit.query(on: db).filter(\.$parentCode == code.value).sort(\.$id).all()
    }

    /// Ancestors shown in breadcrumbs, cut at the top of the user's own scope.
    func breadcrumbs(to code: OrgCode) async throws -> [OrgUnit] {
        let visible = code.lineage.filter { scope.permitsAggregates(on: $0) }.map(\.value)
        guard !visible.isEmpty else { return [] }
        return try await OrgUnit.query(on: db).filter(\.$id ~~ visible).sort(\.$level).all()
    }

    // MARK: Households

    /// Households the user may read, as a query to refine.
    func households() -> QueryBuilder<Household> {
        Household.query(on: db).within(scope.roots(for: .readRegistry))
    }

    /// Households the user may change.
    func writableHouseholds(on db: (any Database)? = nil) -> QueryBuilder<Household> {
        Household.query(on: db ?? self.db).within(scope.roots(for: .writeRegistry))
    }

    var mayWriteRegistry: Bool { scope.has(.writeRegistry) }

    /// A household the user may change: readable but not writable is "forbidden", invisible is "not found".
    func writableHousehold(id: RowID<Household>) async throws -> Household {
        if let h = try await writableHouseholds().filter(\.$id == id).first() { return h }
        if try await households().filter(\.$id == id).count() > 0 { throw AppError.forbidden }
        throw AppError.notFound
    }

    func household(id: RowID<Household>) async throws -> Household {
        guard let household = try await households().filter(\.$id == id).first() else { throw AppError.notFound }
        return household
    }

    func members(of household: Household) async throws -> [Member] {
        try await Member.query(on: db).filter(\.$household.$id == household.requireID()).sort(\.$id).all()
    }

    func incomes(of household: Household) async throws -> [IncomeRecord] {
        try await IncomeRecord.query(on: db).filter(\.$householdID == household.requireID()).sort(\.$year).all()
    }

    var mayReadRegistry: Bool { scope.has(.readRegistry) }
    var maySeeFullIdentity: Bool { scope.has(.seeFullIdentity) }
    var maySeeHealth: Bool { scope.has(.seeHealth) }

    // MARK: Workflow cases

    /// Cases the user may read: those of units under the roots of their registry scope.
    func cases(on db: (any Database)? = nil) -> QueryBuilder<WorkflowCase> {
        WorkflowCase.query(on: db ?? self.db).within(scope.roots(for: .readRegistry))
    }

    /// Notices of units under the user's registry scope (the portal shows all notices to anyone;
    /// this is for deciding their objections).
    func notices() -> QueryBuilder<Notice> {
        Notice.query(on: db).filter(.sql(ScopeSQL.under(scope.roots(for: .readRegistry), column: "unit_code")))
    }

    /// Spot checks are a county's: visible to those who may read the whole county.
    func spotChecks() -> QueryBuilder<SpotCheckRecord> {
        SpotCheckRecord.query(on: db).filter(
            .sql(ScopeSQL.under(scope.roots(for: .readRegistry), column: "county_code")))
    }

    func spotCheck(id: RowID<SpotCheckRecord>) async throws -> SpotCheckRecord {
        guard let check = try await spotChecks().filter(\.$id == id).first() else { throw AppError.notFound }
        return check
    }

    func workflowCase(id: RowID<WorkflowCase>) async throws -> WorkflowCase {
        guard let c = try await cases().filter(\.$id == id).first() else { throw AppError.notFound }
        return c
    }

    // MARK: Aggregates

    struct Counts: Sendable, Encodable {
        var households = 0, people = 0, poorHouseholds = 0, exitedHouseholds = 0
    }

    /// Counts per child unit of `code`, from the roll-ups (current after any write; readers
    /// call `Rollups.ensureCurrent` first).
    func childCounts(of code: OrgCode) async throws -> [String: Counts] {
        _ = try await unit(code)
        return try await Rollups.childCells(of: code.value, on: self).mapValues { cells in
            let f = PovertyFigures(cells: cells)
            let all = f.registered + f.applicants
            return Counts(
                households: all.households, people: all.people, poorHouseholds: f.remaining.households,
                exitedHouseholds: f.exited.households)
        }
    }

    /// The registry's figures of one unit the user may see, from the roll-ups.
    func figures(of code: OrgCode) async throws -> PovertyFigures {
        _ = try await unit(code)
        return PovertyFigures(cells: try await Rollups.cells(of: code.value, on: self))
    }

    /// SUM as BIGINT on both engines (PostgreSQL's SUM of integers is NUMERIC). Only for
    /// constant expressions written in code, never for input.
    static func bigintSum(_ expression: String) -> any SQLExpression {
        SQLRaw("CAST(SUM(\(expression)) AS BIGINT)")
    }
}

extension Household {
    /// The denormalised column holding a household's unit code at `level`.
    static func codeColumn(for level: OrgLevel) -> String {
        switch level {
        case .region, .prefecture: "prefecture_code"
        case .county: "county_code"
        case .township: "township_code"
        case .village: "village_code"
        }
    }
}

extension QueryBuilder {
    /// Restricts to rows under any of `roots`, on the denormalised unit-code columns that every
    /// scoped table carries (households, cases, quality findings); with no roots, to nothing.
    func within(_ roots: [OrgCode]) -> Self { filter(.sql(ScopeSQL.within(roots))) }
}

/// The scope filter as SQL, the one place that turns org-unit roots into a WHERE clause.
enum ScopeSQL {
    /// Rows with the four unit-code columns whose unit lies under one of `roots`.
    static func within(_ roots: [OrgCode]) -> any SQLExpression {
        either(
            roots.map { root in
                root.level == .region
                    ? SQLBinaryExpression(SQLColumn("prefecture_code"), .like, SQLBind(root.value + "%"))
                    : SQLBinaryExpression(SQLColumn(Household.codeColumn(for: root.level)), .equal, SQLBind(root.value))
            })
    }

    /// Rows whose single code `column` lies under one of `roots` (codes are prefixes of their descendants).
    static func under(_ roots: [OrgCode], column: String) -> any SQLExpression {
        either(roots.map { SQLBinaryExpression(SQLColumn(column), .like, SQLBind($0.value + "%")) })
    }

    private static func either(_ parts: [any SQLExpression]) -> any SQLExpression {
        guard let first = parts.first else {
            return SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))
        }
        return SQLGroupExpression(parts.dropFirst().reduce(first) { SQLBinaryExpression($0, .or, $1) })
    }
}

extension Request {
    /// The scoped data access for the signed-in user (nobody's scope when signed out).
    var data: DataAccess { DataAccess(db: db, scope: auth.get(CurrentUser.self)?.scope ?? .nobody) }
}

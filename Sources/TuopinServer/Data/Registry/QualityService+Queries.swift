import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `QualityService` (the data layer, issue #23).
extension QualityService {
    static func duplicateHMACs(_ hmacs: [String], on db: DataAccess) async throws -> [String] {
        var out: [String] = []
        for chunk in hmacs.chunked(1_000) {
            struct Row: Decodable { let id_hmac: String }
            out += try await db.sqlDatabase.select().column("id_hmac").from(Member.schema)
                .where("id_hmac", .in, SQLBind.group(Array(chunk))).groupBy("id_hmac")
                .having(SQLFunction("COUNT", args: SQLLiteral.all), .greaterThan, SQLBind(1))
                .all(decoding: Row.self).map(\.id_hmac)
        }
        return out
    }

    /// Findings per code under `unit`, for the households the user may read.
    static func counts(on db: DataAccess, unit: OrgCode, roots: [OrgCode]) async throws -> [QualityCode: Int] {
        struct Row: Decodable { let code: String; let n: Int }
        let rows = try await db.sqlDatabase.select().column("code").column(
            SQLFunction("COUNT", args: SQLLiteral.all), as: "n"
        )
        .from(QualityFinding.schema).where(ScopeSQL.within([unit])).where(ScopeSQL.within(roots))
        .groupBy("code").all(decoding: Row.self)
        return Dictionary(rows.compactMap { r in QualityCode(rawValue: r.code).map { ($0, r.n) } }, uniquingKeysWith: +)
    }

    /// Households with findings under `unit` within the user's scope (first `limit`).
    static func households(on db: DataAccess, unit: OrgCode, roots: [OrgCode], limit: Int) async throws -> [(
        RowID<Household>, [String]
    )] {
        struct Row: Decodable { let household_id: RowID<Household>; let code: String }
        let rows = try await db.sqlDatabase.select().columns("household_id", "code").from(QualityFinding.schema)
            .where(ScopeSQL.within([unit])).where(ScopeSQL.within(roots)).orderBy("household_id").orderBy("code")
            .limit(limit * 4)
            .all(decoding: Row.self)
        var order: [RowID<Household>] = []
        var codes: [RowID<Household>: [String]] = [:]
        for r in rows {
            if codes[r.household_id] == nil { order.append(r.household_id) }
            codes[r.household_id, default: []].append(r.code)
        }
        return order.prefix(limit).map { ($0, codes[$0]!) }
    }
}

extension DataAccess {
    /// Replaces the stored findings of `households` with `results` (inside the check's transaction).
    func replaceQualityFindings(
        of households: [QualityService.Subject], with results: [RowID<Household>: [QualityProblem]]
    )
        async throws
    {
        try await sqlDatabase.delete(from: QualityFinding.schema).where(
            "household_id", .in, SQLBind.group(households.map(\.id))
        ).run()
        try await sqlDatabase.bulkInsert(
            into: QualityFinding.schema,
            columns: [
                "household_id", "code", "detail", "village_code", "township_code", "county_code", "prefecture_code",
            ],
            rows: households.flatMap { h in
                (results[h.id] ?? []).map { p -> [any Encodable & Sendable] in
                    [
                        h.id, p.code.rawValue, p.detail, h.village_code, h.township_code, h.county_code,
                        h.prefecture_code,
                    ]
                }
            })
    }

    /// How many households lie under `unit` (all of them when nil).
    func householdCount(under unit: OrgCode?) async throws -> Int {
        struct Count: Decodable { let n: Int }
        var counting = sqlDatabase.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(
            Household.schema)
        if let unit { counting = counting.where(ScopeSQL.within([unit])) }
        return try await counting.first(decoding: Count.self)?.n ?? 0
    }

    /// The next `limit` households under `unit` after id `after`, as the quality check reads them.
    func qualitySubjects(under unit: OrgCode?, after: RowID<Household>, limit: Int) async throws -> [QualityService
        .Subject]
    {
        var q = sqlDatabase.select().columns(QualityService.Subject.columns).from(Household.schema)
            .where("id", .greaterThan, SQLBind(after)).orderBy("id").limit(limit)
        if let unit { q = q.where(ScopeSQL.within([unit])) }
        return try await q.all(decoding: QualityService.Subject.self)
    }

    /// The counties under `unit` (all when nil); the unit itself when it is a county or smaller.
    func countiesToCheck(under unit: OrgCode?) async throws -> [OrgCode] {
        if let unit, unit.level >= .county { return [unit] }
        let counties = try await rows(OrgUnit.self).filter(\.$level == OrgLevel.county.rawValue).all()
        return counties.compactMap { $0.id.flatMap { OrgCode($0) } }.filter { county in
            unit.map { county.isSelfOrDescendant(of: $0) } ?? true
        }.sorted { $0.value < $1.value }
    }

    /// Which of `households` are still at the version they were read at.
    func householdsAtVersion(_ households: [QualityService.Subject]) async throws -> Set<RowID<Household>> {
        struct Row: Decodable { let id: RowID<Household>; let version: Int }
        let read = Dictionary(uniqueKeysWithValues: households.map { ($0.id, $0.version) })
        let rows = try await sqlDatabase.select().columns("id", "version").from(Household.schema)
            .where("id", .in, SQLBind.group(households.map(\.id))).all(decoding: Row.self)
        return Set(rows.filter { read[$0.id] == $0.version }.map(\.id))
    }

    /// Records a finished quality run (the quality page shows the last one).
    func recordQualityRun(unit: OrgCode?, at now: Date, households: Int, findings: Int) async throws {
        try await sqlDatabase.insert(into: "quality_runs").columns("unit_code", "checked_at", "households", "findings")
            .values(SQLBind(unit?.value ?? "54"), SQLBind(now), SQLBind(households), SQLBind(findings)).run()
    }
}

import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Runs the data-quality checks of TuopinCore over households and stores what they find, so that
/// the problems page reads counts without re-checking the registry.
enum QualityService {
    struct Summary: Sendable { var households = 0; var findings: [QualityCode: Int] = [:] }

    /// Re-checks the given households inside the caller's transaction (every save does this).
    /// What a recheck needs of a household: read as plain SQL rows when there are many (model
    /// decoding of a whole region's households dominated the check).
    struct Subject: Sendable, Decodable {
        let id: Int
        let status: String
        let village_code: String, township_code: String, county_code: String, prefecture_code: String
        init(_ h: Household) {
            id = h.id!; status = h.status
            village_code = h.villageCode; township_code = h.townshipCode; county_code = h.countyCode; prefecture_code = h.prefectureCode
        }

        static let columns = ["id", "status", "village_code", "township_code", "county_code", "prefecture_code"]
    }

    static func recheck(_ households: [Household], on tx: DataAccess, protector: DataProtector, today: CivilDate) async throws -> [Int: [QualityProblem]] {
        try await recheck(households.map(Subject.init), on: tx, protector: protector, today: today)
    }

    static func recheck(_ households: [Subject], on tx: DataAccess, protector: DataProtector, today: CivilDate,
                        clock: PhaseClock? = nil) async throws -> [Int: [QualityProblem]] {
        guard !households.isEmpty else { return [:] }
        let loaded = try await HouseholdFactsLoader.load(on: tx, households: households.map { ($0.id, $0.status) },
                                                          protector: protector, planYear: today.year)
        clock?.add("facts loaded")
        let standards = try await StandardsController.lookup(on: tx)
        var results: [Int: [QualityProblem]] = [:]
        for h in households { results[h.id] = DataQuality.check(loaded.facts[h.id]!, today: today, povertyLine: { standards[$0]?.povertyLine }) }
        clock?.add("checked")
        // The same person in two households is a registry-wide fact: ask the index.
        let shared = Set(try await duplicateHMACs(loaded.hmacs.map(\.hmac), on: tx))
        for m in loaded.hmacs where shared.contains(m.hmac) {
            results[m.household, default: []].append(QualityProblem(.idDuplicate, m.name))
        }
        clock?.add("duplicates asked")
        let sql = tx.sqlDatabase
        try await sql.delete(from: QualityFinding.schema).where("household_id", .in, SQLBind.group(households.map(\.id))).run()
        try await sql.bulkInsert(into: QualityFinding.schema,
                                 columns: ["household_id", "code", "detail", "village_code", "township_code", "county_code", "prefecture_code"],
                                 rows: households.flatMap { h in (results[h.id] ?? []).map { p -> [any Encodable & Sendable] in
                                     [h.id, p.code.rawValue, p.detail, h.village_code, h.township_code, h.county_code, h.prefecture_code]
                                 } })
        return results
    }

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

    /// Checks every household under `unit` (all when nil) in batches of 1,000, one transaction each.
    static func checkAll(app: Application, unit: OrgCode?, progress: ProgressHandler = { _, _ in }) async throws -> Summary {
        var summary = Summary()
        var counting = app.systemData.sqlDatabase.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Household.schema)
        if let unit { counting = counting.where(ScopeSQL.within([unit])) }
        struct Count: Decodable { let n: Int }
        let inScope = try await counting.first(decoding: Count.self)?.n ?? 0
        progress(0, inScope)
        var after = 0
        let today = app.clock.today
        let protector = app.tuopin.protector
        let clock = PhaseClock(logger: app.logger, name: "check --quality")
        while true {
            clock.add("other")
            var q = app.systemData.sqlDatabase.select().columns(Subject.columns).from(Household.schema)
                .where("id", .greaterThan, SQLBind(after)).orderBy("id").limit(1_000)
            if let unit { q = q.where(ScopeSQL.within([unit])) }
            let page = try await q.all(decoding: Subject.self)
            guard let last = page.last else { break }
            after = last.id
            clock.add("page read")
            let results = try await app.write { tx in
                let results = try await recheck(page, on: tx, protector: protector, today: today, clock: clock)
                clock.add("findings written")
                return results
            }
            clock.add("committed")
            summary.households += page.count
            for problems in results.values { for p in problems { summary.findings[p.code, default: 0] += 1 } }
            progress(summary.households, max(inScope, summary.households))
        }
        clock.logTotals()
        let now = app.tuopin.now()
        let total = summary.findings.values.reduce(0, +)
        let checked = summary.households
        try await app.write { tx in
            try await tx.sqlDatabase.insert(into: "quality_runs").columns("unit_code", "checked_at", "households", "findings")
                .values(SQLBind(unit?.value ?? "54"), SQLBind(now), SQLBind(checked), SQLBind(total)).run()
        }
        return summary
    }

    /// Findings per code under `unit`, for the households the user may read.
    static func counts(on db: DataAccess, unit: OrgCode, roots: [OrgCode]) async throws -> [QualityCode: Int] {
        struct Row: Decodable { let code: String; let n: Int }
        let rows = try await db.sqlDatabase.select().column("code").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(QualityFinding.schema).where(ScopeSQL.within([unit])).where(ScopeSQL.within(roots))
            .groupBy("code").all(decoding: Row.self)
        return Dictionary(rows.compactMap { r in QualityCode(rawValue: r.code).map { ($0, r.n) } }, uniquingKeysWith: +)
    }

    /// Households with findings under `unit` within the user's scope (first `limit`).
    static func households(on db: DataAccess, unit: OrgCode, roots: [OrgCode], limit: Int) async throws -> [(Int, [String])] {
        struct Row: Decodable { let household_id: Int; let code: String }
        let rows = try await db.sqlDatabase.select().columns("household_id", "code").from(QualityFinding.schema)
            .where(ScopeSQL.within([unit])).where(ScopeSQL.within(roots)).orderBy("household_id").limit(limit * 4)
            .all(decoding: Row.self)
        var order: [Int] = []
        var codes: [Int: [String]] = [:]
        for r in rows {
            if codes[r.household_id] == nil { order.append(r.household_id) }
            codes[r.household_id, default: []].append(r.code)
        }
        return order.prefix(limit).map { ($0, codes[$0]!) }
    }
}


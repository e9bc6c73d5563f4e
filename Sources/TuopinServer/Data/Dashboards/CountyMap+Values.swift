import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `CountyMap` (the data layer, issue #23).
extension CountyMap {
    /// Each county's value of `measure` (basis points for rates), for the counties in `counties`.
    static func values(_ measure: Measure, counties: [String], year: Int, on db: DataAccess) async throws -> [String:
        Int]
    {
        let wanted = Set(counties)
        let sql = db.sqlDatabase
        struct Pair: Decodable { let county: String; let v: Int64? }
        switch measure {
        case .remaining, .incidence:
            let cells = try await Rollups.countyStatusCells(
                prefectures: Array(Set(counties.map { String($0.prefix(4)) })).sorted(), on: db)
            var remaining: [String: Int] = [:]
            for (code, c) in cells where wanted.contains(code) {
                remaining[code] = PovertyFigures(cells: c).remaining.people
            }
            if measure == .remaining { return wanted.reduce(into: [:]) { $0[$1] = remaining[$1] ?? 0 } }
            let population = try await sql.raw(
                """
                SELECT SUBSTR(code, 1, 6) AS county, CAST(SUM(rural_population) AS BIGINT) AS v FROM org_units
                WHERE level = \(literal: OrgLevel.village.rawValue) GROUP BY SUBSTR(code, 1, 6)
                """
            ).all(decoding: Pair.self)
            var result: [String: Int] = [:]
            for p in population where wanted.contains(p.county) {
                if let bp = PovertyFigures.incidenceBP(
                    poorPeople: remaining[p.county] ?? 0, ruralPopulation: p.v.map(Int.init))
                {
                    result[p.county] = bp
                }
            }
            return result
        case .violations:
            let rows = try await sql.raw(
                """
                SELECT SUBSTR(unit_code, 1, 6) AS county, COUNT(*) AS v FROM violations
                WHERE resolved_at IS NULL AND LENGTH(unit_code) >= 6 GROUP BY SUBSTR(unit_code, 1, 6)
                """
            ).all(decoding: Pair.self)
            var result = wanted.reduce(into: [String: Int]()) { $0[$1] = 0 }
            for r in rows where wanted.contains(r.county) { result[r.county] = Int(r.v ?? 0) }
            return result
        case .disbursement:
            // Money in a county's ledger is either still held (a balance) or spent: spent ÷ (spent + held).
            struct Money: Decodable { let county: String; let spent: Int64?; let held: Int64? }
            let units = try await sql.raw(
                """
                SELECT SUBSTR(holder, 3, 6) AS county, CAST(SUM(spent) AS BIGINT) AS spent, CAST(SUM(received - \
                allocated - spent) AS BIGINT) AS held
                FROM fund_accounts WHERE year = \(bind: year) AND holder LIKE 'u:%' AND LENGTH(holder) >= 8 GROUP BY \
                SUBSTR(holder, 3, 6)
                """
            ).all(decoding: Money.self)
            let projects = try await sql.raw(
                """
                SELECT p.county_code AS county, CAST(SUM(a.spent) AS BIGINT) AS spent, CAST(SUM(a.received - \
                a.allocated - a.spent) AS BIGINT) AS held
                FROM fund_accounts a JOIN projects p ON a.holder = 'p:' || CAST(p.id AS TEXT) WHERE a.year = \
                \(bind: year) GROUP BY p.county_code
                """
            ).all(decoding: Money.self)
            var totals: [String: (spent: Int64, held: Int64)] = [:]
            for m in units + projects where wanted.contains(m.county) {
                totals[m.county, default: (0, 0)].spent += m.spent ?? 0
                totals[m.county, default: (0, 0)].held += m.held ?? 0
            }
            return totals.compactMapValues { t in
                FundAccount(received: TuopinCore.Money(fen: t.spent + t.held), spent: TuopinCore.Money(fen: t.spent))
                    .disbursementBP
            }
        }
    }
}

import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// How the demo spreads its households over villages, the random passwords of its logins, and the
/// cadres and household plans it writes for a township.
extension DemoSeeder {
    /// Households per village. The first village of the first county (the demo users' own village)
    /// gets a showcase share moved from the last villages, so that its workflows have households to
    /// work on; the total is unchanged.
    static func villageCounts(_ region: DemoRegion, total: Int) -> [[[Int]]] {
        var counts = region.counties.enumerated().map { c, county in
            region.townships(of: county.code).enumerated().map { t, township in
                region.villages(of: township.code).indices.map { v in
                    region.householdCount(total: total, countyIndex: c, townshipIndex: t, villageIndex: v)
                }
            }
        }
        guard !counts.isEmpty, !counts[0].isEmpty, !counts[0][0].isEmpty else { return counts }
        var toMove = min(showcaseHouseholds, total / 25)
        outer: for c in counts.indices.reversed() {
            for t in counts[c].indices.reversed() {
                for v in counts[c][t].indices.reversed() where !(c == 0 && t == 0 && v == 0) {
                    let take = min(counts[c][t][v], toMove)
                    counts[c][t][v] -= take; counts[0][0][0] += take; toMove -= take
                    if toMove == 0 { break outer }
                }
            }
        }
        return counts
    }

    /// 14 characters with letters, digits and a symbol.
    static func randomPassword() -> String {
        let letters = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"), digits = Array("23456789"),
            symbols = Array("#%+=@")
        var chars = (0..<10).map { _ in letters.randomElement()! } + (0..<3).map { _ in digits.randomElement()! }
        chars.append(symbols.randomElement()!)
        return String(chars.shuffled())
    }

    /// The year's household plans and their measures.
    static func insertPlans(
        _ households: [DemoHousehold], idByNumber: [String: Int], planYear: Int, on sql: any SQLDatabase
    ) async throws {
        // R-23-1's sprinkling: about one poor household in 23 has no plan for the year yet.
        let planned = households.filter { !$0.measures.isEmpty && Int64($0.number)! % 23 != 5 }
        try await sql.bulkInsert(
            into: HouseholdPlan.schema, columns: ["household_id", "year", "goal"],
            rows: planned.map { [idByNumber[$0.number]!, planYear, "\(planYear)年实现稳定增收"] })
        if !planned.isEmpty {
            struct PlanRow: Decodable { let id: Int; let household_id: Int }
            let plans = try await sql.select().columns("id", "household_id").from(HouseholdPlan.schema)
                .where("household_id", .in, SQLBind.group(planned.map { idByNumber[$0.number]! }))
                .where("year", .equal, SQLBind(planYear)).all(decoding: PlanRow.self)
            let planByHousehold = Dictionary(uniqueKeysWithValues: plans.map { ($0.household_id, $0.id) })
            try await sql.bulkInsert(
                into: Measure.schema,
                columns: [
                    "plan_id", "category", "subtype", "content", "amount",
                    "start_date", "end_date", "outcome",
                ],
                rows: planned.flatMap { h in
                    h.measures.map { m -> [any Encodable & Sendable] in
                        [
                            planByHousehold[idByNumber[h.number]!]!, m.category.rawValue, m.subtype.rawValue,
                            m.content, m.amount.fen, "\(planYear)-01-01", "\(planYear)-12-31", "",
                        ]
                    }
                })
        }
    }

    /// Inserts cadres in one statement per chunk, then points each unit's principals at theirs.
    static func insertCadres(_ cadres: [DemoCadre], on txAccess: DataAccess) async throws {
        let tx = txAccess.db
        let sql = tx.sqlDatabase
        try await sql.bulkInsert(
            into: Cadre.schema, columns: ["name", "rank", "stationed_role", "unit_code", "position", "active"],
            rows: cadres.map {
                [$0.name, $0.rank.rawValue, $0.role.rawValue, $0.unit.value, $0.position.rawValue, true]
            })
        let principals = cadres.filter { $0.principal != nil }
        guard !principals.isEmpty else { return }
        struct Row: Decodable { let id: Int; let unit_code: String; let position: String }
        let rows = try await sql.select().columns("id", "unit_code", "position").from(Cadre.schema)
            .where("unit_code", .in, SQLBind.group(Set(principals.map(\.unit.value)).sorted()))
            .all(decoding: Row.self)
        for p in principals {
            guard let row = rows.first(where: { $0.unit_code == p.unit.value && $0.position == p.position.rawValue })
            else {
                continue
            }
            let column = p.principal == "secretary" ? "secretary_id" : "head_id"
            try await sql.update(OrgUnit.schema).set(SQLColumn(column), to: SQLBind(row.id))
                .where("code", .equal, SQLBind(p.unit.value)).run()
        }
    }
}

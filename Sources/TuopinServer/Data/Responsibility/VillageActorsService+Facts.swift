import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `VillageActorsService` (the data layer, issue #23).
extension VillageActorsService {
    /// Active party-member leaders under `root` with their project counts and the linked poor people
    /// whose household's per-capita income rose in its latest recorded year.
    static func leaderFacts(on db: DataAccess, root: OrgCode) async throws -> [PartyLeaderFact] {
        let sql = db.sqlDatabase
        struct LeaderRow: Decodable { let id: Int; let village_code: String; let name: String; let projects: Int? }
        let leaders = try await sql.raw(
            """
            SELECT l.id, l.village_code, l.name, (SELECT COUNT(*) FROM leader_projects p WHERE p.leader_id = l.id) AS \
            projects
            FROM party_leaders l WHERE l.active = \(bind: true) AND l.village_code LIKE \(bind: root.value + "%") \
            ORDER BY l.id
            """
        ).all(decoding: LeaderRow.self)
        guard !leaders.isEmpty else { return [] }
        struct LinkRow: Decodable { let leader_id: Int; let household_id: Int }
        let links = try await sql.raw(
            """
            SELECT b.leader_id, m.household_id FROM leader_beneficiaries b JOIN members m ON m.id = b.member_id
            JOIN households h ON h.id = m.household_id JOIN party_leaders l ON l.id = b.leader_id
            WHERE l.active = \(bind: true) AND l.village_code LIKE \(bind: root.value + "%") AND h.status <> \
            \(bind: HouseholdStatus.applicant.rawValue)
            """
        ).all(decoding: LinkRow.self)
        let households = Array(Set(links.map(\.household_id)))
        var rose: [Int: Bool] = [:]
        struct IncomeRow: Decodable {
            let household_id: Int; let year: Int; let wage: Int64; let business: Int64; let property: Int64;
            let transfer: Int64; let costs: Int64; let member_count: Int
        }
        for chunk in stride(from: 0, to: households.count, by: 500).map({
            Array(households[$0..<min($0 + 500, households.count)])
        }) {
            let rows = try await sql.select().columns(
                SQLColumn("household_id", table: "i"), SQLColumn("year", table: "i"), SQLColumn("wage", table: "i"),
                SQLColumn("business", table: "i"), SQLColumn("property", table: "i"), SQLColumn("transfer", table: "i"),
                SQLColumn("costs", table: "i"), SQLColumn("member_count", table: "h")
            )
            .from(SQLAlias(SQLIdentifier("incomes"), as: SQLIdentifier("i")))
            .join(
                SQLAlias(SQLIdentifier(Household.schema), as: SQLIdentifier("h")), on: SQLColumn("id", table: "h"),
                .equal, SQLColumn("household_id", table: "i")
            )
            .where(SQLColumn("household_id", table: "i"), .in, SQLBind.group(chunk)).all(decoding: IncomeRow.self)
            for (household, incomes) in Dictionary(grouping: rows, by: \.household_id) {
                let byYear = Dictionary(
                    incomes.map { r in
                        (
                            r.year,
                            IncomeFacts(
                                year: r.year, wage: Money(fen: r.wage), business: Money(fen: r.business),
                                property: Money(fen: r.property),
                                transfer: Money(fen: r.transfer), costs: Money(fen: r.costs)
                            ).perCapita(members: r.member_count)
                        )
                    }
                ) { a, _ in a }
                rose[household] = PartyLeaderRule.rose(byYear)
            }
        }
        // People, not households: each linked member counts.
        let rising = Dictionary(grouping: links.filter { rose[$0.household_id] ?? false }, by: \.leader_id).mapValues(
            \.count)
        return leaders.compactMap { l in
            OrgCode(l.village_code).map {
                PartyLeaderFact(
                    id: l.id, village: $0, name: l.name, projects: l.projects ?? 0, risingPeople: rising[l.id] ?? 0)
            }
        }
    }
}

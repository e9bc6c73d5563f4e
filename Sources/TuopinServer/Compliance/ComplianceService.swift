import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Runs the compliance engine over a subtree and keeps its violations: new ones are recorded with
/// the time first seen, ones no longer found are marked resolved. One transaction, one audit entry.
enum ComplianceService {
    struct Summary: Sendable, Encodable { var found = 0, opened = 0, resolved = 0; var byRule: [String: Int] = [:] }
    static let separator = "\u{1F}"

    /// The facts the rules read, for the units under `root`.
    static func facts(on db: any Database, root: OrgCode) async throws -> ComplianceFacts {
        let sql = db.sqlDatabase
        struct CadreRow: Decodable { let id: Int; let rank: String; let unit_code: String; let active: Bool; let n: Int? }
        let cadres = try await sql.raw("""
            SELECT c.id, c.rank, c.unit_code, c.active,
                   (SELECT COUNT(*) FROM pairings p WHERE p.cadre_id = c.id AND p.ended_on IS NULL) AS n
            FROM cadres c WHERE c.unit_code LIKE \(bind: root.value + "%")
            """).all(decoding: CadreRow.self).compactMap { r -> ComplianceFacts.Cadre? in
                guard let rank = CadreRank(rawValue: r.rank), let unit = OrgCode(r.unit_code) else { return nil }
                return .init(id: r.id, rank: rank, unit: unit, active: r.active, activePairings: r.n ?? 0)
            }
        let poor = HouseholdStatus.allCases.filter(\.isRemainingPoor).map(\.rawValue)
        struct HouseholdRow: Decodable { let id: Int; let number: String; let village_code: String; let status: String; let n: Int? }
        let households = try await sql.select().column(SQLColumn("id", table: "h")).column(SQLColumn("number", table: "h"))
            .column(SQLColumn("village_code", table: "h")).column(SQLColumn("status", table: "h"))
            .column(SQLAlias(SQLRaw("(SELECT COUNT(*) FROM pairings p WHERE p.household_id = h.id AND p.ended_on IS NULL)"), as: SQLIdentifier("n")))
            .from(SQLAlias(SQLIdentifier(Household.schema), as: SQLIdentifier("h")))
            .where(ScopeSQL.within([root])).where(SQLColumn("status", table: "h"), .in, SQLBind.group(poor))
            .all(decoding: HouseholdRow.self)
        struct EndedRow: Decodable { let id: Int; let household_id: Int }
        let ended = try await sql.select().column(SQLColumn("id", table: "p")).column(SQLColumn("household_id", table: "p"))
            .from(SQLAlias(SQLIdentifier(Pairing.schema), as: SQLIdentifier("p")))
            .join(SQLAlias(SQLIdentifier(Household.schema), as: SQLIdentifier("h")), on: SQLColumn("household_id", table: "p"), .equal, SQLColumn("id", table: "h"))
            .where(SQLColumn("ended_on", table: "p"), .isNot, SQLLiteral.null)
            .where(ScopeSQL.within([root])).where(SQLColumn("status", table: "h"), .in, SQLBind.group(poor))
            .all(decoding: EndedRow.self)
        let endedByHousehold = Dictionary(grouping: ended, by: \.household_id)
        // Counties with poor households, and the prefectures and region above them, anywhere in the
        // region: a cadre in `root` may belong to a unit above it.
        struct CountyRow: Decodable { let county_code: String }
        let poorCounties = try await sql.select().distinct().column("county_code").from(Household.schema)
            .where(SQLColumn("status"), .in, SQLBind.group(poor)).all(decoding: CountyRow.self).compactMap { OrgCode($0.county_code) }
        let unitsWithPoor = Set(poorCounties.flatMap(\.lineage))
        return ComplianceFacts(cadres: cadres, households: households.compactMap { r in
            guard let village = OrgCode(r.village_code), let status = HouseholdStatus(rawValue: r.status) else { return nil }
            return .init(id: r.id, number: r.number, village: village, status: status, activePairings: r.n ?? 0,
                         endedPairings: (endedByHousehold[r.id] ?? []).map(\.id).sorted())
        }, unitsWithPoor: unitsWithPoor)
    }

    /// Checks the subtree under `root` and stores what changed.
    static func check(app: Application, root: OrgCode, actor: AuditLog.Actor) async throws -> Summary {
        let now = app.tuopin.now()
        return try await app.write { tx in
            let found = ComplianceRules.evaluate(try await facts(on: tx, root: root))
            let open = try await ViolationRecord.query(on: tx).filter(\.$resolvedAt == nil)
                .filter(.sql(ScopeSQL.under([root], column: "unit_code"))).all()
            let openKeys = Set(open.map { $0.rule + "|" + $0.subject })
            let foundKeys = Set(found.map(\.key))
            var summary = Summary(found: found.count)
            for v in found { summary.byRule[v.rule, default: 0] += 1 }
            let resolved = open.filter { !foundKeys.contains($0.rule + "|" + $0.subject) }.compactMap(\.id)
            for chunk in stride(from: 0, to: resolved.count, by: 500).map({ Array(resolved[$0..<min($0 + 500, resolved.count)]) }) {
                try await ViolationRecord.query(on: tx).filter(\.$id ~~ chunk).set(\.$resolvedAt, to: now).update()
            }
            summary.resolved = resolved.count
            let new = found.filter { !openKeys.contains($0.key) }
            try await tx.sqlDatabase.bulkInsert(into: ViolationRecord.schema,
                                                columns: ["rule", "article", "unit_code", "subject", "details", "first_seen"],
                                                rows: new.map { [$0.rule, $0.article, $0.unit.value, $0.subject, $0.details.joined(separator: separator), now] })
            summary.opened = new.count
            try await AuditLog.append(on: tx, actor: actor, action: "compliance.check", entity: "org_unit", entityID: root.value,
                                      after: summary, at: now)
            return summary
        }
    }
}

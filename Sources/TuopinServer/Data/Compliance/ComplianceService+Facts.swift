import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `ComplianceService` (the data layer, issue #23).
extension ComplianceService {
    /// The facts the rules read, for the units under `root` on `today` (R-23-1 reads this year's plans).
    static func facts(on db: DataAccess, root: OrgCode, today: CivilDate) async throws -> ComplianceFacts {
        let planYear = today.year
        let sql = db.sqlDatabase
        struct CadreRow: Decodable {
            let id: Int; let rank: String; let stationed_role: String; let unit_code: String; let active: Bool
            let n: Int?
        }
        let cadres = try await sql.raw(
            """
            SELECT c.id, c.rank, c.stationed_role, c.unit_code, c.active,
                   (SELECT COUNT(*) FROM pairings p WHERE p.cadre_id = c.id AND p.ended_on IS NULL) AS n
            FROM cadres c WHERE c.unit_code LIKE \(bind: root.value + "%")
            """
        ).all(decoding: CadreRow.self).compactMap { r -> ComplianceFacts.Cadre? in
            guard let rank = CadreRank(rawValue: r.rank), let unit = OrgCode(r.unit_code) else { return nil }
            return .init(
                id: r.id, rank: rank, role: StationedRole(rawValue: r.stationed_role) ?? .none, unit: unit,
                active: r.active, activePairings: r.n ?? 0)
        }
        let poor = HouseholdStatus.allCases.filter(\.isRemainingPoor).map(\.rawValue)
        struct HouseholdRow: Decodable {
            let id: Int; let number: String; let village_code: String; let status: String; let n: Int?;
            let planned: Int?
        }
        let households = try await sql.select().column(SQLColumn("id", table: "h")).column(
            SQLColumn("number", table: "h")
        )
        .column(SQLColumn("village_code", table: "h")).column(SQLColumn("status", table: "h"))
        .column(
            SQLAlias(
                // Only a cadre still in post pairs (R-37-2, article 37).
                SQLRaw(
                    "(SELECT COUNT(*) FROM pairings p JOIN cadres c ON c.id = p.cadre_id WHERE p.household_id = h.id "
                        + "AND p.ended_on IS NULL AND c.active = \(db.isPostgres ? "true" : "1"))"),
                as: SQLIdentifier("n"))
        )
        .column(
            SQLAlias(
                SQLRaw(
                    "(SELECT COUNT(*) FROM household_plans hp JOIN measures m ON m.plan_id = hp.id WHERE "
                        + "hp.household_id = h.id AND hp.year = \(planYear))"
                ),
                as: SQLIdentifier("planned"))
        )
        .from(SQLAlias(SQLIdentifier(Household.schema), as: SQLIdentifier("h")))
        .where(ScopeSQL.within([root])).where(SQLColumn("status", table: "h"), .in, SQLBind.group(poor))
        .all(decoding: HouseholdRow.self)
        let endedByHousehold = try await endedPairings(on: db, root: root, poor: poor)
        // Counties with poor households, and the prefectures and region above them, anywhere in the
        // region: a cadre in `root` may belong to a unit above it.
        struct CountyRow: Decodable { let county_code: String }
        let poorCounties = try await sql.select().distinct().column("county_code").from(Household.schema)
            .where(SQLColumn("status"), .in, SQLBind.group(poor)).all(decoding: CountyRow.self).compactMap {
                OrgCode($0.county_code)
            }
        let unitsWithPoor = Set(poorCounties.flatMap(\.lineage))
        var facts = ComplianceFacts(
            cadres: cadres,
            households: households.compactMap { r in
                guard let village = OrgCode(r.village_code), let status = HouseholdStatus(rawValue: r.status) else {
                    return nil
                }
                return .init(
                    id: r.id, number: r.number, village: village, status: status, activePairings: r.n ?? 0,
                    endedPairings: endedByHousehold[r.id] ?? [],
                    hasCurrentPlan: (r.planned ?? 0) > 0)
            }, unitsWithPoor: unitsWithPoor, quotas: try await PairingService.quotas(on: db))
        if root.level == .region {
            facts.standards = try await StandardsController.lookup(on: db).values.sorted { $0.year < $1.year }
        }
        try await quotaAndStaffFacts(on: db, root: root, into: &facts)
        facts.chain = try await chainFacts(on: db, root: root, today: today)
        facts.partyLeaders = try await VillageActorsService.leaderFacts(on: db, root: root)
        facts.practice = try await LocalPracticeService.load(on: db)
        facts.funds = try await FundFacts.load(on: db, root: root, today: today, practice: facts.practice)
        facts.findings = try await InspectionService.facts(on: db, root: root)
        return facts
    }

    /// The ended pairings of the poor households under `root`, by household (ids ascending).
    static func endedPairings(on db: DataAccess, root: OrgCode, poor: [String]) async throws -> [Int: [Int]] {
        let sql = db.sqlDatabase
        struct EndedRow: Decodable { let id: Int; let household_id: Int }
        let ended = try await sql.select().column(SQLColumn("id", table: "p")).column(
            SQLColumn("household_id", table: "p")
        )
        .from(SQLAlias(SQLIdentifier(Pairing.schema), as: SQLIdentifier("p")))
        .join(
            SQLAlias(SQLIdentifier(Household.schema), as: SQLIdentifier("h")),
            on: SQLColumn("household_id", table: "p"), .equal, SQLColumn("id", table: "h")
        )
        .where(SQLColumn("ended_on", table: "p"), .isNot, SQLLiteral.null)
        .where(SQLRaw("(p.end_reason IS NULL OR p.end_reason <> '\(PairingRule.cadreLeft)')"))
        .where(ScopeSQL.within([root])).where(SQLColumn("status", table: "h"), .in, SQLBind.group(poor))
        .all(decoding: EndedRow.self)
        return Dictionary(grouping: ended, by: \.household_id).mapValues { $0.map(\.id).sorted() }
    }

    /// R-06 identification quotas with the households identified against them, the townships'
    /// 扶贫专干 and the villages with a first secretary, under `root`.
    static func quotaAndStaffFacts(on db: DataAccess, root: OrgCode, into facts: inout ComplianceFacts) async throws {
        let sql = db.sqlDatabase
        struct QuotaRow: Decodable { let county_code: String; let year: Int; let quota: Int; let exemption: String }
        for q in try await sql.select().columns("county_code", "year", "quota", "exemption").from(
            IdentificationQuota.schema
        )
        .where(ScopeSQL.under([root], column: "county_code")).all(decoding: QuotaRow.self) {
            guard let county = OrgCode(q.county_code) else { continue }
            let identified = try await db.rows(Household.self).filter(\.$countyCode == q.county_code).filter(
                \.$identifiedYear == q.year
            )
            .filter(\.$status != .applicant).count()
            facts.identificationQuotas.append(
                .init(
                    county: county, year: q.year, quota: q.quota, exempted: !q.exemption.isEmpty, identified: identified
                ))
        }
        struct StaffRow: Decodable { let code: String; let name: String; let n: Int? }
        let townshipLevel = OrgLevel.township.rawValue
        let staff = try await sql.raw(
            """
            SELECT u.code, u.name,
                   (SELECT COUNT(*) FROM cadres c WHERE c.unit_code = u.code AND c.active = \(bind: true)
                    AND c.position = \(bind: staffPosition)) AS n
            FROM org_units u WHERE u.level = \(bind: townshipLevel) AND u.code LIKE \(bind: root.value + "%")
            """
        ).all(decoding: StaffRow.self)
        facts.townshipStaff = Dictionary(
            uniqueKeysWithValues: staff.compactMap { r in OrgCode(r.code).map { ($0, r.n ?? 0) } })
        facts.townshipNames = Dictionary(
            uniqueKeysWithValues: staff.compactMap { r in OrgCode(r.code).map { ($0, r.name) } })
        struct VillageRow: Decodable { let unit_code: String }
        facts.villagesWithFirstSecretary = Set(
            try await sql.select().distinct().column("unit_code").from(Cadre.schema)
                .where("position", .equal, SQLBind(firstSecretaryPosition)).where("active", .equal, SQLBind(true))
                .where(ScopeSQL.under([root], column: "unit_code")).all(decoding: VillageRow.self).compactMap {
                    OrgCode($0.unit_code)
                })
        // Poor villages: registered as such and not exited (R-28-1, R-29-1).
        struct CodeRow: Decodable { let code: String }
        facts.poorVillages = Set(
            try await sql.select().column("code").from(OrgUnit.schema)
                .where("level", .equal, SQLBind(OrgLevel.village.rawValue)).where("is_poor", .equal, SQLBind(true))
                .where("exit_year", .is, SQLLiteral.null).where(ScopeSQL.under([root], column: "code"))
                .all(decoding: CodeRow.self).compactMap { OrgCode($0.code) })
    }

    /// Letters, reports, plans and principal changes of the region, prefectures, counties and townships under `root`.
    static func chainFacts(on db: DataAccess, root: OrgCode, today: CivilDate) async throws -> ComplianceFacts.Chain {
        let sql = db.sqlDatabase
        var chain = ComplianceFacts.Chain()
        chain.today = today
        struct UnitRow: Decodable { let code: String }
        chain.units = try await sql.select().column("code").from(OrgUnit.schema)
            .where("level", .lessThanOrEqual, SQLBind(OrgLevel.township.rawValue)).where(
                ScopeSQL.under([root], column: "code")
            )
            .orderBy("code").all(decoding: UnitRow.self).compactMap { OrgCode($0.code) }
        struct LetterRow: Decodable { let unit_code: String; let year: Int }
        for r in try await sql.select().columns("unit_code", "year").from(LetterRecord.schema)
            .where("state", .notEqual, SQLBind(LetterState.draft.rawValue)).where(
                ScopeSQL.under([root], column: "unit_code")
            )
            .all(decoding: LetterRow.self)
        {
            if let code = OrgCode(r.unit_code) { chain.letterYears[code, default: []].insert(r.year) }
        }
        struct ReportRow: Decodable { let unit_code: String; let period: String; let submitted_on: String }
        for r in try await sql.select().columns("unit_code", "period", "submitted_on").from(ProgressReportRecord.schema)
            .where(ScopeSQL.under([root], column: "unit_code")).all(decoding: ReportRow.self)
        {
            if let code = OrgCode(r.unit_code), let d = CivilDate(iso: r.submitted_on) {
                chain.reports[code, default: [:]][r.period] = d
            }
        }
        chain.schedule = try await ResponsibilityService.schedule(on: db)
        struct CodeRow: Decodable { let unit_code: String }
        chain.annualPlans = Set(
            try await sql.select().distinct().column("unit_code").from(UnitPlanRecord.schema)
                .where("kind", .equal, SQLBind(PlanKind.annual.rawValue)).where(
                    "period_from", .equal, SQLBind(today.year)
                )
                .where(ScopeSQL.under([root], column: "unit_code")).all(decoding: CodeRow.self).compactMap {
                    OrgCode($0.unit_code)
                })
        struct ChangeRow: Decodable {
            let id: Int; let unit_code: String; let locked_rule: String; let changed_on: String; let from_name: String?;
            let to_name: String?
        }
        chain.unexemptedChanges = try await sql.raw(
            """
            SELECT pc.id, pc.unit_code, pc.locked_rule, pc.changed_on, f.name AS from_name, t.name AS to_name
            FROM principal_changes pc LEFT JOIN cadres f ON f.id = pc.from_cadre_id LEFT JOIN cadres t ON t.id = \
            pc.to_cadre_id
            WHERE pc.locked_rule IS NOT NULL AND pc.exemption_id IS NULL AND pc.unit_code LIKE \(bind: root.value + "%")
            """
        ).all(decoding: ChangeRow.self).compactMap { r in
            guard let unit = OrgCode(r.unit_code), let d = CivilDate(iso: r.changed_on) else { return nil }
            return .init(
                id: r.id, unit: unit, rule: r.locked_rule, changedOn: d, from: r.from_name ?? "", to: r.to_name ?? "")
        }
        return chain
    }
}

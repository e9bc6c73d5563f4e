import Fluent
import Foundation
import SQLKit
import TuopinCore

/// What the fund rules read (R-07-2, R-21-1, R-25-1, R-33-1, R-33-2, R-36-1), for the units under a root.
enum FundFacts {
    static func load(
        on dbAccess: DataAccess, root: OrgCode, today: CivilDate, practice: LocalPractice
    ) async throws -> ComplianceFacts.Funds {
        let db = dbAccess.db
        let sql = db.sqlDatabase
        var f = ComplianceFacts.Funds()
        f.standards = try await StandardsController.lookup(on: dbAccess).values.sorted { $0.year < $1.year }
        let years = [today.year - 2, today.year - 1]
        let under = root.value + "%"
        try await received(on: sql, under: under, years: years, into: &f)
        try await partnerAid(on: sql, root: root, years: years, into: &f)
        // R-21-1 / R-25-1: allocations (not reversed) and approved projects, with the notice that disclosed them.
        struct AllocationRow: Decodable {
            let id: Int; let from_unit: String; let year: Int; let entry_date: String; let starts_on: String?
        }
        for r in try await sql.raw(
            """
            SELECT e.id, e.from_unit, e.year, e.entry_date, n.starts_on FROM fund_entries e LEFT JOIN notices n ON \
            n.id = e.notice_id
            WHERE e.move = 'allocation' AND e.reverses_id IS NULL AND e.from_unit LIKE \(bind: under)
              AND NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = e.id)
            """
        ).all(decoding: AllocationRow.self) {
            guard let unit = OrgCode(r.from_unit), let date = CivilDate(iso: r.entry_date) else { continue }
            let item = ComplianceFacts.Item(
                subject: "allocation:\(r.id)", unit: unit, details: ["#\(r.id)", r.entry_date])
            classify(
                item, decided: date, published: r.starts_on.flatMap(CivilDate.init(iso:)), today: today,
                practice: practice, into: &f)
        }
        struct ProjectRow: Decodable {
            let id: Int; let name: String; let county_code: String; let approved_on: String?; let starts_on: String?
        }
        let approved = ProjectStatus.allCases.filter(\.isApproved).map(\.rawValue)
        for r in try await sql.raw(
            """
            SELECT p.id, p.name, p.county_code, p.approved_on,
                   (SELECT MIN(n.starts_on) FROM notice_cases nc JOIN notices n ON n.id = nc.notice_id
                    WHERE nc.case_id = p.case_id AND n.action = 'approveCounty') AS starts_on
            FROM projects p WHERE p.site_code LIKE \(bind: under) AND p.status IN \
            (\(unsafeRaw: approved.map { "'\($0)'" }.joined(separator: ",")))
            """
        ).all(decoding: ProjectRow.self) {
            guard let unit = OrgCode(r.county_code), let date = r.approved_on.flatMap(CivilDate.init(iso:)) else {
                continue
            }
            let item = ComplianceFacts.Item(
                subject: "project:\(r.id)", unit: unit, details: [r.name, date.description])
            classify(
                item, decided: date, published: r.starts_on.flatMap(CivilDate.init(iso:)), today: today,
                practice: practice, into: &f)
        }
        // R-36-1: every loan under the root.
        struct LoanRow: Decodable {
            let id: Int; let village_code: String; let year: Int; let rate_bp: Int; let number: String
        }
        f.loans = try await sql.raw(
            """
            SELECT l.id, l.village_code, l.year, l.rate_bp, h.number FROM loans l JOIN households h ON h.id = \
            l.household_id
            WHERE l.village_code LIKE \(bind: under)
            """
        ).all(decoding: LoanRow.self).compactMap { r in
            OrgCode(r.village_code).map {
                .init(id: r.id, village: $0, year: r.year, rateBP: r.rate_bp, householdNumber: r.number)
            }
        }
        return f
    }

    /// R-07-2: money reaching the region, prefectures and counties (receipts and allocations in; reversals are
    /// negative).
    static func received(on sql: any SQLDatabase, under: String, years: [Int], into f: inout ComplianceFacts.Funds)
        async throws
    {
        struct SumRow: Decodable { let unit: String; let year: Int; let total: Int64? }
        for r in try await sql.raw(
            """
            SELECT to_unit AS unit, year, CAST(SUM(amount) AS BIGINT) AS total FROM fund_entries
            WHERE to_holder LIKE 'u:%' AND move IN ('receipt', 'allocation') AND to_unit LIKE \(bind: under)
              AND LENGTH(to_unit) <= 6 AND year IN (\(bind: years[0]), \(bind: years[1]))
            GROUP BY to_unit, year
            """
        ).all(decoding: SumRow.self) {
            if let code = OrgCode(r.unit) { f.received[code, default: [:]][r.year] = Money(fen: r.total ?? 0) }
        }
    }

    /// R-33-1, R-33-2: partner aid, from where it enters the tree, and what became of it.
    static func partnerAid(on sql: any SQLDatabase, root: OrgCode, years: [Int], into f: inout ComplianceFacts.Funds)
        async throws
    {
        let under = root.value + "%"
        if root.level == .region { try await aidByGiver(on: sql, region: root, years: years, into: &f) }
        struct AidRow: Decodable {
            let move: String; let from_unit: String?; let to_unit: String; let to_holder: String?; let year: Int;
            let amount: Int64; let category: String?
        }
        let aid = try await sql.raw(
            """
            SELECT e.move, e.from_unit, e.to_unit, e.to_holder, e.year, e.amount, p.category FROM fund_entries e
            LEFT JOIN projects p ON p.id = e.project_id
            WHERE e.source = \(bind: FundSource.partnerAid.rawValue) AND e.to_unit LIKE \(bind: under)
              AND e.year IN (\(bind: years[0]), \(bind: years[1]))
            """
        ).all(decoding: AidRow.self)
        for r in aid where r.move == LedgerMove.receipt.rawValue {
            guard let code = OrgCode(r.to_unit) else { continue }
            f.aidReceived[code, default: [:]][r.year, default: .zero] += Money(fen: r.amount)
        }
        // What became of it is TuopinCore's rule (PartnerAid.use); this reads the ledger's movements.
        let movements = aid.compactMap { r -> PartnerAid.Movement? in
            guard let move = LedgerMove(rawValue: r.move), let to = OrgCode(r.to_unit) else { return nil }
            return PartnerAid.Movement(
                move: move, from: r.from_unit.flatMap { OrgCode($0) }, to: to, year: r.year,
                amount: Money(fen: r.amount), category: r.category.flatMap(ProjectCategory.init(rawValue:)))
        }
        for (entry, byYear) in f.aidReceived {
            for (year, received) in byYear {
                f.aidUse[entry, default: [:]][year] = PartnerAid.use(
                    entry: entry, year: year, received: received, movements: movements)
            }
        }
    }

    /// R-33-2: partner aid received anywhere in the region, by giver (the receipt's counterpart) and year.
    static func aidByGiver(on sql: any SQLDatabase, region: OrgCode, years: [Int], into f: inout ComplianceFacts.Funds)
        async throws
    {
        struct GiverRow: Decodable { let counterpart: String; let year: Int; let total: Int64? }
        for r in try await sql.raw(
            """
            SELECT counterpart, year, CAST(SUM(amount) AS BIGINT) AS total FROM fund_entries
            WHERE source = \(bind: FundSource.partnerAid.rawValue) AND move = \(bind: LedgerMove.receipt.rawValue)
              AND year IN (\(bind: years[0]), \(bind: years[1]))
            GROUP BY counterpart, year
            """
        ).all(decoding: GiverRow.self) {
            let giver = r.counterpart.trimmingCharacters(in: .whitespaces)
            guard !giver.isEmpty else { continue }
            f.aidGiven[giver, default: [:]][r.year, default: .zero] += Money(fen: r.total ?? 0)
        }
        f.aidRegion = region
    }

    static func classify(
        _ item: ComplianceFacts.Item, decided: CivilDate, published: CivilDate?, today: CivilDate,
        practice: LocalPractice, into f: inout ComplianceFacts.Funds
    ) {
        switch Disclosure.standing(decided: decided, published: published, today: today, practice: practice) {
        case .missing: f.undisclosed.append(item)
        case .late: f.lateDisclosures.append(item)
        case .inTime, .pending: break
        }
    }
}

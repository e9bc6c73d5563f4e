import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The demo's microcredit loans and the fund disclosures (资金公告) of its units.
extension DemoFunds {
    /// Microcredit for one registered household in nine (poor or exited); one loan in fifteen above the preferential
    /// rate.
    static func seedLoans(on sql: any SQLDatabase, today: CivilDate, now: Date) async throws -> Int {
        struct HouseholdRow: Decodable {
            let id: Int; let village_code: String; let township_code: String; let county_code: String;
            let prefecture_code: String
        }
        let households = try await sql.select().columns(
            "id", "village_code", "township_code", "county_code", "prefecture_code"
        ).from(Household.schema)
            .where("status", .notEqual, SQLBind(HouseholdStatus.applicant.rawValue)).orderBy("id").all(
                decoding: HouseholdRow.self
            )
            .filter { $0.id % 9 == 2 }
        var loans: [[any Encodable & Sendable]] = []
        for (i, h) in households.enumerated() {
            let start = today.adding(days: -(40 + (i * 37) % 900))
            let amount = Int64(10_000 + (i % 5) * 10_000) * 100
            let rate = i % 15 == 4 ? 500 : 435
            let repaid = start < today.adding(days: -700) ? amount / 2 : 0
            loans.append([
                h.id, h.village_code, h.township_code, h.county_code, h.prefecture_code,
                ["西藏农行", "邮储银行", "西藏银行"][i % 3], amount, rate, rate,
                36, start.description, start.year, repaid, 1, now,
            ])
        }
        try await sql.bulkInsert(
            into: LoanRecord.schema,
            columns: [
                "household_id", "village_code", "township_code", "county_code", "prefecture_code", "lender",
                "amount", "rate_bp", "subsidy_bp", "months", "start_date", "year", "repaid", "version",
                "created_at",
            ], rows: loans)
        return loans.count
    }

    /// Disclosures: each unit's allocations of a year on one notice; a few left out (R-21-1), one county's a year late
    /// (R-25-1).
    static func seedDisclosures(
        on txAccess: DataAccess, sql: any SQLDatabase, units: [OrgUnit], counties: [String], today: CivilDate,
        now: Date,
        zh: Translations
    ) async throws {
        let tx = txAccess.db
        struct AllocationRow: Decodable {
            let id: Int; let from_unit: String; let year: Int; let entry_date: String; let source: String;
            let to_unit: String
            let project_id: RowID<ProjectRecord>?; let amount: Int64; let note: String
        }
        let allocations = try await sql.raw(
            """
            SELECT id, from_unit, year, entry_date, source, to_unit, project_id, amount, note FROM fund_entries
            WHERE move = 'allocation' ORDER BY id
            """
        ).all(decoding: AllocationRow.self)
        let unitNames = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.name) })
        let projectNames = Dictionary(
            uniqueKeysWithValues: try await ProjectRecord.query(on: tx).all().map { ($0.id!, $0.name) })
        let grouped = Dictionary(grouping: allocations) { "\($0.from_unit)|\($0.year)" }
        for key in grouped.keys.sorted() {
            let group = grouped[key]!
            let unit = group[0].from_unit, year = group[0].year
            let shown = group.filter { $0.id % 53 != 7 }
            guard !shown.isEmpty else { continue }
            let first = CivilDate(iso: shown.map(\.entry_date).max()!)!
            let late = unit == counties.first && year == today.year - 1
            let start = min(late ? first.adding(days: 60) : first.adding(days: 5), today)
            // What the service's disclosure shows: date, source, recipient (unit or project), amount, use.
            let rows = shown.map { a in
                [
                    a.entry_date, zh[FundSource(rawValue: a.source)!.labelKey],
                    a.project_id.flatMap { projectNames[$0] } ?? unitNames[a.to_unit] ?? a.to_unit,
                    Money(fen: a.amount).description, a.note,
                ]
            }
            let id = try await Self.notice(
                on: txAccess, zh: zh, now: now, Workflows.fundDisclosure, action: "disclose", unit: unit, start: start,
                rows: NoticeService.Entries(
                    columns: [
                        "notice_col_date", "notice_col_source", "notice_col_recipient", "notice_col_amount",
                        "notice_col_use",
                    ], rows: rows), year: year)
            try await sql.update(FundEntryRecord.schema).set("notice_id", to: SQLBind(id)).where(
                "id", .in, SQLBind.group(shown.map(\.id))
            ).run()
        }
    }
}

import Fluent
import SQLKit
import TuopinCore
import Vapor

/// The statistical tables a unit sends up (统计报表), for any unit the user may see and any year:
/// poor households and people by child unit, by attribute and by cause; exits and the poor
/// remaining by year; household-plan measures by category; funds by source. Each table is a
/// page section, a CSV or XLSX download (audited), and all of them an A4 print view.
enum Statistics {
    enum Table: String, CaseIterable, Sendable {
        case units, attributes, causes, exits, measures, funds
        var titleKey: String { "stat_\(rawValue)" }
    }

    struct Section: Encodable { let key: String; let title: String; let header: [String]; let rows: [[String]] }
    struct View: Encodable {
        let code: String; let name: String; let year: Int; let years: [Int]; let sections: [Section]; let print: Bool;
        let today: String
    }

    static func tables(_ req: Request, code: OrgCode, year: Int) async throws -> [Section] {
        try await Rollups.ensureCurrent(req.application)
        let t = req.t, db = req.data
        _ = try await req.data.unit(code)
        var sections: [Section] = []
        func hp(_ c: HeadCount) -> [String] { [String(c.households), String(c.people)] }

        // By child unit (a village: itself), with the unit's own total.
        let own = try await Rollups.cells(of: code.value, on: db)
        var children = try await Rollups.childCells(of: code.value, on: db)
        let childUnits = try await req.data.children(of: code)
        if childUnits.isEmpty { children = [code.value: own] }
        let names =
            childUnits.isEmpty
            ? [code.value: try await req.data.unit(code).name]
            : Dictionary(uniqueKeysWithValues: childUnits.map { ($0.id!, $0.name) })
        func unitRow(_ name: String, _ code: String, _ cells: [RollupCell]) -> [String] {
            let f = PovertyFigures(cells: cells), y = PovertyFigures.byYear(cells, years: year...year)[0]
            return [name, code] + hp(f.registered) + hp(y.exited) + hp(y.remaining)
        }
        var unitRows = names.keys.sorted().map { unitRow(names[$0]!, $0, children[$0] ?? []) }
        if !childUnits.isEmpty { unitRows.append(unitRow(t["total"], "", own)) }
        sections.append(
            Section(
                key: Table.units.rawValue, title: t[Table.units.titleKey],
                header: [
                    t["unit"], t["code"], t["stat_registered_h"], t["stat_registered_p"], t["stat_exited_h"],
                    t["stat_exited_p"],
                    t["stat_remaining_h"], t["stat_remaining_p"],
                ], rows: unitRows))

        // By attribute and by cause: the registered poor (not those only applying for identification), now.
        for (table, dim, label) in [
            (
                Table.attributes, Rollups.Dimension.attribute,
                { (raw: String) in t.vocab(HouseholdAttribute.self, raw: raw) }
            ),
            (Table.causes, Rollups.Dimension.cause, { (raw: String) in t.vocab(PovertyCause.self, raw: raw) }),
        ] {
            var totals: [String: HeadCount] = [:]
            for row in try await Rollups.categories(of: code.value, dim, on: db)
            where HouseholdStatus(rawValue: row.status)?.isRegistered ?? false {
                totals[row.category, default: HeadCount()] = totals[row.category, default: HeadCount()] + row.count
            }
            var rows = totals.sorted { $0.key < $1.key }.map { [label($0.key)] + hp($0.value) }
            rows.append([t["total"]] + hp(totals.values.reduce(HeadCount(), +)))
            sections.append(
                Section(
                    key: table.rawValue, title: t[table.titleKey],
                    header: [t["stat_category"], t["stat_registered_h"], t["stat_registered_p"]], rows: rows))
        }

        // Exits in each year and the poor left at each year's end, up to the year asked for.
        let first = min(own.map(\.identifiedYear).filter { $0 > 0 }.min() ?? year, year)
        sections.append(
            Section(
                key: Table.exits.rawValue, title: t[Table.exits.titleKey],
                header: [
                    t["year"], t["stat_exited_h"], t["stat_exited_p"], t["stat_remaining_h"], t["stat_remaining_p"],
                ],
                rows: PovertyFigures.byYear(own, years: first...year).map {
                    [String($0.year)] + hp($0.exited) + hp($0.remaining)
                }))

        sections += try await moneySections(req, code: code, year: year)
        return sections
    }

    /// The household-plan measures of the year by category, and the unit's own ledger accounts of
    /// the year by source.
    static func moneySections(_ req: Request, code: OrgCode, year: Int) async throws -> [Section] {
        let t = req.t, db = req.data
        var sections: [Section] = []
        // Household-plan measures of the year by category.
        let measures = try await req.data.planMeasuresByCategory(under: code, year: year)
        sections.append(
            Section(
                key: Table.measures.rawValue, title: t[Table.measures.titleKey],
                header: [t["stat_category"], t["stat_measure_count"], t["stat_households"], t["stat_amount"]],
                rows: measures.sorted { $0.category < $1.category }.map {
                    [
                        t.vocab(MeasureCategory.self, raw: $0.category), String($0.measures), String($0.households),
                        Money(fen: $0.amount ?? 0).description,
                    ]
                }))

        // The unit's own ledger accounts of the year by source.
        let accounts = try await db.rows(FundAccountRecord.self).filter(
            \.$id.$holder == FundEntryRecord.holder(unit: code.value)
        )
        .filter(\.$id.$year == year).all()
        var fundRows = FundSource.allCases.compactMap { source -> [String]? in
            guard let a = accounts.first(where: { $0.id!.source == source.rawValue })?.account else { return nil }
            return [
                t[source.labelKey], a.received.description, a.allocated.description, a.spent.description,
                a.balance.description,
            ]
        }
        let total = accounts.map(\.account).reduce(FundAccount(), +)
        fundRows.append([
            t["total"], total.received.description, total.allocated.description, total.spent.description,
            total.balance.description,
        ])
        sections.append(
            Section(
                key: Table.funds.rawValue, title: t[Table.funds.titleKey],
                header: [
                    t["fund_source"], t["fund_received"], t["fund_allocated"], t["fund_spent"], t["fund_balance"],
                ], rows: fundRows))
        return sections
    }

    /// `/units/:code/statistics[?year=Y][&table=T&format=csv|xlsx][&print=1]`.
    @Sendable static func page(req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard let code = OrgCode(req.parameters.get("code") ?? "") else { throw AppError.notFound }
        let unit = try await req.data.unit(code)
        let today = req.clock.today
        let year = try req.query.get(Int?.self, at: "year") ?? today.year
        guard (2014...today.year).contains(year) else { throw AppError.invalidField("year") }
        let table = try req.query.get(String?.self, at: "table").map { raw in
            guard let table = Table(rawValue: raw) else { throw AppError.invalidField("table") }
            return table
        }
        let sections = try await tables(req, code: code, year: year)
        if let table {
            let format = try req.query.get(String?.self, at: "format") ?? "csv"
            guard ["csv", "xlsx"].contains(format) else { throw AppError.invalidField("format") }
            let section = sections.first { $0.key == table.rawValue }!
            return try await FundController.download(
                req, [section.header] + section.rows, name: "statistics_\(table.rawValue)", title: section.title,
                code: code, year: year,
                format: format)
        }
        let print = try req.query.get(String?.self, at: "print") == "1"
        let view = View(
            code: code.value, name: unit.name, year: year, years: Array((2014...today.year).reversed()),
            sections: sections,
            print: print, today: today.description)
        return try await Page.render(req, print ? "statistics-print" : "statistics", view)
    }
}

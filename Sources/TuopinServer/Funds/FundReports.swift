import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The fund reports (issue #6, item 6): fund flow by unit, level and source, and project progress by
/// county, for a year, as CSV or XLSX. Reading them is an audited export.
extension FundController {
    /// The unit, year and format a report asks for, once it is settled that the user may read the unit.
    static func reportRequest(_ req: Request) async throws -> (code: OrgCode, year: Int, format: String) {
        _ = try req.requireUser()
        guard let code = OrgCode(req.parameters.get("code") ?? "") else { throw AppError.notFound }
        _ = try await req.data.unit(code)
        guard req.data.mayReadRegistry else { throw AppError.forbidden }
        let today = req.clock.today
        let year = (try? req.query.get(Int.self, at: "year")) ?? today.year
        guard (2014...today.year + 1).contains(year) else { throw AppError.invalidField("year") }
        let format = (try? req.query.get(String.self, at: "format")) ?? "csv"
        guard ["csv", "xlsx"].contains(format) else { throw AppError.invalidField("format") }
        return (code, year, format)
    }

    /// A report as a download (CSV with a BOM for Excel, or XLSX), its export audited.
    static func download(
        _ req: Request, _ table: [[String]], name: String, title: String, code: OrgCode, year: Int, format: String
    )
        async throws -> Response
    {
        try await ReadAudit.record(
            req, user: try req.requireUser(), action: "export.\(name)", entity: "org_unit", entityID: code.value,
            detail: ["year": String(year), "format": format])
        return try TableDownload.response(
            table, format: format,
            filename: "\(name.replacingOccurrences(of: "_", with: "-"))-\(code.value)-\(year).\(format)",
            sheet: String(year),
            title: TableDownload.title(req, [try await req.data.fullName(of: code.value), String(year), title]))
    }

    /// Fund flow of a unit's subtree for a year, by unit, level and source: received, allocated down, spent, balance.
    @Sendable static func flowReport(req: Request) async throws -> Response {
        let (code, year, format) = try await reportRequest(req)
        let t = req.t
        let rows = try await FundReport.flow(on: req.data, root: code, year: year)
        var table: [[String]] = [
            [
                t["unit"], t["fund_level"], t["fund_source"], t["fund_received"], t["fund_allocated"], t["fund_spent"],
                t["fund_balance"], t["fund_disbursement"],
            ]
        ]
        let names = try await req.data.unitNames(Set(rows.map(\.holder)))
        for r in rows {
            let level = OrgCode(r.holder)!.level
            table.append([
                names[r.holder] ?? r.holder, t["level_\(level.rawValue)"], t["fund_source_\(r.source)"],
                r.account.received.description,
                r.account.allocated.description, r.account.spent.description, r.account.balance.description,
                r.account.disbursementBP.map { StandardsController.percent($0) + "%" } ?? "—",
            ])
        }
        return try await download(
            req, table, name: "fund_flow", title: t["funds_report"], code: code, year: year, format: format)
    }

    /// Project progress by county under the unit: projects running in the year by state, budget,
    /// money given to them and spent, average progress.
    @Sendable static func projectReport(req: Request) async throws -> Response {
        let (code, year, format) = try await reportRequest(req)
        let t = req.t
        let rows = try await FundReport.projects(on: req.data, root: code, year: year)
        var table: [[String]] = [
            [t["unit"], t["projects_title"]] + ProjectStatus.allCases.map { t[$0.labelKey] }
                + [t["project_budget"], t["fund_received"], t["fund_spent"], t["project_progress"]]
        ]
        let names = try await req.data.unitNames(Set(rows.map(\.county)))
        for r in rows {
            table.append(
                [names[r.county] ?? r.county, String(r.total)]
                    + ProjectStatus.allCases.map { String(r.byStatus[$0] ?? 0) }
                    + [r.budget.description, r.received.description, r.spent.description, "\(r.averageProgress)%"])
        }
        return try await download(
            req, table, name: "project_progress", title: t["projects_report"], code: code, year: year, format: format)
    }
}

/// Sums of the ledger's unit accounts under a root, for reports.
enum FundReport {
    struct Row: Sendable { let holder: String; let source: String; let account: FundAccount }

    static func flow(on db: DataAccess, root: OrgCode, year: Int) async throws -> [Row] {
        try await db.rows(FundAccountRecord.self).filter(\.$id.$year == year)
            .filter(.sql(SQLBinaryExpression(SQLColumn("holder"), .like, SQLBind("u:" + root.value + "%")))).all()
            .map { Row(holder: String($0.id!.holder.dropFirst(2)), source: $0.id!.source, account: $0.account) }
            .sorted { ($0.holder, $0.source) < ($1.holder, $1.source) }
    }

    struct CountyProjects: Sendable {
        let county: String; var total = 0; var byStatus: [ProjectStatus: Int] = [:]; var budget = Money.zero
        var received = Money.zero; var spent = Money.zero; var progressSum = 0
        var averageProgress: Int { total == 0 ? 0 : progressSum / total }
    }

    /// Projects whose years include `year`, per county under the root, with their accounts' totals for the year.
    static func projects(on db: DataAccess, root: OrgCode, year: Int) async throws -> [CountyProjects] {
        let projects = try await db.rows(ProjectRecord.self).filter(.sql(ScopeSQL.under([root], column: "site_code")))
            .filter(\.$startYear <= year).filter(\.$endYear >= year).all()
        let accounts = try await db.rows(FundAccountRecord.self).filter(\.$id.$year == year)
            .filter(\.$id.$holder ~~ projects.map(\.holder)).all()
        let byHolder = Dictionary(grouping: accounts, by: \.id!.holder)
        var out: [String: CountyProjects] = [:]
        for p in projects {
            var c = out[p.countyCode] ?? CountyProjects(county: p.countyCode)
            c.total += 1; c.byStatus[p.projectStatus, default: 0] += 1; c.budget += Money(fen: p.budget);
            c.progressSum += p.progressPct
            for a in byHolder[p.holder] ?? [] { c.received += Money(fen: a.received); c.spent += Money(fen: a.spent) }
            out[p.countyCode] = c
        }
        return out.values.sorted { $0.county < $1.county }
    }
}

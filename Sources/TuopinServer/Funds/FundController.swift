import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Funds and projects as pages and through the API: a unit's ledger (`/units/{code}/funds`), the
/// project library (`/projects`), a project with its money and workflow, the fund-flow report.
/// Reads go through the scoped data access; changes through `FundService` and `ProjectService`.
enum FundController {
    struct Option: Encodable { let value: String; let label: String }
    struct AccountRow: Content {
        let source: String; let source_label: String; let year: Int; let received: String; let allocated: String; let spent: String
        let balance: String; let disbursement_pct: String?
    }
    struct EntryRow: Content {
        let id: Int; let move: String; let move_label: String; let source: String; let source_label: String; let year: Int
        let from_unit: String?; let to_unit: String; let project_id: Int?; let recipient: String; let amount: String; let entry_date: String
        let voucher: String; let counterpart: String; let note: String; let reverses_id: Int?; let reversed: Bool; let notice_id: Int?
    }
    struct FundsView: Content { let unit_code: String; let unit_name: String; let accounts: [AccountRow]; let entries: [EntryRow] }

    /// The accounts of a holder (a unit or a project), by year and source.
    static func accounts(_ db: any Database, holder: String, t: Translations) async throws -> [AccountRow] {
        try await FundAccountRecord.query(on: db).filter(\.$id.$holder == holder).all()
            .sorted { ($0.id!.year, $0.id!.source) > ($1.id!.year, $1.id!.source) }.map { r in
                let a = r.account
                return AccountRow(source: r.id!.source, source_label: t["fund_source_\(r.id!.source)"], year: r.id!.year,
                                  received: a.received.description, allocated: a.allocated.description, spent: a.spent.description,
                                  balance: a.balance.description, disbursement_pct: a.disbursementBP.map(StandardsController.percent))
            }
    }

    static func entryRows(_ req: Request, _ entries: [FundEntryRecord]) async throws -> [EntryRow] {
        let t = req.t
        let reversed = Set(try await FundEntryRecord.query(on: req.db).filter(\.$reversesID ~~ entries.compactMap(\.id)).all().compactMap(\.reversesID))
        let projects = try await ProjectRecord.query(on: req.db).filter(\.$id ~~ entries.compactMap(\.projectID)).all()
        let projectNames = Dictionary(uniqueKeysWithValues: projects.map { ($0.id!, $0.name) })
        let unitNames = try await NoticeService.names(Set(entries.map(\.toUnit)), on: req.db)
        return entries.map { e in
            EntryRow(id: e.id!, move: e.move, move_label: t["fund_move_\(e.move)"], source: e.source, source_label: t["fund_source_\(e.source)"],
                     year: e.year, from_unit: e.fromUnit, to_unit: e.toUnit, project_id: e.projectID,
                     recipient: e.projectID.flatMap { projectNames[$0] } ?? unitNames[e.toUnit] ?? e.toUnit,
                     amount: Money(fen: e.amount).description, entry_date: e.entryDate, voucher: e.voucher, counterpart: e.counterpart,
                     note: e.note, reverses_id: e.reversesID, reversed: reversed.contains(e.id!), notice_id: e.noticeID)
        }
    }

    static func funds(_ req: Request, code text: String) async throws -> FundsView {
        _ = try req.requireUser()
        guard let code = OrgCode(text) else { throw AppError.notFound }
        let unit = try await req.data.unit(code)
        guard req.data.mayReadRegistry else { throw AppError.forbidden }
        let entries = try await req.data.fundEntries().group(.or) { $0.filter(\.$fromUnit == code.value).filter(\.$toUnit == code.value) }
            .sort(\.$id, .descending).limit(200).all()
        return FundsView(unit_code: code.value, unit_name: try await NoticeService.fullName(of: unit.id!, on: req.db),
                         accounts: try await accounts(req.db, holder: FundEntryRecord.holder(unit: code.value), t: req.t),
                         entries: try await entryRows(req, entries))
    }

    // MARK: Pages

    struct ProjectRow: Content {
        let id: Int; let name: String; let category: String; let category_label: String; let site: String; let site_name: String
        let budget: String; let status: String; let status_label: String; let progress_pct: Int; let start_year: Int; let end_year: Int
        let case_id: Int?
    }

    struct FundsPage: Encodable {
        let f: FundsView; let mayManage: Bool; let formError: String?; let sources: [Option]; let children: [Option]; let projects: [ProjectRow]
        let undisclosed: [EntryRow]; let today: String; let year: Int; let minDays: Int; let endsOn: String
        let reportHref: String; let loans: LoanTotals; let objections: [ObjectionRow]
    }
    struct ObjectionRow: Encodable {
        let id: Int; let notice_id: Int; let filed_at: String; let text: String; let name: String; let status_label: String
        let decision_reason: String; let can_decide: Bool
    }

    /// Objections on the unit's fund disclosures: decided here, since they have no case.
    static func objections(_ req: Request, code: OrgCode, mayManage: Bool) async throws -> [ObjectionRow] {
        let notices = try await req.data.notices().filter(\.$unitCode == code.value).filter(\.$workflow == Workflows.fundDisclosure.id).all(\.$id)
        guard !notices.isEmpty else { return [] }
        let t = req.t
        return try await Objection.query(on: req.db).filter(\.$noticeID ~~ notices).filter(\.$kind == "objection").sort(\.$id, .descending)
            .limit(100).all().map { o in
                ObjectionRow(id: o.id!, notice_id: o.noticeID, filed_at: Formats.minute(o.filedAt), text: o.text, name: o.name,
                             status_label: t["objection_status_\(o.status)"], decision_reason: o.decisionReason,
                             can_decide: mayManage && o.status == "open")
            }
    }
    struct LoanTotals: Content { let count: Int; let amount: String; let outstanding: String; let overdue: Int }

    @Sendable static func page(req: Request) async throws -> Response { try await renderFunds(req, formError: nil, status: .ok) }

    static func renderFunds(_ req: Request, formError: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try req.requireUser()
        let text = req.parameters.get("code") ?? ""
        let f = try await funds(req, code: text)
        let code = OrgCode(text)!
        let t = req.t, today = RegistryImport.civilToday(req.application)
        let children = try await req.data.children(of: code).map { Option(value: $0.id!, label: $0.name) }
        let projects = try await projectRows(req, try await req.data.projects().filter(\.$siteCode =~ code.value).sort(\.$id, .descending).limit(200).all())
        let standard = try await StandardsController.lookup(on: req.db)[today.year]
        let minDays = standard?.fundNoticeMinDays ?? 10
        let mayManage = user.scope.permits(.manageFunds, on: code)
        return try await Page.render(req, "funds", FundsPage(
            f: f, mayManage: mayManage, formError: formError,
            sources: FundSource.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) }, children: children, projects: projects,
            undisclosed: f.entries.filter { $0.move == LedgerMove.allocation.rawValue && $0.from_unit == code.value && $0.notice_id == nil && !$0.reversed && $0.reverses_id == nil },
            today: today.description, year: today.year, minDays: minDays, endsOn: today.adding(days: minDays - 1).description,
            reportHref: SiteURL.unitPart(code.value, "fund-flow").path, loans: try await loanTotals(req, code: code, today: today),
            objections: try await objections(req, code: code, mayManage: mayManage)), status: status)
    }

    static func loanTotals(_ req: Request, code: OrgCode, today: CivilDate) async throws -> LoanTotals {
        let loans = try await req.data.loans().filter(.sql(ScopeSQL.under([code], column: "village_code"))).all()
        let outstanding = loans.reduce(Int64(0)) { $0 + $1.amount - $1.repaid }
        let overdue = loans.filter { LoanTerms.isOverdue(start: CivilDate(iso: $0.startDate)!, months: $0.months, outstanding: Money(fen: $0.amount - $0.repaid), today: today) }.count
        return LoanTotals(count: loans.count, amount: Money(fen: loans.reduce(0) { $0 + $1.amount }).description,
                          outstanding: Money(fen: outstanding).description, overdue: overdue)
    }

    /// A unit form: the change, then back to the funds page (or the page again with the reason).
    static func unitForm<Input: Content>(_ type: Input.Type, _ action: @escaping @Sendable (Application, CurrentUser, String, Input) async throws -> Int)
        -> @Sendable (Request) async throws -> Response {
        { req in
            let user = try req.requireUser(), code = req.parameters.get("code") ?? ""
            // Who may act is settled before what they sent is read.
            guard let unit = OrgCode(code) else { throw AppError.notFound }
            try await FundService.authorise(req.application, user, unit)
            let input = try req.content.decode(type)
            do {
                _ = try await action(req.application, user, code, input)
                return req.redirect(to: SiteURL.unitPart(code, "funds").path, redirectType: .normal)
            } catch let error as AppError where error != .notFound && error != .forbidden {
                return try await renderFunds(req, formError: error.message(req.t), status: error.status)
            }
        }
    }
    static let receiptForm = unitForm(FundService.EntryInput.self, FundService.receive(app:user:unit:input:))
    static let allocationForm = unitForm(FundService.EntryInput.self, FundService.allocate(app:user:unit:input:))
    static let disclosureForm = unitForm(FundService.DiscloseInput.self, FundService.disclose(app:user:unit:input:))

    struct ReverseInput: Content { var reason: String? }

    @Sendable static func reverseForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id = try req.intParameter("id")
        let entry = try await req.data.fundEntry(id: id)
        let input = try req.content.decode(ReverseInput.self)
        let back = entry.projectID.map { SiteURL.project($0, nil).path } ?? SiteURL.unitPart(entry.fromUnit ?? entry.toUnit, "funds").path
        do {
            _ = try await FundService.reverse(app: req.application, user: user, entryID: id, reason: input.reason)
            return req.redirect(to: back, redirectType: .normal)
        } catch let error as AppError where error != .notFound && error != .forbidden {
            if let p = entry.projectID { return try await renderProject(req, id: p, formError: error.message(req.t), status: error.status) }
            req.parameters.set("code", to: entry.fromUnit ?? entry.toUnit)
            return try await renderFunds(req, formError: error.message(req.t), status: error.status)
        }
    }

    // MARK: Projects

    static func projectRows(_ req: Request, _ projects: [ProjectRecord]) async throws -> [ProjectRow] {
        let t = req.t
        let names = try await NoticeService.names(Set(projects.map(\.siteCode)), on: req.db)
        return projects.map { p in
            ProjectRow(id: p.id!, name: p.name, category: p.category, category_label: t["project_category_\(p.category)"], site: p.siteCode,
                       site_name: names[p.siteCode] ?? p.siteCode, budget: Money(fen: p.budget).description, status: p.status,
                       status_label: t["project_status_\(p.status)"], progress_pct: p.progressPct, start_year: p.startYear, end_year: p.endYear,
                       case_id: p.caseID)
        }
    }

    struct ProjectsPage: Encodable { let rows: [ProjectRow]; let status: String; let statuses: [Option]; let mayPropose: Bool }

    @Sendable static func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard req.data.mayReadRegistry else { throw AppError.forbidden }
        let status = (try? req.query.get(String.self, at: "status")) ?? ""
        var query = req.data.projects()
        if !status.isEmpty {
            guard ProjectStatus(rawValue: status) != nil else { throw AppError.invalidField("status") }
            query = query.filter(\.$status == status)
        }
        let rows = try await projectRows(req, try await query.sort(\.$id, .descending).limit(500).all())
        let t = req.t
        let mayPropose = user.scope.bindings.contains { Workflows.project.steps[0].roles.contains($0.role) }
        return try await Page.render(req, "projects", ProjectsPage(rows: rows, status: status,
            statuses: ProjectStatus.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) }, mayPropose: mayPropose))
    }

    struct NewProjectPage: Encodable {
        let sites: [Option]; let categories: [Option]; let natures: [Option]; let formError: String?; let year: Int
        let values: [String: String]
    }

    /// The sites the user may propose for: villages and townships under their village or township bindings.
    static func sites(_ req: Request, user: CurrentUser) async throws -> [Option] {
        let roots = user.scope.bindings.filter { Workflows.project.steps[0].roles.contains($0.role) }.map(\.unit)
        guard !roots.isEmpty else { return [] }
        return try await OrgUnit.query(on: req.db).filter(.sql(ScopeSQL.under(roots, column: "code")))
            .filter(\.$level >= OrgLevel.township.rawValue).sort(\.$id).limit(2000).all()
            .map { Option(value: $0.id!, label: ($0.level == OrgLevel.village.rawValue ? "　" : "") + $0.name) }
    }

    static func renderNew(_ req: Request, formError: String?, values: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let user = try req.requireUser()
        let t = req.t
        return try await Page.render(req, "project-new", NewProjectPage(
            sites: try await sites(req, user: user),
            categories: ProjectCategory.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
            natures: ProjectNature.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
            formError: formError, year: RegistryImport.civilToday(req.application).year, values: values), status: status)
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let site = (try? req.query.get(String.self, at: "site")) ?? ""
        return try await renderNew(req, formError: nil, values: ["site": site], status: .ok)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try req.content.decode(ProjectService.Input.self)
        do {
            let id = try await ProjectService.propose(app: req.application, user: user, input: input)
            return req.redirect(to: SiteURL.project(id, nil).path, redirectType: .normal)
        } catch let error as AppError where error != .notFound && error != .forbidden {
            let raw = (try? req.content.decode([String: String].self)) ?? [:]
            return try await renderNew(req, formError: error.message(req.t), values: raw, status: error.status)
        }
    }

    struct ProjectDetail: Content {
        let project: ProjectRow; let nature_label: String; let responsible_unit: String; let responsible_person: String; let tasks: String
        let funding_sources: String; let performance_targets: String; let linking_mechanism: String
        let households: Int; let people: Int; let poor_households: Int; let poor_people: Int; let approved_on: String?
        let revision: String; let version: Int; let accounts: [AccountRow]; let entries: [EntryRow]; let beneficiaries: Int
    }

    static func projectDetail(_ req: Request, id: Int) async throws -> ProjectDetail {
        _ = try req.requireUser()
        let p = try await req.data.project(id: id)
        let row = try await projectRows(req, [p])[0]
        let entries = try await req.data.fundEntries().filter(\.$projectID == id).sort(\.$id, .descending).all()
        return ProjectDetail(project: row, nature_label: req.t["project_nature_\(p.nature)"], responsible_unit: p.responsibleUnit,
                             responsible_person: p.responsiblePerson, tasks: p.tasks, funding_sources: p.fundingSources,
                             performance_targets: p.performanceTargets, linking_mechanism: p.linkingMechanism, households: p.households,
                             people: p.people, poor_households: p.poorHouseholds, poor_people: p.poorPeople, approved_on: p.approvedOn,
                             revision: p.revision, version: p.version, accounts: try await accounts(req.db, holder: p.holder, t: req.t),
                             entries: try await entryRows(req, entries),
                             beneficiaries: try await req.db.sqlDatabase.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                                .from("project_beneficiaries").where("project_id", .equal, SQLBind(id)).first()?.decode(column: "n", as: Int.self) ?? 0)
    }

    struct ProjectPage: Encodable {
        let p: ProjectDetail; let mayManage: Bool; let mayRevise: Bool; let formError: String?; let sources: [Option]; let today: String
        let implementing: Bool; let caseHref: String?
    }

    @Sendable static func show(req: Request) async throws -> Response {
        try await renderProject(req, id: try req.intParameter("id"), formError: nil, status: .ok)
    }

    static func renderProject(_ req: Request, id: Int, formError: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try req.requireUser()
        let p = try await projectDetail(req, id: id)
        let today = RegistryImport.civilToday(req.application)
        let site = OrgCode(p.project.site)!
        return try await Page.render(req, "project", ProjectPage(
            p: p, mayManage: user.scope.permits(.manageFunds, on: site),
            mayRevise: user.scope.permits(.manageFunds, on: site.ancestor(at: .county)!) && LibraryRevision.isOpen(today) && p.project.status == ProjectStatus.inLibrary.rawValue,
            formError: formError, sources: FundSource.allCases.map { Option(value: $0.rawValue, label: req.t[$0.labelKey]) },
            today: today.description, implementing: p.project.status == ProjectStatus.implementing.rawValue,
            caseHref: p.project.case_id.map { SiteURL.caseDetail($0).path }), status: status)
    }

    static func projectForm<Input: Content>(_ type: Input.Type, _ action: @escaping @Sendable (Application, CurrentUser, Int, Input) async throws -> Void)
        -> @Sendable (Request) async throws -> Response {
        { req in
            let user = try req.requireUser(), id = try req.intParameter("id")
            let input = try req.content.decode(type)
            do {
                try await action(req.application, user, id, input)
                return req.redirect(to: SiteURL.project(id, nil).path, redirectType: .normal)
            } catch let error as AppError where error != .notFound && error != .forbidden {
                return try await renderProject(req, id: id, formError: error.message(req.t), status: error.status)
            }
        }
    }
    static let expenditureForm = projectForm(FundService.EntryInput.self) { app, user, id, input in
        _ = try await FundService.spend(app: app, user: user, projectID: id, input: input)
    }
    static let progressForm = projectForm(ProjectService.ProgressInput.self, ProjectService.progress(app:user:id:input:))
    static let revisionForm = projectForm(ProjectService.RevisionInput.self, ProjectService.revise(app:user:id:input:))

    // MARK: Report

    /// The unit, year and format a report asks for, once it is settled that the user may read the unit.
    static func reportRequest(_ req: Request) async throws -> (code: OrgCode, year: Int, format: String) {
        _ = try req.requireUser()
        guard let code = OrgCode(req.parameters.get("code") ?? "") else { throw AppError.notFound }
        _ = try await req.data.unit(code)
        guard req.data.mayReadRegistry else { throw AppError.forbidden }
        let today = RegistryImport.civilToday(req.application)
        let year = (try? req.query.get(Int.self, at: "year")) ?? today.year
        guard (2014...today.year + 1).contains(year) else { throw AppError.invalidField("year") }
        let format = (try? req.query.get(String.self, at: "format")) ?? "csv"
        guard ["csv", "xlsx"].contains(format) else { throw AppError.invalidField("format") }
        return (code, year, format)
    }

    /// A report as a download (CSV with a BOM for Excel, or XLSX), its export audited.
    static func download(_ req: Request, _ table: [[String]], name: String, code: OrgCode, year: Int, format: String) async throws -> Response {
        try await ReadAudit.record(req, user: try req.requireUser(), action: "export.\(name)", entity: "org_unit", entityID: code.value,
                                   detail: ["year": String(year), "format": format])
        let response = Response(status: .ok)
        if format == "csv" {
            response.body = .init(string: "\u{FEFF}" + table.map { CSV.line($0) }.joined(separator: "\r\n") + "\r\n")
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        } else {
            response.body = .init(data: try XLSX.write(table, sheetName: String(year)))
            response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        response.headers.contentDisposition = .init(.attachment, filename: "\(name.replacingOccurrences(of: "_", with: "-"))-\(code.value)-\(year).\(format)")
        return response
    }

    /// Fund flow of a unit's subtree for a year, by unit, level and source: received, allocated down, spent, balance.
    @Sendable static func flowReport(req: Request) async throws -> Response {
        let (code, year, format) = try await reportRequest(req)
        let t = req.t
        let rows = try await FundReport.flow(on: req.db, root: code, year: year)
        var table: [[String]] = [[t["unit"], t["fund_level"], t["fund_source"], t["fund_received"], t["fund_allocated"], t["fund_spent"], t["fund_balance"], t["fund_disbursement"]]]
        let names = try await NoticeService.names(Set(rows.map(\.holder)), on: req.db)
        for r in rows {
            let level = OrgCode(r.holder)!.level
            table.append([names[r.holder] ?? r.holder, t["level_\(level.rawValue)"], t["fund_source_\(r.source)"], r.account.received.description,
                          r.account.allocated.description, r.account.spent.description, r.account.balance.description,
                          r.account.disbursementBP.map { StandardsController.percent($0) + "%" } ?? "—"])
        }
        return try await download(req, table, name: "fund_flow", code: code, year: year, format: format)
    }

    /// Project progress by county under the unit: projects running in the year by state, budget,
    /// money given to them and spent, average progress.
    @Sendable static func projectReport(req: Request) async throws -> Response {
        let (code, year, format) = try await reportRequest(req)
        let t = req.t
        let rows = try await FundReport.projects(on: req.db, root: code, year: year)
        var table: [[String]] = [[t["unit"], t["projects_title"]] + ProjectStatus.allCases.map { t[$0.labelKey] }
                                 + [t["project_budget"], t["fund_received"], t["fund_spent"], t["project_progress"]]]
        let names = try await NoticeService.names(Set(rows.map(\.county)), on: req.db)
        for r in rows {
            table.append([names[r.county] ?? r.county, String(r.total)] + ProjectStatus.allCases.map { String(r.byStatus[$0] ?? 0) }
                         + [r.budget.description, r.received.description, r.spent.description, "\(r.averageProgress)%"])
        }
        return try await download(req, table, name: "project_progress", code: code, year: year, format: format)
    }
}

/// Sums of the ledger's unit accounts under a root, for reports.
enum FundReport {
    struct Row: Sendable { let holder: String; let source: String; let account: FundAccount }

    static func flow(on db: any Database, root: OrgCode, year: Int) async throws -> [Row] {
        try await FundAccountRecord.query(on: db).filter(\.$id.$year == year)
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
    static func projects(on db: any Database, root: OrgCode, year: Int) async throws -> [CountyProjects] {
        let projects = try await ProjectRecord.query(on: db).filter(.sql(ScopeSQL.under([root], column: "site_code")))
            .filter(\.$startYear <= year).filter(\.$endYear >= year).all()
        let accounts = try await FundAccountRecord.query(on: db).filter(\.$id.$year == year)
            .filter(\.$id.$holder ~~ projects.map(\.holder)).all()
        let byHolder = Dictionary(grouping: accounts, by: \.id!.holder)
        var out: [String: CountyProjects] = [:]
        for p in projects {
            var c = out[p.countyCode] ?? CountyProjects(county: p.countyCode)
            c.total += 1; c.byStatus[p.projectStatus, default: 0] += 1; c.budget += Money(fen: p.budget); c.progressSum += p.progressPct
            for a in byHolder[p.holder] ?? [] { c.received += Money(fen: a.received); c.spent += Money(fen: a.spent) }
            out[p.countyCode] = c
        }
        return out.values.sorted { $0.county < $1.county }
    }
}

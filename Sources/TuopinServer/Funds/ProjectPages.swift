import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The project library's pages (article 21): the list, the proposal form, a project with its money,
/// and its forms (expenditure, progress, the fourth quarter's revision).
extension FundController {
    static func projectRows(_ req: Request, _ projects: [ProjectRecord]) async throws -> [ProjectRow] {
        let t = req.t
        let names = try await req.data.unitNames(Set(projects.map(\.siteCode)))
        return projects.map { p in
            ProjectRow(
                id: p.id!, name: p.name, category: p.category.rawValue,
                category_label: t["project_category_\(p.category)"], site: p.siteCode,
                site_name: names[p.siteCode] ?? p.siteCode, budget: Money(fen: p.budget).description,
                status: p.status.rawValue,
                status_label: t["project_status_\(p.status)"], progress_pct: p.progressPct, start_year: p.startYear,
                end_year: p.endYear,
                case_id: p.caseID)
        }
    }

    struct ProjectsPage: Encodable {
        let rows: [ProjectRow]; let status: String; let statuses: [Option]; let mayPropose: Bool
    }

    @Sendable static func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard req.data.mayReadRegistry else { throw AppError.forbidden }
        let status = (try? req.query.get(String.self, at: "status")) ?? ""
        var query = req.data.projects()
        if !status.isEmpty {
            guard let wanted = ProjectStatus(rawValue: status) else { throw AppError.invalidField("status") }
            query = query.filter(\.$status == wanted)
        }
        let rows = try await projectRows(req, try await query.sort(\.$id, .descending).limit(500).all())
        let t = req.t
        let mayPropose = user.scope.bindings.contains { Workflows.project.steps[0].roles.contains($0.role) }
        return try await Page.render(
            req, "projects",
            ProjectsPage(
                rows: rows, status: status,
                statuses: ProjectStatus.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                mayPropose: mayPropose))
    }

    struct NewProjectPage: Encodable {
        let sites: [Option]; let categories: [Option]; let natures: [Option]; let formError: String?; let year: Int
        let values: [String: String]
    }

    /// The sites the user may propose for: villages and townships under their village or township bindings.
    static func sites(_ req: Request, user: CurrentUser) async throws -> [Option] {
        let roots = user.scope.bindings.filter { Workflows.project.steps[0].roles.contains($0.role) }.map(\.unit)
        guard !roots.isEmpty else { return [] }
        return try await req.data.rows(OrgUnit.self).filter(.sql(ScopeSQL.under(roots, column: "code")))
            .filter(\.$level >= OrgLevel.township.rawValue).sort(\.$id).limit(2000).all()
            .map { Option(value: $0.id!, label: ($0.level == OrgLevel.village.rawValue ? "　" : "") + $0.name) }
    }

    static func renderNew(_ req: Request, formError: String?, values: [String: String], status: HTTPResponseStatus)
        async throws -> Response
    {
        let user = try req.requireUser()
        let t = req.t
        return try await Page.render(
            req, "project-new",
            NewProjectPage(
                sites: try await sites(req, user: user),
                categories: ProjectCategory.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                natures: ProjectNature.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                formError: formError, year: req.clock.today.year, values: values), status: status)
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let site = (try? req.query.get(String.self, at: "site")) ?? ""
        return try await renderNew(req, formError: nil, values: ["site": site], status: .ok)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await FormFlow.submit(req) {
            let input = try req.content.decode(ProjectService.Input.self)
            let id = try await ProjectService.propose(app: req.application, user: user, input: input)
            return .redirect(SiteURL.project(id, nil).path)
        } orShow: { refusal in
            let raw = (try? req.content.decode([String: String].self)) ?? [:]
            return try await renderNew(req, formError: refusal.message, values: raw, status: refusal.status)
        }
    }

    struct ProjectDetail: Content {
        let project: ProjectRow; let nature_label: String; let responsible_unit: String; let responsible_person: String;
        let tasks: String
        let funding_sources: String; let performance_targets: String; let linking_mechanism: String
        let households: Int; let people: Int; let poor_households: Int; let poor_people: Int; let approved_on: String?
        let revision: String; let version: Int; let accounts: [AccountRow]; let entries: [EntryRow];
        let beneficiaries: Int
    }

    static func projectDetail(_ req: Request, id: RowID<ProjectRecord>) async throws -> ProjectDetail {
        _ = try req.requireUser()
        let p = try await req.data.project(id: id)
        let row = try await projectRows(req, [p])[0]
        let entries = try await req.data.fundEntries().filter(\.$projectID == id).sort(\.$id, .descending).all()
        return ProjectDetail(
            project: row, nature_label: req.t["project_nature_\(p.nature)"], responsible_unit: p.responsibleUnit,
            responsible_person: p.responsiblePerson, tasks: p.tasks, funding_sources: p.fundingSources,
            performance_targets: p.performanceTargets, linking_mechanism: p.linkingMechanism, households: p.households,
            people: p.people, poor_households: p.poorHouseholds, poor_people: p.poorPeople,
            approved_on: p.approvedOn?.description,
            revision: p.revision, version: p.version,
            accounts: try await accounts(req.data, holder: p.holder, t: req.t),
            entries: try await entryRows(req, entries),
            beneficiaries: try await req.data.beneficiaryCount(project: id))
    }

    struct ProjectPage: Encodable {
        let p: ProjectDetail; let mayManage: Bool; let mayRevise: Bool; let formError: String?; let sources: [Option];
        let today: String
        /// Units above the site the user keeps funds for, which may pay the project directly.
        let payers: [Option]
        let implementing: Bool; let caseHref: String?
    }

    @Sendable static func show(req: Request) async throws -> Response {
        try await renderProject(req, id: try req.intParameter("id"), formError: nil, status: .ok)
    }

    static func renderProject(_ req: Request, id: RowID<ProjectRecord>, formError: String?, status: HTTPResponseStatus)
        async throws
        -> Response
    {
        let user = try req.requireUser()
        let p = try await projectDetail(req, id: id)
        let today = req.clock.today
        let site = OrgCode(p.project.site)!
        // Units above the site the user keeps funds for: they may pay the project directly.
        let payers = try await req.data.rows(OrgUnit.self)
            .filter(
                \.$id ~~ site.lineage.filter { $0 != site && user.scope.permits(.manageFunds, on: $0) }.map(\.value)
            )
            .sort(\.$id).all().map { Option(value: $0.id!, label: $0.name) }
        return try await Page.render(
            req, "project",
            ProjectPage(
                p: p, mayManage: user.scope.permits(.manageFunds, on: site),
                mayRevise: user.scope.permits(.manageFunds, on: site.ancestor(at: .county)!)
                    && LibraryRevision.isOpen(today)
                    && ProjectStatus(rawValue: p.project.status)?.isRevisable == true,
                formError: formError,
                sources: FundSource.allCases.map { Option(value: $0.rawValue, label: req.t[$0.labelKey]) },
                today: today.description, payers: payers,
                implementing: p.project.status == ProjectStatus.implementing.rawValue,
                caseHref: p.project.case_id.map { SiteURL.caseDetail($0).path }), status: status)
    }

    static func projectForm<Input: Content>(
        _ type: Input.Type,
        _ action: @escaping @Sendable (Application, CurrentUser, RowID<ProjectRecord>, Input) async throws -> Void
    )
        -> @Sendable (Request) async throws -> Response
    {
        { req in
            let user = try req.requireUser(), id: RowID<ProjectRecord> = try req.intParameter("id")
            return try await FormFlow.submit(req) {
                let input = try req.content.decode(type)
                try await action(req.application, user, id, input)
                return .redirect(SiteURL.project(id, nil).path)
            } orShow: { refusal in
                return try await renderProject(req, id: id, formError: refusal.message, status: refusal.status)
            }
        }
    }
    static let expenditureForm = projectForm(FundService.EntryInput.self) { app, user, id, input in
        _ = try await FundService.spend(app: app, user: user, projectID: id, input: input)
    }
    static let progressForm = projectForm(
        ProjectService.ProgressInput.self, ProjectService.progress(app:user:id:input:))
    static let revisionForm = projectForm(ProjectService.RevisionInput.self, ProjectService.revise(app:user:id:input:))
}

import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The project library (article 21). A project enters as a village's (or township's) proposal
/// and moves by the steps of W-project, a workflow case like any other; this keeps the project's
/// own record (status, approval date, progress) in step with its case, and the library's annual revision.
enum ProjectService {
    struct Input: Content {
        var name: String?, category: String?, nature: String?, site: String?
        var start_year: Int?, end_year: Int?
        var responsible_unit: String?, responsible_person: String?, tasks: String?
        /// 元, two decimals at most.
        var budget: String?
        var funding_sources: String?, performance_targets: String?, linking_mechanism: String?
        var households: Int?, people: Int?, poor_households: Int?, poor_people: Int?
        /// Beneficiary households of the registry (their ids), all under the site.
        var household_ids: [RowID<Household>]?
        /// The same by household number (the form): numbers separated by spaces, commas or lines.
        var household_numbers: String?
    }

    static func proposal(_ input: Input) throws -> ProjectProposal {
        let name = try FormField.text(input.name, "name", max: 100)
        guard let c = input.category, !c.isEmpty else { throw AppError.missingField("category") }
        guard let category = ProjectCategory(rawValue: c) else { throw AppError.invalidField("category") }
        guard let n = input.nature, !n.isEmpty else { throw AppError.missingField("nature") }
        guard let nature = ProjectNature(rawValue: n) else { throw AppError.invalidField("nature") }
        guard let siteText = input.site, !siteText.isEmpty else { throw AppError.missingField("site") }
        guard let site = OrgCode(siteText) else { throw AppError.invalidField("site") }
        guard let start = input.start_year else { throw AppError.missingField("start_year") }
        guard let end = input.end_year else { throw AppError.missingField("end_year") }
        guard input.budget.map({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) ?? false else {
            throw AppError.missingField("budget")
        }
        let budget = try FormField.amount(input.budget, "budget")
        // Article 21: no project enters the library without its performance targets.
        let targets = try FormField.text(input.performance_targets, "performance_targets", max: 1000)
        let linking = try FormField.text(input.linking_mechanism, "linking_mechanism", max: 1000)
        do {
            return try ProjectProposal(
                name: name, category: category, nature: nature, site: site, startYear: start, endYear: end,
                budget: budget,
                performanceTargets: targets, linkingMechanism: linking, households: input.households ?? 0,
                people: input.people ?? 0, poorHouseholds: input.poor_households ?? 0,
                poorPeople: input.poor_people ?? 0
            ).validated()
        } catch .field(let f) { throw AppError.invalidField(f) }
    }

    /// Files the proposal and takes W-project's first step on it, in one transaction.
    static func propose(app: Application, user: CurrentUser, input: Input) async throws -> RowID<ProjectRecord> {
        guard let siteText = input.site, let site = OrgCode(siteText) else { throw AppError.missingField("site") }
        _ = try await app.data(for: user.scope).unit(site)
        guard user.scope.actingRole(for: Workflows.project.steps[0], on: site) != nil else { throw AppError.forbidden }
        let p = try proposal(input)
        let responsibleUnit = try FormField.text(input.responsible_unit, "responsible_unit")
        let responsiblePerson = try FormField.text(input.responsible_person, "responsible_person", max: 50)
        let tasks = try FormField.text(input.tasks, "tasks", max: 2000)
        let sources = try FormField.text(input.funding_sources, "funding_sources", max: 500)
        let householdIDs = Array(Set(input.household_ids ?? [])).sorted()
        guard householdIDs.count <= 2000 else { throw AppError.invalidField("household_ids") }
        let numbers = Array(
            Set((input.household_numbers ?? "").split(whereSeparator: { " ,，、;\n\r\t".contains($0) }).map(String.init))
        ).sorted()
        guard numbers.count <= 2000, numbers.allSatisfy({ $0.count <= 40 && !TextInput.hasControlCharacters($0) })
        else {
            throw AppError.invalidField("household_numbers")
        }
        let now = app.tuopin.now(), year = app.clock.today.year
        return try await app.write { tx in
            let access = tx.scoped(user.scope)
            if !householdIDs.isEmpty {
                let found = try await access.households().filter(\.$id ~~ householdIDs).all()
                guard found.count == householdIDs.count,
                    found.allSatisfy({ OrgCode($0.villageCode)!.isSelfOrDescendant(of: p.site) })
                else { throw AppError.invalidField("household_ids") }
            }
            // Numbers are looked up in the user's scope under the site: one not found there is named in the error.
            var linked = householdIDs
            if !numbers.isEmpty {
                let found = try await access.households().filter(\.$number ~~ numbers).all()
                    .filter { OrgCode($0.villageCode)!.isSelfOrDescendant(of: p.site) }
                if let missing = numbers.first(where: { n in !found.contains { $0.number == n } }) {
                    throw AppError.invalidField("household_numbers: \(missing)")
                }
                linked = Array(Set(linked + found.map { $0.id! })).sorted()
            }
            let r = ProjectRecord()
            r.name = p.name; r.category = p.category; r.nature = p.nature.rawValue; r.siteCode = p.site.value
            r.villageCode = p.site.level == .village ? p.site.value : nil
            r.townshipCode = p.site.ancestor(at: .township)?.value
            r.countyCode = p.site.ancestor(at: .county)!.value;
            r.prefectureCode = p.site.ancestor(at: .prefecture)!.value
            r.startYear = p.startYear; r.endYear = p.endYear; r.responsibleUnit = responsibleUnit;
            r.responsiblePerson = responsiblePerson
            r.tasks = tasks; r.budget = p.budget.fen; r.fundingSources = sources;
            r.performanceTargets = p.performanceTargets
            r.linkingMechanism = p.linkingMechanism; r.households = p.households; r.people = p.people
            r.poorHouseholds = p.poorHouseholds; r.poorPeople = p.poorPeople; r.progressPct = 0
            r.status = .proposed; r.revision = ""; r.version = 1; r.createdAt = now
            try await r.create(on: tx)
            try await tx.link(project: r.requireID(), beneficiaries: linked)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "project.propose", entity: "project", entityID: String(r.id!),
                after: [
                    "name": p.name, "site": p.site.value, "budget": p.budget.description,
                    "category": p.category.rawValue,
                    "targets": p.performanceTargets,
                ], at: now)
            let c = WorkflowCase()
            c.workflow = Workflows.project.id; c.year = year; c.step = 0; c.status = .open; c.facts = "{}"
            c.version = 0; c.openedAt = now; c.updatedAt = now; c.projectID = r.id!
            c.unitCode = p.site.value; c.villageCode = r.villageCode; c.townshipCode = r.townshipCode
            c.countyCode = r.countyCode; c.prefectureCode = r.prefectureCode
            try await c.create(on: tx)
            r.caseID = c.id!
            try await r.update(on: tx)
            try await CaseService.takeFirstStep(tx: tx, app: app, user: user, case: c, now: now)
            return r.id!
        }
    }

    /// Keeps the project in step with its case after every step (CaseService calls this in the step's transaction).
    /// `today` dates an approval; a case sent back (an accepted objection) is never approved by it, so it passes nil.
    static func follow(tx: DataAccess, case c: WorkflowCase, today: CivilDate?) async throws {
        guard let id = c.projectID, let r = try await tx.lookup(ProjectRecord.self, id) else { return }
        let status: ProjectStatus = c.status == .rejected ? .rejected : .after(steps: c.step)
        r.status = status
        if status == .inLibrary, r.approvedOn == nil, let today { r.approvedOn = today }
        if status == .completed { r.progressPct = 100 }
        r.version += 1
        try await r.update(on: tx)
    }

    struct ProgressInput: Content { var progress_pct: Int?; var version: Int? }

    /// Progress while implementing (0–99; completion is the workflow's step).
    static func progress(app: Application, user: CurrentUser, id: RowID<ProjectRecord>, input: ProgressInput)
        async throws
    {
        let project = try await app.data(for: user.scope).project(id: id)
        try await FundService.authorise(app, user, OrgCode(project.siteCode)!)
        guard let pct = input.progress_pct else { throw AppError.missingField("progress_pct") }
        guard (0...99).contains(pct) else { throw AppError.invalidField("progress_pct") }
        let now = app.tuopin.now()
        try await app.write { tx in
            guard let r = try await tx.lookup(ProjectRecord.self, id) else { throw AppError.notFound }
            if let v = input.version, v != r.version { throw AppError.conflict }
            guard r.projectStatus == .implementing else { throw AppError.notEligible("project_not_implementing") }
            let before = r.progressPct
            r.progressPct = pct; r.version += 1
            try await r.update(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "project.progress", entity: "project", entityID: String(id),
                before: ["progress": String(before)], after: ["progress": String(pct)], at: now)
        }
    }

    struct RevisionInput: Content { var decision: String?; var reason: String? }

    /// The annual library revision (fourth quarter): a project not started is carried or dropped, with the reason.
    static func revise(app: Application, user: CurrentUser, id: RowID<ProjectRecord>, input: RevisionInput) async throws
    {
        let project = try await app.data(for: user.scope).project(id: id)
        try await FundService.authorise(app, user, OrgCode(project.countyCode)!)
        guard let d = input.decision, let decision = LibraryRevision.Decision(rawValue: d) else {
            throw AppError.invalidField("decision")
        }
        let reason = try FormField.text(input.reason, "reason", max: 500)
        let today = app.clock.today
        guard LibraryRevision.isOpen(today) else { throw AppError.notEligible("project_revision_closed") }
        let now = app.tuopin.now()
        try await app.write { tx in
            guard let r = try await tx.lookup(ProjectRecord.self, id) else { throw AppError.notFound }
            guard r.projectStatus.isRevisable else { throw AppError.notEligible("project_not_revisable") }
            r.revision = "\(today.year) \(decision.rawValue): \(reason)"
            if decision == .drop {
                r.status = .dropped
                if let caseID = r.caseID {
                    try await tx.close(caseID: caseID, as: .rejected, at: now)
                }
            }
            r.version += 1
            try await r.update(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "project.\(decision.rawValue)", entity: "project",
                entityID: String(id),
                after: ["year": String(today.year), "reason": reason], at: now)
        }
    }
}

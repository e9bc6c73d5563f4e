import Fluent
import TuopinCore
import Vapor

/// The case lists: the inbox's cases awaiting the user and the recent ones, named by the
/// household's head, village and number, with why a case cannot be taken on yet.
extension CaseController {
    /// The unit's full name, and for a project's case the project's name before it.
    static func subjectName(_ c: WorkflowCase, on db: DataAccess) async throws -> String {
        let unit = try await db.fullName(of: c.unitCode)
        guard let id = c.projectID, let p = try await db.lookup(ProjectRecord.self, id) else { return unit }
        return "\(p.name) · \(unit)"
    }

    /// Cases in scope; with `awaiting`, only those whose next step the user may take.
    static func summaries(_ req: Request, awaiting: Bool, householdID: RowID<Household>? = nil, limit: Int = 500)
        async throws
        -> [CaseSummary]
    {
        let user = try req.requireUser()
        let t = req.t
        let cases = try await cases(req, user: user, awaiting: awaiting, householdID: householdID, limit: limit)
        let households = try await req.data.rows(Household.self).filter(\.$id ~~ cases.compactMap(\.householdID)).all()
        let numbers = Dictionary(uniqueKeysWithValues: households.map { ($0.id!, $0.number) })
        let heads = try await req.data.headNames(ofHouseholds: households.map { $0.id! })
        let waiting = try await CaseWaiting.of(cases, on: req.data, today: req.clock.today)
        let unitNames = try await req.data.unitNames(Set(cases.map(\.unitCode)))
        let projectNames = Dictionary(
            uniqueKeysWithValues: try await req.data.rows(ProjectRecord.self).filter(
                \.$id ~~ cases.compactMap(\.projectID)
            ).all()
                .map { ($0.id!, $0.name) })
        return cases.compactMap { c in
            let wf = Workflows.named(c.workflow)!
            let next = nextStep(c, wf)
            let mine = awaiting || isMine(c, user)
            let name = caseName(
                unit: unitNames[c.unitCode] ?? c.unitCode, number: c.householdID.flatMap { numbers[$0] },
                head: c.householdID.flatMap { heads[$0] }, project: c.projectID.flatMap { projectNames[$0] })
            let wait = waiting[c.id!]
            return CaseSummary(
                id: c.id!, workflow: c.workflow, workflow_name: WorkflowText.workflow(c.workflow, t),
                subject_name: name,
                household_id: c.householdID, year: c.year, step: c.step, status: c.status.rawValue,
                status_label: t["case_status_\(c.status)"], next_action: next?.action,
                next_action_label: next.map { WorkflowText.action($0.action, t) },
                updated_at: Clock.minute(c.updatedAt),
                awaiting_me: mine, waits_from: wait?.from?.description, wait_reason: wait.map { t[$0.reasonKey] })
        }
    }

    /// Cases in scope, newest first; with `awaiting`, only open ones whose next step the user may take.
    static func cases(
        _ req: Request, user: CurrentUser, awaiting: Bool, householdID: RowID<Household>? = nil, limit: Int
    ) async throws -> [WorkflowCase] {
        var query = req.data.cases()
        if let householdID { query = query.filter(\.$householdID == householdID) }
        if awaiting {
            // Only the (workflow, step) pairs where one of the user's roles acts.
            let roles = Set(user.scope.roles)
            let pairs = Workflows.all.flatMap { wf in
                wf.steps.indices.filter { !wf.steps[$0].roles.isDisjoint(with: roles) }.map { (wf.id, $0) }
            }
            guard !pairs.isEmpty else { return [] }
            query = query.filter(\.$status == .open).group(.or) { g in
                for (wf, step) in pairs { g.group(.and) { $0.filter(\.$workflow == wf).filter(\.$step == step) } }
            }
        }
        let cases = try await query.sort(\.$updatedAt, .descending).sort(\.$id, .descending).limit(limit).all()
        return awaiting ? cases.filter { isMine($0, user) } : cases
    }

    /// Whether the case's next step is one the user may take.
    static func isMine(_ c: WorkflowCase, _ user: CurrentUser) -> Bool {
        guard let wf = Workflows.named(c.workflow), let next = nextStep(c, wf) else { return false }
        return user.scope.actingRole(for: next, on: OrgCode(c.unitCode)!) != nil
    }

    /// A household's case by its head, village and number; a project's by its name and site; else the unit.
    static func caseName(unit: String, number: String?, head: String?, project: String?) -> String {
        if let number { return [head, unit, number].compactMap { $0 }.joined(separator: " · ") }
        if let project { return "\(project) · \(unit)" }
        return unit
    }
}

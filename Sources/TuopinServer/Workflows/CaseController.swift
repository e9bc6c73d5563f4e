import Fluent
import Foundation
import TuopinCore
import Vapor

/// Workflow cases as pages (inbox, case page with its timeline) and through the API. Every read
/// goes through the scoped data access; every change through `CaseService`.
enum CaseController {
    // MARK: Views

    struct StepView: Content {
        let at: String; let actor: String; let role: String; let action: String; let outcome: String
        let reason: String; let notice_id: RowID<Notice>?; let details: [String: String]
    }
    struct NoticeView: Content {
        let id: RowID<Notice>; let title: String; let kind: String; let place: String; let starts_on: String;
        let ends_on: String;
        let running: Bool
    }
    struct ObjectionView: Content {
        let id: RowID<Objection>; let code: String; let kind: String; let kind_label: String; let text: String;
        let name: String
        /// In full to the user who may decide the objection, masked to others (`ObjectionContact`).
        let contact: String
        let status: String; let status_label: String; let decision_reason: String; let filed_at: String;
        let can_decide: Bool
    }
    /// Which inputs the next step needs, so a form shows only those.
    struct Needs: Content {
        var votes = false, consent = false, notice = false, survey = false, document = false
        var can_reject = false
        /// A refusal here undoes what the case already did (the prefecture's 备案审核 reverses the exit).
        var reject_reverses = false
    }
    struct CaseView: Content {
        let id: RowID<WorkflowCase>; let workflow: String; let workflow_name: String; let subject: String
        let household_id: RowID<Household>?; let household_number: String?; let unit_code: String; let unit_name: String
        let year: Int; let step: Int; let steps_total: Int; let status: String; let status_label: String
        let next_action: String?; let next_action_label: String?; let next_roles: String?
        let version: Int; let can_act: Bool; let needs: Needs
        let steps: [StepView]; let notices: [NoticeView]; let objections: [ObjectionView]
        let path: [PathStep]
    }
    struct PathStep: Content { let label: String; let done: Bool }
    struct CaseSummary: Content {
        let id: RowID<WorkflowCase>; let workflow: String; let workflow_name: String; let subject_name: String;
        let household_id: RowID<Household>?
        let year: Int; let step: Int; let status: String; let status_label: String; let next_action: String?
        let next_action_label: String?; let updated_at: String; let awaiting_me: Bool
        /// Awaiting the user but not yet possible: from which day (after a notice) and why.
        let waits_from: String?; let wait_reason: String?
    }

    /// The form's fields: what TuopinCore says the step asks for.
    static func needs(_ wf: WorkflowDefinition, at index: Int) -> Needs {
        guard wf.steps.indices.contains(index) else { return Needs() }
        let i = wf.inputs(at: index)
        return Needs(
            votes: i.votes, consent: i.consent, notice: i.notice, survey: i.survey, document: i.document,
            can_reject: wf.steps[index].canReject, reject_reverses: wf.steps[index].rejectEffect != nil)
    }

    static func nextStep(_ c: WorkflowCase, _ wf: WorkflowDefinition) -> WorkflowStep? {
        c.status == .open && c.step < wf.steps.count ? wf.steps[c.step] : nil
    }

    static func detail(_ req: Request, id: RowID<WorkflowCase>) async throws -> CaseView {
        let user = try req.requireUser()
        let data = req.data
        let c = try await data.workflowCase(id: id)
        let t = req.t
        let wf = Workflows.named(c.workflow)!
        let next = nextStep(c, wf)
        let unit = OrgCode(c.unitCode)!
        let household = try await c.householdID.asyncMap { try await req.data.lookup(Household.self, $0) } ?? nil
        let steps = try await req.data.rows(CaseStep.self).filter(\.$caseID == id).sort(\.$id).all().map { s in
            StepView(
                at: Clock.minute(s.at), actor: s.actorName,
                role: Role(rawValue: s.role).map { t[$0.labelKey] } ?? s.role,
                action: s.outcome == "returned" ? t["wf_returned_\(s.action)"] : WorkflowText.action(s.action, t),
                outcome: t["wf_outcome_\(s.outcome)"], reason: s.reason, notice_id: s.noticeID,
                details: (try? JSONDecoder().decode([String: String].self, from: Data(s.details.utf8))) ?? [:])
        }
        let noticeIDs = try await req.data.rows(NoticeCase.self).filter(\.$id.$caseID == id).all().map(\.id!.noticeID)
        let today = req.clock.today, protector = req.tuopin.protector
        let notices = try await req.data.rows(Notice.self).filter(\.$id ~~ noticeIDs).sort(\.$id).all()
        let objections = try await req.data.rows(Objection.self).filter(\.$noticeID ~~ noticeIDs)
            .group(.or) { $0.filter(\.$caseID == nil).filter(\.$caseID == id) }.sort(\.$id).all()
        let noticeByID = Dictionary(uniqueKeysWithValues: notices.map { ($0.id!, $0) })
        func decides(_ o: Objection) -> Bool {
            let n = noticeByID[o.noticeID]!
            return user.scope.decidesObjections(onNoticeOf: n.workflow, action: n.action, unit: OrgCode(n.unitCode)!)
        }
        // An objector's contact shown in full is a read of personal data: audited, like a household's.
        let contacts = objections.filter { $0.contactCipher != nil && decides($0) }.compactMap(\.id)
        if !contacts.isEmpty {
            try await ReadAudit.record(
                req, user: user, action: "objection.contact_read", entity: "case", entityID: String(id),
                detail: ["objections": contacts.map(String.init).joined(separator: ",")])
        }
        return CaseView(
            id: id, workflow: c.workflow, workflow_name: WorkflowText.workflow(c.workflow, t),
            subject: wf.subject.rawValue,
            household_id: c.householdID, household_number: household?.number, unit_code: c.unitCode,
            unit_name: try await subjectName(c, on: req.data), year: c.year, step: c.step, steps_total: wf.steps.count,
            status: c.status.rawValue, status_label: t["case_status_\(c.status)"], next_action: next?.action,
            next_action_label: next.map { WorkflowText.action($0.action, t) },
            next_roles: next.map {
                $0.roles.sorted { $0.rawValue < $1.rawValue }.map { t[$0.labelKey] }.joined(separator: "、")
            },
            version: c.version, can_act: next.map { user.scope.actingRole(for: $0, on: unit) != nil } ?? false,
            needs: c.status == .open ? needs(wf, at: c.step) : Needs(),
            steps: steps,
            notices: notices.map { n in
                NoticeView(
                    id: n.id!, title: n.title, kind: t["notice_kind_\(n.kind)"], place: n.place,
                    starts_on: n.startsOn.description, ends_on: n.endsOn.description,
                    running: !NoticePeriod.hasEnded(end: CivilDate(iso: n.endsOn.description)!, today: today))
            },
            objections: objections.map { o in
                let decider = decides(o)
                return ObjectionView(
                    id: o.id!, code: o.code, kind: o.kind.rawValue, kind_label: t["objection_kind_\(o.kind)"],
                    text: o.text,
                    name: o.name, contact: ObjectionContact.shown(o, toDecider: decider, protector),
                    status: o.status.rawValue, status_label: t["objection_status_\(o.status)"],
                    decision_reason: o.decisionReason, filed_at: Clock.minute(o.filedAt),
                    can_decide: o.status == .open && decider)
            },
            path: wf.steps.enumerated().map { PathStep(label: WorkflowText.action($1.action, t), done: $0 < c.step) })
    }

    // MARK: Pages

    struct InboxGroup: Encodable {
        let workflow_name: String; let action: String; let action_label: String; let needs: Needs;
        /// Ready now (the batch form's cases), and awaiting the user but not possible yet.
        let cases: [CaseSummary]; let waiting: [CaseSummary]
    }
    /// `href`: the case page, or for a fund disclosure (no case) the unit's funds page where it is decided.
    struct PendingObjection: Encodable {
        let href: String; let notice_title: String; let text: String; let filed_at: String
    }
    struct InboxView: Encodable {
        let groups: [InboxGroup]; let objections: [PendingObjection]; let recent: [CaseSummary]; let error: String?
        /// The batch form offers no survey figures of its own (`step-fields` reads them from the case page).
        let survey: ExitCriteria.CountySurvey? = nil
    }

    /// Open objections on notices the user's level published: theirs to decide.
    static func objectionsToDecide(_ req: Request, user: CurrentUser) async throws -> [PendingObjection] {
        // Notices in the user's scope that have an open objection, then those objections.
        let withOpen = Set(
            try await req.data.rows(Objection.self).filter(\.$status == .open).all(\.$noticeID))
        let notices = Dictionary(
            uniqueKeysWithValues: try await req.data.notices().filter(\.$id ~~ withOpen).all().map { ($0.id!, $0) })
        let open = try await req.data.rows(Objection.self).filter(\.$noticeID ~~ Array(notices.keys)).filter(
            \.$status == .open
        )
        .sort(\.$id).limit(500).all()
        var result: [PendingObjection] = []
        for o in open {
            guard let n = notices[o.noticeID],
                user.scope.decidesObjections(onNoticeOf: n.workflow, action: n.action, unit: OrgCode(n.unitCode)!)
            else { continue }
            let caseID: RowID<WorkflowCase>?
            if let id = o.caseID {
                caseID = id
            } else {
                caseID = try await req.data.rows(NoticeCase.self).filter(\.$id.$noticeID == n.id!).first()?.id?.caseID
            }
            let href: String
            if let caseID {
                href = SiteURL.caseDetail(caseID).path
            } else if Workflows.named(n.workflow)?.subject == .allocation {
                href = SiteURL.unitPart(n.unitCode, "funds").path
            } else {
                continue
            }
            result.append(
                PendingObjection(href: href, notice_title: n.title, text: o.text, filed_at: Clock.minute(o.filedAt)))
        }
        return result
    }

    @Sendable static func inbox(req: Request) async throws -> Response {
        try await renderInbox(req, error: nil, status: .ok)
    }

    static func renderInbox(_ req: Request, error: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try req.requireUser()
        let awaiting = try await summaries(req, awaiting: true)
        let grouped = Dictionary(grouping: awaiting) { "\($0.workflow)|\($0.next_action ?? "")" }
        let groups = grouped.keys.sorted().map { key -> InboxGroup in
            let items = grouped[key]!
            let wf = Workflows.named(items[0].workflow)!
            let step = wf.steps[items[0].step]
            return InboxGroup(
                workflow_name: items[0].workflow_name, action: step.action,
                action_label: WorkflowText.action(step.action, req.t),
                needs: needs(wf, at: items[0].step),
                cases: items.filter { $0.waits_from == nil && $0.wait_reason == nil },
                waiting: items.filter { $0.waits_from != nil || $0.wait_reason != nil })
        }
        let recent = try await summaries(req, awaiting: false, limit: 30)
        return try await Page.render(
            req, "cases",
            InboxView(
                groups: groups, objections: try await objectionsToDecide(req, user: user),
                recent: recent, error: error), status: status)
    }

    struct CasePage: Encodable {
        let c: CaseView; let forms: [CaseView]; let error: String?; let today: String
        /// The county's latest third-party survey up to the case's year, filled into the county-exit assessment's
        /// figures (article 7).
        let survey: ExitCriteria.CountySurvey?
    }

    @Sendable static func page(req: Request) async throws -> Response {
        try await renderCase(req, id: try req.intParameter("id"), error: nil, status: .ok)
    }

    static func renderCase(_ req: Request, id: RowID<WorkflowCase>, error: String?, status: HTTPResponseStatus)
        async throws -> Response
    {
        let view = try await detail(req, id: id)
        let survey =
            view.can_act && view.needs.survey
            ? try await req.data.rows(SurveyRecord.self).filter(\.$unitCode == view.unit_code).filter(
                \.$year <= view.year
            )
            .sort(\.$year, .descending).sort(\.$id, .descending).first()?.result
            : nil
        return try await Page.render(
            req, "case",
            CasePage(
                c: view, forms: view.can_act ? [view] : [], error: error,
                today: req.clock.today.description, survey: survey), status: status)
    }

    struct StepForm: Content {
        var action: String
        var case_ids: [RowID<WorkflowCase>]?
    }

    /// A step from the case page's form.
    @Sendable static func stepForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id: RowID<WorkflowCase> = try req.intParameter("id")
        return try await FormFlow.submit(req, answering: [.notFound]) {
            let form = try req.content.decode(StepForm.self)
            try await CaseService.step(
                app: req.application, user: user, caseID: id, action: form.action,
                input: try req.content.decode(CaseService.StepInput.self))
            return .redirect(SiteURL.caseDetail(id).path)
        } orShow: { refusal in
            return try await renderCase(req, id: id, error: refusal.message, status: refusal.status)
        }
    }

    /// The same step for the cases ticked in the inbox.
    @Sendable static func batchForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await FormFlow.submit(req, answering: []) {
            let form = try req.content.decode(StepForm.self)
            guard let ids = form.case_ids, !ids.isEmpty else { throw AppError.missingField("case_ids") }
            try await CaseService.batch(
                app: req.application, user: user, caseIDs: ids, action: form.action,
                input: try req.content.decode(CaseService.StepInput.self))
            return .redirect(SiteURL.cases.path)
        } orShow: { refusal in
            return try await renderInbox(req, error: refusal.message, status: refusal.status)
        }
    }

    struct StartOption: Encodable { let workflow: String; let label: String }

    /// The workflows the user may start here: those whose first step they may take on `unit`.
    static func startOptions(_ req: Request, status: HouseholdStatus?, unit: String) -> [StartOption] {
        guard let user = req.auth.get(CurrentUser.self), let code = OrgCode(unit) else { return [] }
        let candidates =
            (status.map { Workflows.startable(forHousehold: $0) } ?? Workflows.startable(forUnit: code.level)).map {
                [$0]
            } ?? []
        return candidates.filter { user.scope.actingRole(for: $0.steps[0], on: code) != nil }
            .map { StartOption(workflow: $0.id, label: WorkflowText.workflow($0.id, req.t)) }
    }

    struct StartForm: Content {
        var workflow: String?
        var household_id: RowID<Household>?
        var household_ids: [RowID<Household>]?
        var unit_code: String?
        var year: Int?
    }

    static func start(_ req: Request, _ form: StartForm) async throws -> [RowID<WorkflowCase>] {
        let user = try req.requireUser()
        guard let id = form.workflow, let wf = Workflows.named(id) else { throw AppError.invalidField("workflow") }
        guard let year = form.year else { throw AppError.missingField("year") }
        let households = form.household_ids ?? form.household_id.map { [$0] } ?? []
        return try await CaseService.start(
            app: req.application, user: user, workflow: wf, householdIDs: households,
            unitCode: form.unit_code, year: year, input: try req.content.decode(CaseService.StepInput.self))
    }

    /// Starts a case from a household or unit page; errors return to the page the form was on.
    @Sendable static func startForm(req: Request) async throws -> Response {
        _ = try req.requireUser()
        return try await FormFlow.submit(req, answering: [.notFound]) {
            let form = try req.content.decode(StartForm.self)
            let ids = try await start(req, form)
            return .redirect(ids.count == 1 ? SiteURL.caseDetail(ids[0]).path : SiteURL.cases.path)
        } orShow: { refusal in
            return try await renderInbox(req, error: refusal.message, status: refusal.status)
        }
    }

    @Sendable static func decideForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id: RowID<Objection> = try req.intParameter("id")
        // Decided on a case page, or (a fund disclosure has no case) on the unit's funds page.
        let caseID = try? req.content.get(RowID<WorkflowCase>.self, at: "case_id")
        let unit = (try? req.content.get(String.self, at: "unit_code")).flatMap { OrgCode($0) }?.value
        guard caseID != nil || unit != nil else { throw AppError.missingField("case_id") }
        return try await FormFlow.submit(req, answering: [.notFound]) {
            try await NoticeService.decide(
                app: req.application, user: user, objectionID: id,
                input: try req.content.decode(NoticeService.DecisionInput.self))
            return .redirect(caseID.map { SiteURL.caseDetail($0).path } ?? SiteURL.unitPart(unit!, "funds").path)
        } orShow: { refusal in
            if let caseID {
                return try await renderCase(req, id: caseID, error: refusal.message, status: refusal.status)
            }
            req.parameters.set("code", to: unit!)
            return try await FundController.renderFunds(req, formError: refusal.message, status: refusal.status)
        }
    }

    // MARK: API

    struct Created: Content { let ids: [RowID<WorkflowCase>] }

    struct APIStep: Content { let action: String }

    struct APIBatch: Content { let action: String; let case_ids: [RowID<WorkflowCase>] }

}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}

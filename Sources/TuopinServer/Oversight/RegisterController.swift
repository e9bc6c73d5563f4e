import Fluent
import Foundation
import TuopinCore
import Vapor

/// Pages and API of the oversight registers: a unit's third-party surveys, disputes and rewards
/// and penalties, and the oversight bodies' cases.
enum RegisterController {
    struct Option: Encodable { let value: String; let label: String }

    struct SurveyView: Content {
        let id: RowID<SurveyRecord>; let unit_code: String; let unit_name: String; let year: Int; let evaluator: String;
        let surveyed_on: String
        let sampled_exited: Int; let wrongly_exited: Int; let sampled_non_registered: Int; let missed: Int;
        let surveyed_households: Int; let approving: Int
        let missed_pct: String; let wrong_exit_pct: String; let recognition_pct: String; let note: String
    }
    struct DisputeView: Content {
        let id: RowID<DisputeRecord>; let township_code: String; let township_name: String; let parties: String;
        let kind: String;
        let kind_label: String
        let description: String; let status: String; let status_label: String; let received_on: String;
        let deadline: String
        let overdue: Bool; let resolution: String?; let closed_on: String?; let steps: [StepView]; let open: Bool
    }
    struct StepView: Content {
        let on_date: String; let action: String; let action_label: String; let note: String; let user: String
    }
    struct SanctionView: Content {
        let id: RowID<SanctionRecord>; let kind: String; let kind_label: String; let measure: String;
        let measure_label: String;
        let subject_type: String
        let subject_label: String; let unit_code: String; let unit_name: String; let subject_name: String;
        let reason: String
        let decided_on: String; let document_no: String; let basis: String?; let basis_label: String?;
        let basis_id: Int?; let basis_href: String?
    }
    struct CaseView: Content {
        let id: RowID<OversightCase>; let unit_code: String; let unit_name: String; let person: String;
        let title: String;
        let status: String; let status_label: String
        let outcome: String?; let opened_on: String; let closed_on: String?; let notes: [StepView]
    }

    static func pct(_ part: Int, _ whole: Int) -> String {
        basisPoints(part, of: whole).map { AssessmentController.fixed($0) + "%" } ?? "—"
    }

    static func userNames(_ ids: [RowID<User>], on db: DataAccess) async throws -> [RowID<User>: String] {
        Dictionary(
            uniqueKeysWithValues: try await db.rows(User.self).filter(\.$id ~~ Array(Set(ids))).all().map {
                ($0.id!, $0.displayName)
            })
    }

    static func unitCode(_ req: Request) throws -> OrgCode {
        guard let code = OrgCode(req.parameters.get("code") ?? "") else { throw AppError.notFound }
        return code
    }

    // MARK: Views

    static func surveys(_ req: Request, _ code: OrgCode) async throws -> [SurveyView] {
        let list = try await req.data.surveys(under: code)
        let names = try await req.data.unitNames(Set(list.map(\.unitCode)))
        return list.map { s in
            SurveyView(
                id: s.id!, unit_code: s.unitCode, unit_name: names[s.unitCode] ?? s.unitCode, year: s.year,
                evaluator: s.evaluator,
                surveyed_on: s.surveyedOn.description, sampled_exited: s.sampledExited, wrongly_exited: s.wronglyExited,
                sampled_non_registered: s.sampledNonRegistered, missed: s.missed,
                surveyed_households: s.surveyedHouseholds, approving: s.approving,
                missed_pct: pct(s.missed, s.sampledNonRegistered),
                wrong_exit_pct: pct(s.wronglyExited, s.sampledExited),
                recognition_pct: pct(s.approving, s.surveyedHouseholds), note: s.note)
        }
    }

    static func disputes(_ req: Request, _ code: OrgCode) async throws -> [DisputeView] {
        let list = try await req.data.disputes(under: code)
        let names = try await req.data.unitNames(Set(list.map(\.townshipCode)))
        let steps = Dictionary(
            grouping: try await req.data.rows(DisputeStep.self).filter(\.$disputeID ~~ list.compactMap(\.id)).sort(
                \.$id
            ).all(), by: \.disputeID)
        let users = try await userNames(steps.values.flatMap { $0.map(\.userID) }, on: req.data)
        let today = req.clock.today, t = req.t
        return list.map { d in
            let status = d.status
            return DisputeView(
                id: d.id!, township_code: d.townshipCode, township_name: names[d.townshipCode] ?? d.townshipCode,
                parties: d.parties,
                kind: d.kind.rawValue, kind_label: t["dispute_kind_\(d.kind)"], description: d.description,
                status: d.status.rawValue,
                status_label: t[status.labelKey], received_on: d.receivedOn.description,
                deadline: d.deadline.description,
                overdue: CivilDate(iso: d.deadline.description).map {
                    DisputeRules.isOverdue(status, deadline: $0, today: today)
                } ?? false,
                resolution: d.resolution, closed_on: d.closedOn?.description,
                steps: (steps[d.id!] ?? []).map {
                    StepView(
                        on_date: $0.onDate.description, action: $0.action,
                        action_label: t["dispute_action_\($0.action)"],
                        note: $0.note, user: users[$0.userID] ?? "")
                },
                open: !status.isClosed)
        }
    }

    static func sanctions(_ req: Request, _ code: OrgCode) async throws -> [SanctionView] {
        let list = try await req.data.sanctions(under: code)
        let names = try await req.data.unitNames(Set(list.map(\.unitCode))), t = req.t
        return list.map { s in
            let href: String? =
                switch s.linkType.flatMap(SanctionBasis.init(rawValue:)) {
                case .assessment: s.linkID.map { SiteURL.assessmentUnit(RowID($0), s.unitCode).path }
                case .finding: nil
                case .oversightCase: s.linkID.map { SiteURL.oversightCase(RowID($0), nil).path }
                case nil: nil
                }
            return SanctionView(
                id: s.id!, kind: s.kind.rawValue, kind_label: t["sanction_kind_\(s.kind)"], measure: s.measure,
                measure_label: t["sanction_measure_\(s.measure)"],
                subject_type: s.subjectType, subject_label: t["sanction_subject_\(s.subjectType)"],
                unit_code: s.unitCode,
                unit_name: names[s.unitCode] ?? s.unitCode, subject_name: s.subjectName, reason: s.reason,
                decided_on: s.decidedOn.description,
                document_no: s.documentNo, basis: s.linkType, basis_label: s.linkType.map { t["sanction_basis_\($0)"] },
                basis_id: s.linkID,
                basis_href: href)
        }
    }

    static func caseView(_ req: Request, _ c: OversightCase, names: [String: String]) async throws -> CaseView {
        let notes = try await req.data.rows(OversightCaseNote.self).filter(\.$caseID == c.id!).sort(\.$id).all()
        let users = try await userNames(notes.map(\.userID), on: req.data), t = req.t
        return CaseView(
            id: c.id!, unit_code: c.unitCode, unit_name: names[c.unitCode] ?? c.unitCode, person: c.person,
            title: c.title, status: c.status.rawValue,
            status_label: t["ocase_status_\(c.status)"], outcome: c.outcome, opened_on: c.openedOn.description,
            closed_on: c.closedOn?.description,
            notes: notes.map {
                StepView(
                    on_date: $0.onDate.description, action: "note", action_label: "", note: $0.note,
                    user: users[$0.userID] ?? "")
            })
    }

    // MARK: Pages

    struct UnitRef: Encodable { let code: String; let name: String }

    /// One page per register of a unit (`surveys`, `disputes`, `sanctions`), with its form for those who may add.
    static func unitPage(_ req: Request, register: String, formError: String?) async throws -> Response {
        let user = try req.requireUser(), code = try unitCode(req)
        let unit = try await req.data.unit(code)
        let t = req.t, today = req.clock.today
        struct View: Encodable {
            let unit: UnitRef; let formError: String?; let mayAdd: Bool; let today: String; let year: Int
            let surveys: [SurveyView]; let disputes: [DisputeView]; let sanctions: [SanctionView]
            let kinds: [Option]; let measures: [Option]; let subjects: [Option]; let bases: [Option];
            let actions: [Option]
            let overdue: Int
        }
        var surveys: [SurveyView] = [], disputes: [DisputeView] = [], sanctions: [SanctionView] = []
        let mayAdd: Bool
        switch register {
        case "surveys":
            surveys = try await self.surveys(req, code);
            mayAdd = code.level != .village && user.scope.permits(.evaluate, on: code)
        case "disputes":
            disputes = try await self.disputes(req, code);
            mayAdd = code.level == .township && user.scope.permits(.keepResponsibility, on: code)
        default: sanctions = try await self.sanctions(req, code); mayAdd = user.scope.permits(.inspect, on: code)
        }
        return try await Page.render(
            req, register,
            View(
                unit: UnitRef(code: code.value, name: unit.name), formError: formError, mayAdd: mayAdd,
                today: today.description, year: today.year - 1,
                surveys: surveys, disputes: disputes, sanctions: sanctions,
                kinds: DisputeKind.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                measures: SanctionMeasure.allCases.map {
                    Option(value: $0.rawValue, label: t[$0.kind.labelKey] + "：" + t[$0.labelKey])
                },
                subjects: SanctionSubject.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                bases: SanctionBasis.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                actions: DisputeAction.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                overdue: disputes.filter(\.overdue).count))
    }

    static func page(_ register: String) -> @Sendable (Request) async throws -> Response {
        { req in try await unitPage(req, register: register, formError: nil) }
    }

    static func form<Input: Content, Created>(
        _ register: String, _ type: Input.Type,
        _ action: @escaping @Sendable (Application, CurrentUser, String, Input) async throws -> Created
    ) -> @Sendable (Request) async throws -> Response {
        { req in
            let user = try req.requireUser(), code = req.parameters.get("code") ?? ""
            return try await FormFlow.submit(req) {
                let input = try req.content.decode(type)
                _ = try await action(req.application, user, code, input)
                return .redirect(SiteURL.unitPart(code, register).path)
            } orShow: { refusal in
                return try await unitPage(req, register: register, formError: refusal.message)
            }
        }
    }

    static let surveyForm = form(
        "surveys", RegisterService.SurveyInput.self, RegisterService.addSurvey(app:user:unit:input:))
    static let disputeForm = form(
        "disputes", RegisterService.DisputeInput.self, RegisterService.addDispute(app:user:unit:input:))
    static let sanctionForm = form("sanctions", RegisterService.SanctionInput.self) { app, user, code, input in
        var input = input
        input.unit_code = (input.unit_code ?? "").isEmpty ? code : input.unit_code
        return try await RegisterService.addSanction(app: app, user: user, input: input)
    }

    @Sendable static func disputeStepForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<DisputeRecord> = try req.intParameter("id")
        guard let d = try await req.data.lookup(DisputeRecord.self, id), let code = OrgCode(d.townshipCode) else {
            throw AppError.notFound
        }
        _ = try await req.data.unit(code)
        return try await FormFlow.submit(req) {
            let input = try req.content.decode(RegisterService.DisputeStepInput.self)
            _ = try await RegisterService.disputeStep(app: req.application, user: user, dispute: id, input: input)
            return .redirect(SiteURL.unitPart(code.value, "disputes").path)
        } orShow: { refusal in
            req.parameters.set("code", to: code.value)
            return try await unitPage(req, register: "disputes", formError: refusal.message)
        }
    }

    @Sendable static func casesPage(req: Request) async throws -> Response { try await casesPage(req, formError: nil) }

    static func casesPage(_ req: Request, formError: String?) async throws -> Response {
        let user = try req.requireUser()
        guard user.scope.has(.handleOversightCases) else { throw AppError.forbidden }
        let cases = try await req.data.oversightCases()
        let names = try await req.data.unitNames(Set(cases.map(\.unitCode)))
        var views: [CaseView] = []
        for c in cases { views.append(try await caseView(req, c, names: names)) }
        struct View: Encodable { let cases: [CaseView]; let formError: String?; let home: String }
        return try await Page.render(
            req, "oversight-cases",
            View(
                cases: views, formError: formError,
                home: user.scope.roots(for: .handleOversightCases).first?.value ?? ""))
    }

    @Sendable static func caseForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await FormFlow.submit(req) {
            let input = try req.content.decode(RegisterService.CaseInput.self)
            let id = try await RegisterService.openCase(app: req.application, user: user, input: input)
            return .redirect(SiteURL.oversightCase(id, nil).path)
        } orShow: { refusal in
            return try await casesPage(req, formError: refusal.message)
        }
    }

    @Sendable static func casePage(req: Request) async throws -> Response { try await casePage(req, formError: nil) }

    static func casePage(_ req: Request, formError: String?) async throws -> Response {
        _ = try req.requireUser()
        let c = try await req.data.oversightCase(id: try req.intParameter("id"))
        let view = try await caseView(req, c, names: try await req.data.unitNames([c.unitCode]))
        let sanctions = try await req.data.sanctions(under: OrgCode(c.unitCode)!).filter {
            $0.linkType == SanctionBasis.oversightCase.rawValue && $0.linkID == c.id?.rawValue
        }
        struct View: Encodable { let c: CaseView; let formError: String?; let sanctions: Int }
        return try await Page.render(
            req, "oversight-case", View(c: view, formError: formError, sanctions: sanctions.count))
    }

    @Sendable static func caseNoteForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<OversightCase> = try req.intParameter("id")
        return try await FormFlow.submit(req) {
            let input = try req.content.decode(RegisterService.CaseNoteInput.self)
            try await RegisterService.caseNote(app: req.application, user: user, case: id, input: input)
            return .redirect(SiteURL.oversightCase(id, nil).path)
        } orShow: { refusal in
            return try await casePage(req, formError: refusal.message)
        }
    }

    // MARK: API

    @Sendable static func apiSurveys(req: Request) async throws -> [SurveyView] {
        _ = try req.requireUser(); return try await surveys(req, try unitCode(req))
    }
    @Sendable static func apiDisputes(req: Request) async throws -> [DisputeView] {
        _ = try req.requireUser(); return try await disputes(req, try unitCode(req))
    }
    @Sendable static func apiSanctions(req: Request) async throws -> [SanctionView] {
        _ = try req.requireUser(); return try await sanctions(req, try unitCode(req))
    }

    @Sendable static func apiAddSurvey(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            RegisterService.SurveyInput.self,
            keys: [
                "year", "evaluator", "surveyed_on", "sampled_exited", "wrongly_exited",
                "sampled_non_registered", "missed", "surveyed_households", "approving", "note",
            ])
        return try await ResponsibilityController.created(
            req,
            try await RegisterService.addSurvey(
                app: req.application, user: try req.requireUser(),
                unit: req.parameters.get("code") ?? "", input: input))
    }

    @Sendable static func apiAddDispute(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            RegisterService.DisputeInput.self, keys: ["parties", "kind", "description", "received_on", "deadline"])
        return try await ResponsibilityController.created(
            req,
            try await RegisterService.addDispute(
                app: req.application, user: try req.requireUser(),
                unit: req.parameters.get("code") ?? "", input: input))
    }

    struct StatusAnswer: Content { let id: RowID<DisputeRecord>; let status: String }

    @Sendable static func apiDisputeStep(req: Request) async throws -> StatusAnswer {
        let user = try req.requireUser()
        let input = try req.decodeJSON(RegisterService.DisputeStepInput.self, keys: ["action", "note"])
        let id: RowID<DisputeRecord> = try req.intParameter("id")
        guard let d = try await req.data.lookup(DisputeRecord.self, id), let code = OrgCode(d.townshipCode) else {
            throw AppError.notFound
        }
        _ = try await req.data.unit(code)
        let status = try await RegisterService.disputeStep(app: req.application, user: user, dispute: id, input: input)
        return StatusAnswer(id: id, status: status.rawValue)
    }

    @Sendable static func apiAddSanction(req: Request) async throws -> Response {
        var input = try req.decodeJSON(
            RegisterService.SanctionInput.self,
            keys: [
                "kind", "measure", "subject_type", "subject_name", "reason", "decided_on",
                "document_no", "basis", "basis_id",
            ])
        let user = try req.requireUser()
        guard let code = OrgCode(req.parameters.get("code") ?? "") else { throw AppError.notFound }
        _ = try await req.data.unit(code)
        input.unit_code = code.value
        return try await ResponsibilityController.created(
            req, try await RegisterService.addSanction(app: req.application, user: user, input: input))
    }

    @Sendable static func apiCases(req: Request) async throws -> [CaseView] {
        let user = try req.requireUser()
        guard user.scope.has(.handleOversightCases) else { throw AppError.forbidden }
        let cases = try await req.data.oversightCases()
        let names = try await req.data.unitNames(Set(cases.map(\.unitCode)))
        var out: [CaseView] = []
        for c in cases { out.append(try await caseView(req, c, names: names)) }
        return out
    }

    @Sendable static func apiCase(req: Request) async throws -> CaseView {
        _ = try req.requireUser()
        let c = try await req.data.oversightCase(id: try req.intParameter("id"))
        return try await caseView(req, c, names: try await req.data.unitNames([c.unitCode]))
    }

    @Sendable static func apiOpenCase(req: Request) async throws -> Response {
        let input = try req.decodeJSON(RegisterService.CaseInput.self, keys: ["unit_code", "person", "title", "note"])
        return try await ResponsibilityController.created(
            req, try await RegisterService.openCase(app: req.application, user: try req.requireUser(), input: input))
    }

    @Sendable static func apiCaseNote(req: Request) async throws -> HTTPStatus {
        let input = try req.decodeJSON(RegisterService.CaseNoteInput.self, keys: ["note", "outcome"])
        try await RegisterService.caseNote(
            app: req.application, user: try req.requireUser(), case: try req.intParameter("id"), input: input)
        return .noContent
    }
}

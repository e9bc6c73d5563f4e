import Fluent
import Foundation
import TuopinCore
import Vapor

/// Pages and API of inspections (article 39): a unit's inspections, one inspection with its
/// findings and their steps, the printable 通报, and the findings as CSV or XLSX.
enum InspectionController {
    struct UnitRef: Content { let code: String; let name: String }
    struct TeamView: Content { let name: String; let department: String; let department_label: String }
    struct EventView: Content {
        let action: String; let action_label: String; let on_date: String; let user: String; let note: String
        let file_href: String?; let file_name: String?; let file_size: Int?
    }
    struct FindingView: Content {
        let id: RowID<FindingRecord>; let inspection_id: RowID<InspectionRecord>; let unit_code: String;
        let unit_name: String;
        let responsible_person: String
        let category: String; let category_label: String; let description: String; let raised_on: String;
        let deadline: String
        let state: String; let state_label: String; let overdue: Bool; let rectified_on: String?;
        let verified_on: String?
        let events: [EventView]
        /// What the signed-in user may do with it now (`rectify`, `accept`, `reopen`).
        let actions: [String]
        let may_rectify: Bool; let may_verify: Bool
    }
    struct Summary: Content {
        let id: RowID<InspectionRecord>; let unit_code: String; let unit_name: String; let kind: String;
        let kind_label: String;
        let title: String
        let started_on: String; let ended_on: String?; let team: [TeamView]; let targets: [UnitRef]
        let findings_total: Int; let findings_open: Int; let findings_overdue: Int; let findings_verified: Int
    }
    struct Detail: Content { let inspection: Summary; let findings: [FindingView] }

    static func summary(
        _ i: InspectionRecord, findings: [FindingRecord], names: [String: String], today: CivilDate, t: Translations
    ) -> Summary {
        let team = (try? JSONDecoder().decode([[String: String]].self, from: Data(i.team.utf8))) ?? []
        return Summary(
            id: i.id!, unit_code: i.unitCode, unit_name: names[i.unitCode] ?? i.unitCode, kind: i.kind.rawValue,
            kind_label: t["inspection_kind_\(i.kind)"],
            title: i.title, started_on: i.startedOn.description, ended_on: i.endedOn?.description,
            team: team.map {
                TeamView(
                    name: $0["name"] ?? "", department: $0["department"] ?? "",
                    department_label: t["dept_\($0["department"] ?? "")"])
            },
            targets: i.targetCodes.map { UnitRef(code: $0, name: names[$0] ?? $0) },
            findings_total: findings.count,
            findings_open: findings.filter { $0.state != .verified }.count,
            findings_overdue: findings.filter { overdue($0, today) }.count,
            findings_verified: findings.filter { $0.state == .verified }.count)
    }

    static func overdue(_ f: FindingRecord, _ today: CivilDate) -> Bool {
        let state = f.state
        guard let deadline = CivilDate(iso: f.deadline.description) else { return false }
        return FindingWorkflow.isOverdue(state, deadline: deadline, today: today)
    }

    static func names(for inspections: [InspectionRecord], findings: [FindingRecord], on db: DataAccess) async throws
        -> [String: String]
    {
        try await db.unitNames(Set(inspections.flatMap { [$0.unitCode] + $0.targetCodes } + findings.map(\.unitCode)))
    }

    static func detail(_ req: Request, id: RowID<InspectionRecord>) async throws -> Detail {
        let user = try req.requireUser()
        let access = req.data
        let i = try await access.inspection(id: id)
        let findings = try await access.findings(of: i)
        let names = try await names(for: [i], findings: findings, on: req.data)
        let events = Dictionary(
            grouping: try await req.data.rows(FindingEvent.self).filter(\.$findingID ~~ findings.compactMap(\.id)).sort(
                \.$id
            ).all(), by: \.findingID)
        let users = Dictionary(
            uniqueKeysWithValues: try await req.data.rows(User.self).filter(
                \.$id ~~ Array(Set(events.values.flatMap { $0.map(\.userID) }))
            ).all()
                .map { ($0.id!, $0.displayName) })
        let today = req.clock.today, t = req.t
        let inspects = OrgCode(i.unitCode).map { user.scope.permits(.inspect, on: $0) } ?? false
        let views = findings.map { f in
            let state = f.state
            let actors = FindingWorkflow.actors(
                inspects: inspects,
                keepsResponsibleUnit: OrgCode(f.unitCode).map { user.scope.permits(.keepResponsibility, on: $0) }
                    ?? false)
            let actions = [FindingActor.responsible, .inspecting].filter(actors.contains).flatMap {
                FindingWorkflow.actions(state, for: $0)
            }
            return FindingView(
                id: f.id!, inspection_id: f.inspectionID, unit_code: f.unitCode,
                unit_name: names[f.unitCode] ?? f.unitCode,
                responsible_person: f.responsiblePerson, category: f.category.rawValue,
                category_label: t["finding_category_\(f.category)"],
                description: f.description, raised_on: f.raisedOn.description, deadline: f.deadline.description,
                state: f.state.rawValue,
                state_label: t["finding_state_\(f.state)"], overdue: overdue(f, today),
                rectified_on: f.rectifiedOn?.description, verified_on: f.verifiedOn?.description,
                events: (events[f.id!] ?? []).map { e in
                    EventView(
                        action: e.action, action_label: t["finding_action_\(e.action)"], on_date: e.onDate.description,
                        user: users[e.userID] ?? "",
                        note: e.note, file_href: e.fileSHA256 == nil ? nil : SiteURL.findingEvidence(f.id!, e.id!).path,
                        file_name: e.fileName, file_size: e.fileSize)
                },
                actions: actions.map(\.rawValue), may_rectify: actions.contains(.rectify),
                may_verify: actions.contains(.accept))
        }
        return Detail(inspection: summary(i, findings: findings, names: names, today: today, t: t), findings: views)
    }

    static func list(_ req: Request, code text: String) async throws -> [Summary] {
        _ = try req.requireUser()
        guard let code = OrgCode(text) else { throw AppError.notFound }
        let access = req.data
        let inspections = try await access.inspections(concerning: code)
        var findings: [RowID<InspectionRecord>: [FindingRecord]] = [:]
        for i in inspections { findings[i.id!] = try await access.findings(of: i) }
        let names = try await names(for: inspections, findings: findings.values.flatMap { $0 }, on: req.data)
        let today = req.clock.today
        return inspections.map { summary($0, findings: findings[$0.id!] ?? [], names: names, today: today, t: req.t) }
    }

    struct Option: Encodable { let value: String; let label: String }

    // MARK: Pages

    @Sendable static func unitPage(req: Request) async throws -> Response { try await unitPage(req, formError: nil) }

    static func unitPage(_ req: Request, formError: String?) async throws -> Response {
        let user = try req.requireUser()
        guard let code = OrgCode(req.parameters.get("code") ?? "") else { throw AppError.notFound }
        let unit = try await req.data.unit(code)
        let inspections = try await list(req, code: code.value)
        let mayInspect = user.scope.permits(.inspect, on: code)
        // The units an inspection may visit: those below this one, two levels down at most.
        var targets: [UnitRef] = []
        if mayInspect {
            for child in try await req.data.children(of: code) {
                targets.append(UnitRef(code: child.id!, name: child.name))
                if code.level < .county { continue }
                for grandchild in try await req.data.children(of: OrgCode(child.id!)!) {
                    targets.append(UnitRef(code: grandchild.id!, name: child.name + " " + grandchild.name))
                }
            }
        }
        struct View: Encodable {
            let unit: UnitRef; let inspections: [Summary]; let formError: String?; let mayInspect: Bool
            let kinds: [Option]; let departments: [Option]; let targets: [UnitRef]; let teamRows: [Int];
            let today: String
        }
        let t = req.t
        return try await Page.render(
            req, "inspections",
            View(
                unit: UnitRef(code: code.value, name: unit.name), inspections: inspections, formError: formError,
                mayInspect: mayInspect,
                kinds: InspectionKind.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                departments: InspectionDepartment.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                targets: targets, teamRows: [1, 2, 3, 4, 5, 6], today: req.clock.today.description))
    }

    @Sendable static func page(req: Request) async throws -> Response { try await page(req, formError: nil) }

    static func page(_ req: Request, formError: String?) async throws -> Response {
        let user = try req.requireUser()
        let d = try await detail(req, id: try req.intParameter("id"))
        let inspects = OrgCode(d.inspection.unit_code).map { user.scope.permits(.inspect, on: $0) } ?? false
        struct View: Encodable {
            let d: Detail; let formError: String?; let mayRaise: Bool; let categories: [Option]; let units: [UnitRef];
            let today: String
            let unitHref: String
        }
        // A finding is against a target or a unit below it.
        var units: [UnitRef] = []
        if inspects {
            for target in d.inspection.targets {
                units.append(target)
                guard let code = OrgCode(target.code), code.level < .village else { continue }
                units += try await req.data.children(of: code).map {
                    UnitRef(code: $0.id!, name: target.name + " " + $0.name)
                }
            }
        }
        let t = req.t
        return try await Page.render(
            req, "inspection",
            View(
                d: d, formError: formError, mayRaise: inspects,
                categories: FindingCategory.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                units: units,
                today: req.clock.today.description,
                unitHref: SiteURL.unitPart(d.inspection.unit_code, "inspections").path))
    }

    /// The 通报: the inspection and its findings with where each stands, on paper.
    @Sendable static func notification(req: Request) async throws -> Response {
        let d = try await detail(req, id: try req.intParameter("id"))
        struct View: Encodable { let d: Detail; let printedOn: String }
        return try await Page.render(req, "inspection-notification", View(d: d, printedOn: req.clock.today.description))
    }

    /// The inspection's findings as CSV or XLSX (`?format=`); the export is audited.
    @Sendable static func findingsExport(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id: RowID<InspectionRecord> = try req.intParameter("id")
        let format = (try? req.query.get(String.self, at: "format")) ?? "csv"
        guard ["csv", "xlsx"].contains(format) else { throw AppError.invalidField("format") }
        let d = try await detail(req, id: id)
        let t = req.t
        var table = [
            [
                t["finding_id"], t["unit"], t["finding_person"], t["finding_category"], t["finding_description"],
                t["finding_raised_on"],
                t["finding_deadline"], t["finding_state"], t["finding_overdue"], t["finding_rectified_on"],
                t["finding_verified_on"],
            ]
        ]
        for f in d.findings {
            table.append([
                String(f.id), f.unit_name, f.responsible_person, f.category_label, f.description, f.raised_on,
                f.deadline, f.state_label,
                f.overdue ? t["yes"] : t["no"], f.rectified_on ?? "", f.verified_on ?? "",
            ])
        }
        try await ReadAudit.record(
            req, user: user, action: "export.findings", entity: "inspection", entityID: String(id),
            detail: ["format": format])
        return try TableDownload.response(
            table, format: format, filename: "findings-\(id).\(format)", sheet: "findings",
            title: TableDownload.title(req, [d.inspection.unit_name, t["insp_findings"]]))
    }

    /// Runs a form's change and comes back to the page, or shows the page again with the reason.
    static func run(_ req: Request, inspection id: RowID<InspectionRecord>, _ change: () async throws -> Void)
        async throws -> Response
    {
        return try await FormFlow.submit(req) {
            try await change()
            return .redirect(SiteURL.inspection(id, nil).path)
        } orShow: { refusal in
            req.parameters.set("id", to: String(id))
            return try await page(req, formError: refusal.message)
        }
    }

    /// The create form: the team as parallel rows of names and departments, the targets as checkboxes.
    struct InspectionForm: Content {
        var kind: String?; var title: String?; var started_on: String?; var ended_on: String?
        var team_name: [String]?; var team_department: [String]?; var targets: [String]?
        var input: InspectionService.InspectionInput {
            let names = team_name ?? [], departments = team_department ?? []
            let team = (0..<max(names.count, departments.count)).map { k in
                InspectionService.TeamMember(
                    name: k < names.count ? names[k] : nil, department: k < departments.count ? departments[k] : nil)
            }
            return .init(
                kind: kind, title: title, started_on: started_on, ended_on: ended_on, team: team, targets: targets)
        }
    }

    @Sendable static func createForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), code = req.parameters.get("code") ?? ""
        return try await FormFlow.submit(req) {
            let form = try req.content.decode(InspectionForm.self)
            let id = try await InspectionService.create(app: req.application, user: user, unit: code, input: form.input)
            return .redirect(SiteURL.inspection(id, nil).path)
        } orShow: { refusal in
            return try await unitPage(req, formError: refusal.message)
        }
    }

    @Sendable static func findingForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<InspectionRecord> = try req.intParameter("id")
        let input = try req.content.decode(InspectionService.FindingInput.self)
        return try await run(req, inspection: id) {
            _ = try await InspectionService.addFinding(app: req.application, user: user, inspectionID: id, input: input)
        }
    }

    struct StepForm: Content { var action: String?; var note: String?; var file: File? }

    /// A rectification (with an optional evidence file) or a verification (`action` accept or reopen).
    @Sendable static func stepForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<FindingRecord> = try req.intParameter("id")
        let (finding, _) = try await req.data.finding(id: id)
        let form = try req.content.decode(StepForm.self)
        return try await run(req, inspection: finding.inspectionID) {
            guard let action = form.action.flatMap(FindingAction.init(rawValue:)) else {
                throw AppError.invalidField("action")
            }
            _ = try await InspectionService.step(
                app: req.application, user: user, findingID: id, action: action, note: form.note,
                evidence: form.file.map { .init(data: Data(buffer: $0.data), filename: $0.filename) })
        }
    }

    /// An evidence file, to whoever may see the finding (reading it is audited).
    @Sendable static func evidence(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<FindingRecord> = try req.intParameter("id"),
            eventID: RowID<FindingEvent> = try req.intParameter("event")
        _ = try await req.data.finding(id: id)
        guard let e = try await req.data.lookup(FindingEvent.self, eventID), e.findingID == id, let sha = e.fileSHA256,
            let kind = e.fileType.flatMap(EvidenceFile.Kind.init(rawValue:))
        else { throw AppError.notFound }
        let data = try Data(contentsOf: InspectionService.evidenceFile(req.application, sha256: sha))
        try await ReadAudit.record(
            req, user: user, action: "evidence.read", entity: "finding", entityID: String(id),
            detail: ["event": String(eventID)])
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: kind.mediaType.type, subType: kind.mediaType.subType)
        headers.contentDisposition = .init(.attachment, filename: e.fileName ?? "evidence.\(kind.rawValue)")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    // MARK: API

    @Sendable static func apiList(req: Request) async throws -> [Summary] {
        try await list(req, code: req.parameters.get("code") ?? "")
    }

    @Sendable static func apiShow(req: Request) async throws -> Detail {
        try await detail(req, id: try req.intParameter("id"))
    }

    @Sendable static func apiCreate(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            InspectionService.InspectionInput.self,
            keys: ["kind", "title", "started_on", "ended_on", "team", "targets"])
        return try await ResponsibilityController.created(
            req,
            try await InspectionService.create(
                app: req.application, user: try req.requireUser(), unit: req.parameters.get("code") ?? "", input: input)
        )
    }

    @Sendable static func apiFinding(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            InspectionService.FindingInput.self,
            keys: ["unit_code", "responsible_person", "category", "description", "deadline"])
        return try await ResponsibilityController.created(
            req,
            try await InspectionService.addFinding(
                app: req.application, user: try req.requireUser(), inspectionID: try req.intParameter("id"),
                input: input))
    }

    struct StepAnswer: Content { let id: RowID<FindingRecord>; let state: String }

    /// `POST /api/v1/findings/{id}/rectification` (note) and `…/verification` (`accepted` true or false, note).
    @Sendable static func apiStep(req: Request) async throws -> StepAnswer {
        let id: RowID<FindingRecord> = try req.intParameter("id")
        let user = try req.requireUser()
        let action: FindingAction, note: String?
        if req.url.path.hasSuffix("/rectification") {
            struct Input: Decodable { var note: String? }
            note = try req.decodeJSON(Input.self, keys: ["note"]).note
            action = .rectify
        } else {
            struct Input: Decodable { var accepted: Bool?; var note: String? }
            let input = try req.decodeJSON(Input.self, keys: ["accepted", "note"])
            guard let accepted = input.accepted else { throw AppError.missingField("accepted") }
            action = accepted ? .accept : .reopen; note = input.note
        }
        let state = try await InspectionService.step(
            app: req.application, user: user, findingID: id, action: action, note: note)
        return StepAnswer(id: id, state: state.rawValue)
    }
}

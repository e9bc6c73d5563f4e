import Fluent
import Foundation
import TuopinCore
import Vapor

/// The spot-check page (article 18): the county draws samples and records each verification;
/// everyone in scope sees the checks and their accuracy figures.
enum SpotCheckController {
    struct Item: Encodable {
        let case_id: RowID<WorkflowCase>; let label: String; let result: String?; let result_label: String;
        let note: String
    }
    struct CheckView: Encodable {
        let s: SpotCheckService.Summary; let workflow_name: String; let county_name: String; let created_at: String
        let items: [Item]; let can_record: Bool
    }
    struct View: Encodable {
        let checks: [CheckView]; let counties: [UnitOption]; let canDraw: Bool; let year: Int; let error: String?
        let workflows: [UnitOption]
        /// The least share a check may draw (local practice, on the Standards page).
        let minPercent: Int; let practiceHref: String
    }
    struct UnitOption: Encodable { let code: String; let name: String }

    static func render(_ req: Request, error: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try req.requireUser()
        let t = req.t
        let checks = try await req.data.spotChecks().sort(\.$id, .descending).limit(50).all()
        var views: [CheckView] = []
        for check in checks {
            let summary = try await SpotCheckService.summary(check, on: req.data)
            let items = try await req.data.rows(SpotCheckItem.self).filter(\.$checkID == check.id!).sort(\.$caseID)
                .all()
            let cases = try await req.data.cases().filter(\.$id ~~ items.map(\.caseID)).all()
            let numbers = Dictionary(
                uniqueKeysWithValues: try await req.data.rows(Household.self).filter(
                    \.$id ~~ cases.compactMap(\.householdID)
                ).all()
                    .map { ($0.id!, $0.number) })
            let labels = Dictionary(
                uniqueKeysWithValues: cases.map { ($0.id!, $0.householdID.flatMap { numbers[$0] } ?? $0.unitCode) })
            let wf = Workflows.named(check.workflow)!
            views.append(
                CheckView(
                    s: summary, workflow_name: WorkflowText.workflow(check.workflow, t),
                    county_name: try await req.data.fullName(of: check.countyCode),
                    created_at: Clock.minute(check.createdAt),
                    items: items.map {
                        Item(
                            case_id: $0.caseID, label: labels[$0.caseID] ?? String($0.caseID), result: $0.result,
                            result_label: t["spot_result_\($0.result ?? "pending")"], note: $0.note)
                    },
                    can_record: user.scope.actingRole(
                        for: wf.steps[wf.spotCheck!.before], on: OrgCode(check.countyCode)!) != nil))
        }
        let counties = user.scope.bindings.filter { $0.role == .countyOffice }.map(\.unit)
        let names = try await req.data.unitNames(Set(counties.map(\.value)))
        let workflows = Workflows.all.filter { $0.spotCheck != nil }.map {
            UnitOption(code: $0.id, name: WorkflowText.workflow($0.id, t))
        }
        let year = try await StandardsController.lookup(on: req.data).keys.max() ?? req.clock.today.year
        return try await Page.render(
            req, "spot-checks",
            View(
                checks: views, counties: counties.map { UnitOption(code: $0.value, name: names[$0.value] ?? $0.value) },
                canDraw: !counties.isEmpty, year: year, error: error, workflows: workflows,
                minPercent: try await LocalPracticeService.load(on: req.data)[.spotCheckPercent],
                practiceHref: SiteURL.standards.path + "#practice-" + LocalPractice.Key.spotCheckPercent.rawValue),
            status: status)
    }

    @Sendable static func page(req: Request) async throws -> Response { try await render(req, error: nil, status: .ok) }

    @Sendable static func drawForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await FormFlow.submit(req, answering: [.notFound]) {
            var input = try req.content.decode(SpotCheckService.DrawInput.self)
            if input.seed?.isEmpty == true { input.seed = nil }
            _ = try await SpotCheckService.draw(app: req.application, user: user, input: input)
            return .redirect(SiteURL.spotChecks.path)
        } orShow: { refusal in
            return try await render(req, error: refusal.message, status: refusal.status)
        }
    }

    @Sendable static func resultForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await FormFlow.submit(req, answering: [.notFound]) {
            try await SpotCheckService.record(
                app: req.application, user: user, checkID: try req.intParameter("id"),
                caseID: try req.intParameter("case"),
                input: try req.content.decode(SpotCheckService.ResultInput.self))
            return .redirect(SiteURL.spotChecks.path)
        } orShow: { refusal in
            return try await render(req, error: refusal.message, status: refusal.status)
        }
    }
}

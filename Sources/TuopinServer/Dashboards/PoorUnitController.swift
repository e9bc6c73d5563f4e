import Fluent
import Foundation
import TuopinCore
import Vapor

/// 贫困村 and 贫困乡镇 (issue #25 item 7): the county registers a village or township as poor — or withdraws a
/// registration made in error — before it exits; its exit case then records the exit year (`PoorUnit`).
enum PoorUnitController {
    struct Input: Content { var is_poor: Bool?; var version: Int? }
    struct View: Content { let code: String; let is_poor: Bool; let exit_year: Int?; let version: Int }

    static func set(app: Application, user: CurrentUser, code text: String, input: Input) async throws -> View {
        guard let code = OrgCode(text), PoorUnit.registrable(code.level) else { throw AppError.notFound }
        guard user.scope.permitsAggregates(on: code) else { throw AppError.notFound }
        guard user.scope.permits(.keepVillageFigures, on: code) else { throw AppError.forbidden }
        guard let registered = input.is_poor else { throw AppError.missingField("is_poor") }
        let now = app.tuopin.now()
        let view = try await app.write { tx in
            guard let unit = try await tx.lookup(OrgUnit.self, code.value) else { throw AppError.notFound }
            if let v = input.version, v != unit.version { throw AppError.conflict }
            if let field = PoorUnit.changeProblem(
                level: code.level, from: unit.isPoor, to: registered, exitYear: unit.exitYear)
            {
                throw AppError.invalidField(field)
            }
            unit.isPoor = registered; unit.version += 1
            try await unit.update(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "unit.poor", entity: "org_unit", entityID: code.value,
                before: ["is_poor": String(!registered)], after: ["is_poor": String(registered)], at: now)
            return View(code: code.value, is_poor: registered, exit_year: unit.exitYear, version: unit.version)
        }
        // R-28-1 and R-29-1 ask more of a poor village; they are checked from its county.
        await ComplianceService.recheck(app: app, root: code.ancestor(at: .county) ?? code, actor: user.auditActor)
        return view
    }

    @Sendable static func api(req: Request) async throws -> View {
        try await set(
            app: req.application, user: try req.requireUser(), code: req.parameters.get("code") ?? "",
            input: try req.decodeJSON(Input.self, keys: ["is_poor", "version"]))
    }

    @Sendable static func form(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        _ = try await set(
            app: req.application, user: try req.requireUser(), code: code, input: try req.content.decode(Input.self))
        return req.redirect(to: SiteURL.unit(code).path, redirectType: .normal)
    }
}

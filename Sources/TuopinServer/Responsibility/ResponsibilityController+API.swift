import Fluent
import Foundation
import TuopinCore
import Vapor

/// The responsibility chain's JSON API: a unit's overview, and letters, reports, plans and principals written.
extension ResponsibilityController {
    struct Created: Content { let id: Int }
    @Sendable static func apiOverview(req: Request) async throws -> Overview {
        _ = try req.requireUser()
        return try await overview(req, code: req.parameters.get("code") ?? "").0
    }

    static func created<Row>(_ req: Request, _ id: RowID<Row>) async throws -> Response {
        try await Created(id: id.rawValue).encodeResponse(status: .created, for: req)
    }

    @Sendable static func apiLetter(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            ResponsibilityService.LetterInput.self,
            keys: [
                "year", "target_households", "target_people", "target_villages", "target_counties", "target_funds",
                "signatory", "counterpart_signatory", "drafted_on",
            ])
        return try await created(
            req,
            try await ResponsibilityService.saveLetter(
                app: req.application, user: try req.requireUser(),
                unit: req.parameters.get("code") ?? "", input: input))
    }

    @Sendable static func apiReport(req: Request) async throws -> Response {
        let input = try req.decodeJSON(ResponsibilityService.ReportInput.self, keys: ["period", "narrative"])
        return try await created(
            req,
            try await ResponsibilityService.submitReport(
                app: req.application, user: try req.requireUser(),
                unit: req.parameters.get("code") ?? "", input: input))
    }

    @Sendable static func apiPlan(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            ResponsibilityService.PlanInput.self,
            keys: [
                "kind", "title", "period_from", "period_to", "target_households", "target_people", "target_villages",
                "target_counties", "target_funds", "approved_on",
            ])
        return try await created(
            req,
            try await ResponsibilityService.savePlan(
                app: req.application, user: try req.requireUser(),
                unit: req.parameters.get("code") ?? "", input: input))
    }

    @Sendable static func apiPrincipal(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            ResponsibilityService.PrincipalInput.self, keys: ["role", "cadre_id", "changed_on"])
        return try await created(
            req,
            try await ResponsibilityService.changePrincipal(
                app: req.application, user: try req.requireUser(),
                unit: req.parameters.get("code") ?? "", input: input))
    }
}

import Fluent
import Foundation
import TuopinCore
import Vapor

/// The cases' JSON API (`/api/v1/cases…`), answering what the pages answer.
extension CaseController {
    @Sendable static func apiList(req: Request) async throws -> [CaseSummary] {
        // A filter that is present must be well formed: a malformed one is refused, not ignored.
        func value<T: Decodable>(_ type: T.Type, _ key: String) throws -> T? {
            guard req.query[String.self, at: key] != nil else { return nil }
            guard let parsed = try? req.query.get(T.self, at: key) else { throw AppError.invalidField(key) }
            return parsed
        }
        let household = try value(Int.self, "household_id")
        if let household, household < 1 { throw AppError.invalidField("household_id") }
        let householdID = household.map { RowID<Household>($0) }
        return try await summaries(req, awaiting: try value(Bool.self, "awaiting") ?? false, householdID: householdID)
    }

    @Sendable static func apiShow(req: Request) async throws -> CaseView {
        try await detail(req, id: try req.intParameter("id"))
    }

    @Sendable static func apiStart(req: Request) async throws -> Response {
        let form = try req.decodeJSON(StartForm.self)
        let ids = try await start(req, form)
        return try await Created(ids: ids).encodeResponse(status: .created, for: req)
    }

    @Sendable static func apiStep(req: Request) async throws -> CaseView {
        let user = try req.requireUser()
        let id: RowID<WorkflowCase> = try req.intParameter("id")
        let body = try req.decodeJSON(APIStep.self)
        try await CaseService.step(
            app: req.application, user: user, caseID: id, action: body.action,
            input: try req.decodeJSON(CaseService.StepInput.self))
        return try await detail(req, id: id)
    }

    @Sendable static func apiBatch(req: Request) async throws -> [CaseSummary] {
        let user = try req.requireUser()
        let body = try req.decodeJSON(APIBatch.self)
        try await CaseService.batch(
            app: req.application, user: user, caseIDs: body.case_ids, action: body.action,
            input: try req.decodeJSON(CaseService.StepInput.self))
        let ids = Set(body.case_ids)
        return try await summaries(req, awaiting: false, limit: 1000).filter { ids.contains($0.id) }
    }

    @Sendable static func apiDecide(req: Request) async throws -> HTTPStatus {
        let user = try req.requireUser()
        try await NoticeService.decide(
            app: req.application, user: user, objectionID: try req.intParameter("id"),
            input: try req.decodeJSON(NoticeService.DecisionInput.self))
        return .noContent
    }
}

import Fluent
import Foundation
import TuopinCore
import Vapor

/// The JSON API of funds, projects and loans (`/api/v1`).
enum FundAPI {
    static func created<Row>(_ req: Request, _ id: RowID<Row>) async throws -> Response {
        try await ResponsibilityController.created(req, id)
    }
    static let entryKeys: Set<String> = [
        "source", "year", "amount", "entry_date", "counterpart", "to_unit", "project_id", "voucher", "from_unit",
        "note",
    ]

    @Sendable static func funds(req: Request) async throws -> FundController.FundsView {
        try await FundController.funds(req, code: req.parameters.get("code") ?? "")
    }
    @Sendable static func receipt(req: Request) async throws -> Response {
        let input = try req.decodeJSON(FundService.EntryInput.self, keys: entryKeys)
        return try await created(
            req,
            try await FundService.receive(
                app: req.application, user: try req.requireUser(), unit: req.parameters.get("code") ?? "", input: input)
        )
    }
    @Sendable static func allocation(req: Request) async throws -> Response {
        let input = try req.decodeJSON(FundService.EntryInput.self, keys: entryKeys)
        return try await created(
            req,
            try await FundService.allocate(
                app: req.application, user: try req.requireUser(), unit: req.parameters.get("code") ?? "", input: input)
        )
    }
    @Sendable static func disclosure(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            FundService.DiscloseInput.self, keys: ["entry_ids", "place", "starts_on", "ends_on"])
        return try await created(
            req,
            try await FundService.disclose(
                app: req.application, user: try req.requireUser(), unit: req.parameters.get("code") ?? "", input: input)
        )
    }
    @Sendable static func reversal(req: Request) async throws -> Response {
        let input = try req.decodeJSON(FundController.ReverseInput.self, keys: ["reason"])
        return try await created(
            req,
            try await FundService.reverse(
                app: req.application, user: try req.requireUser(), entryID: try req.intParameter("id"),
                reason: input.reason))
    }
    @Sendable static func projects(req: Request) async throws -> [FundController.ProjectRow] {
        _ = try req.requireUser()
        guard req.data.mayReadRegistry else { throw AppError.forbidden }
        return try await FundController.projectRows(
            req, try await req.data.projects().sort(\.$id, .descending).limit(500).all())
    }
    @Sendable static func propose(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            ProjectService.Input.self,
            keys: [
                "name", "category", "nature", "site", "start_year", "end_year", "responsible_unit",
                "responsible_person", "tasks", "budget", "funding_sources", "performance_targets", "linking_mechanism",
                "households", "people",
                "poor_households", "poor_people", "household_ids", "household_numbers",
            ])
        return try await created(
            req, try await ProjectService.propose(app: req.application, user: try req.requireUser(), input: input))
    }
    @Sendable static func project(req: Request) async throws -> FundController.ProjectDetail {
        try await FundController.projectDetail(req, id: try req.intParameter("id"))
    }
    @Sendable static func expenditure(req: Request) async throws -> Response {
        let input = try req.decodeJSON(FundService.EntryInput.self, keys: entryKeys)
        return try await created(
            req,
            try await FundService.spend(
                app: req.application, user: try req.requireUser(), projectID: try req.intParameter("id"), input: input))
    }
    @Sendable static func loans(req: Request) async throws -> [LoanService.LoanView] {
        _ = try req.requireUser()
        let household = try await req.data.household(id: try req.intParameter("id"))
        let today = req.clock.today
        return try await req.data.loans().filter(\.$householdID == household.id!).sort(\.$id).all().map {
            LoanService.view($0, today: today)
        }
    }
    @Sendable static func addLoan(req: Request) async throws -> Response {
        let input = try req.decodeJSON(
            LoanService.Input.self, keys: ["lender", "amount", "rate_pct", "subsidy_pct", "months", "start_date"])
        return try await created(
            req,
            try await LoanService.add(
                app: req.application, user: try req.requireUser(), householdID: try req.intParameter("id"), input: input
            ))
    }
    @Sendable static func repay(req: Request) async throws -> Response {
        let input = try req.decodeJSON(LoanService.RepaymentInput.self, keys: ["amount", "paid_on"])
        return try await created(
            req,
            try await LoanService.repay(
                app: req.application, user: try req.requireUser(), loanID: try req.intParameter("id"), input: input))
    }
}

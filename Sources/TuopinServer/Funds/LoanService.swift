import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Microcredit (扶贫小额信贷, article 36) per household: the loan, its repayments, overdue when its
/// term has run out with principal still owed. The rate is kept as lent; R-36-1 flags a rate above the year's standard.
enum LoanService {
    struct Input: Content {
        var lender: String?
        /// 元.
        var amount: String?
        /// Annual rate and interest subsidy in percent ("4.35").
        var rate_pct: String?
        var subsidy_pct: String?
        var months: Int?
        var start_date: String?
    }

    static func add(app: Application, user: CurrentUser, householdID: RowID<Household>, input: Input) async throws
        -> RowID<LoanRecord>
    {
        let household = try await app.data(for: user.scope).household(id: householdID)
        try await FundService.authorise(app, user, OrgCode(household.villageCode)!)
        let lender = try FormField.text(input.lender, "lender")
        let amount = try FormField.amount(input.amount, "amount")
        let rate = try StandardsController.parsePercent(input.rate_pct, field: "rate_pct")
        let subsidy = input.subsidy_pct.map { $0.isEmpty ? "0" : $0 } ?? "0"
        let subsidyBP = try StandardsController.parsePercent(subsidy, field: "subsidy_pct")
        guard let months = input.months else { throw AppError.missingField("months") }
        let start = try FormField.date(input.start_date, "start_date")
        let today = app.clock.today
        guard start <= today, start.year >= 2014 else { throw AppError.invalidField("start_date") }
        let terms: LoanTerms
        let practice = try await LocalPracticeService.load(on: app.data(for: user.scope))
        do {
            terms = try LoanTerms(amount: amount, rateBP: rate, subsidyBP: subsidyBP, months: months).validated(
                practice: practice)
        } catch .field(let f) {
            throw AppError.invalidField(["rate": "rate_pct", "subsidy": "subsidy_pct"][f] ?? f)
        }
        let now = app.tuopin.now()
        let id = try await app.write { tx -> RowID<LoanRecord> in
            let l = LoanRecord()
            l.householdID = householdID; l.villageCode = household.villageCode; l.townshipCode = household.townshipCode
            l.countyCode = household.countyCode; l.prefectureCode = household.prefectureCode; l.lender = lender
            l.amount = terms.amount.fen; l.rateBP = terms.rateBP; l.subsidyBP = terms.subsidyBP; l.months = terms.months
            l.startDate = start; l.year = start.year; l.repaid = 0; l.version = 1; l.createdAt = now
            try await l.create(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "loan.add", entity: "household", entityID: String(householdID),
                after: [
                    "loan": String(l.id!), "lender": lender, "amount": terms.amount.description,
                    "rate_bp": String(terms.rateBP), "months": String(terms.months),
                ], at: now)
            return l.id!
        }
        await ComplianceService.recheck(app: app, root: OrgCode(household.villageCode)!, actor: user.auditActor)
        return id
    }

    struct RepaymentInput: Content { var amount: String?; var paid_on: String? }

    /// A repayment: never more than what is still owed.
    static func repay(app: Application, user: CurrentUser, loanID: RowID<LoanRecord>, input: RepaymentInput)
        async throws -> RowID<LoanRepayment>
    {
        guard let loan = try await app.data(for: user.scope).loans().filter(\.$id == loanID).first() else {
            throw AppError.notFound
        }
        try await FundService.authorise(app, user, OrgCode(loan.villageCode)!)
        let amount = try FormField.amount(input.amount, "amount")
        let paid = try FormField.date(input.paid_on, "paid_on")
        guard paid <= app.clock.today, paid >= CivilDate(iso: loan.startDate.description)! else {
            throw AppError.invalidField("paid_on")
        }
        let now = app.tuopin.now()
        return try await app.write { tx in
            // Conditional: two repayments at once cannot together pass the principal.
            guard try await tx.repay(loanID: loanID, amount) else {
                let current = try await tx.lookup(LoanRecord.self, loanID)!
                throw AppError.insufficientFunds(available: Money(fen: current.amount - current.repaid))
            }
            let r = LoanRepayment()
            r.loanID = loanID; r.amount = amount.fen; r.paidOn = paid; r.createdAt = now
            try await r.create(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "loan.repay", entity: "loan", entityID: String(loanID),
                after: ["amount": amount.description, "paid_on": paid.description], at: now)
            return r.id!
        }
    }

    struct LoanView: Content {
        let id: RowID<LoanRecord>; let household_id: RowID<Household>; let lender: String; let amount: String;
        let rate_pct: String;
        let subsidy_pct: String
        let months: Int; let start_date: String; let repaid: String; let outstanding: String; let overdue: Bool
    }

    static func view(_ l: LoanRecord, today: CivilDate) -> LoanView {
        let outstanding = Money(fen: l.amount - l.repaid)
        return LoanView(
            id: l.id!, household_id: l.householdID, lender: l.lender, amount: Money(fen: l.amount).description,
            rate_pct: StandardsController.percent(l.rateBP), subsidy_pct: StandardsController.percent(l.subsidyBP),
            months: l.months,
            start_date: l.startDate.description, repaid: Money(fen: l.repaid).description,
            outstanding: outstanding.description,
            overdue: LoanTerms.isOverdue(
                start: CivilDate(iso: l.startDate.description)!, months: l.months, outstanding: outstanding,
                today: today))
    }
}

/// Loans on the household page: forms back to the page, or the page again with the reason.
enum LoanForms {
    @Sendable static func add(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<Household> = try req.intParameter("id")
        let input = try req.content.decode(LoanService.Input.self)
        return try await HouseholdFormsController.run(req) {
            _ = try await LoanService.add(app: req.application, user: user, householdID: id, input: input)
        }
    }

    @Sendable static func repay(req: Request) async throws -> Response {
        let user = try req.requireUser(), loanID: RowID<LoanRecord> = try req.intParameter("id")
        guard let loan = try await req.data.loans().filter(\.$id == loanID).first() else { throw AppError.notFound }
        let input = try req.content.decode(LoanService.RepaymentInput.self)
        req.parameters.set("id", to: String(loan.householdID))
        return try await HouseholdFormsController.run(req) {
            _ = try await LoanService.repay(app: req.application, user: user, loanID: loanID, input: input)
        }
    }
}

import Fluent
import SQLKit
import TuopinCore

/// The conditional writes of loans and projects.
extension DataAccess {
    /// Adds a repayment if it does not take the loan past its principal (two repayments at once
    /// cannot together pass it). Whether it was added.
    func repay(loanID: RowID<LoanRecord>, _ amount: Money) async throws -> Bool {
        try await sqlDatabase.update(LoanRecord.schema).set("repaid", to: SQLRaw("repaid + \(amount.fen)"))
            .set("version", to: SQLRaw("version + 1")).where("id", .equal, SQLBind(loanID))
            .where(SQLRaw("amount - repaid"), .greaterThanOrEqual, SQLBind(amount.fen)).returning("id").all()
            .isEmpty == false
    }

    /// Links the households a project benefits.
    func link(project id: RowID<ProjectRecord>, beneficiaries households: [RowID<Household>]) async throws {
        guard !households.isEmpty else { return }
        try await sqlDatabase.bulkInsert(
            into: "project_beneficiaries", columns: ["project_id", "household_id"],
            rows: households.map { [id, $0] })
    }
}

extension DataAccess {
    /// Marks ledger entries as disclosed by `noticeID`.
    func markDisclosed(entries ids: [RowID<FundEntryRecord>], by noticeID: RowID<Notice>) async throws {
        try await sqlDatabase.update(FundEntryRecord.schema).set("notice_id", to: SQLBind(noticeID))
            .where("id", .in, SQLBind.group(ids)).run()
    }
}

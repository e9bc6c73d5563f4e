import Fluent
import Foundation
import SQLKit
import TuopinCore

final class LoanRepayment: Model, @unchecked Sendable {
    static let schema = "loan_repayments"
    @ID(custom: "id", generatedBy: .database) var id: RowID<LoanRepayment>?
    @Field(key: "loan_id") var loanID: RowID<LoanRecord>
    @Field(key: "amount") var amount: Int64
    @Field(key: "paid_on") var paidOn: CivilDate
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

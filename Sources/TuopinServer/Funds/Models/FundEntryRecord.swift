import Fluent
import Foundation
import SQLKit
import TuopinCore

final class FundEntryRecord: Model, @unchecked Sendable {
    static let schema = "fund_entries"
    @ID(custom: "id", generatedBy: .database) var id: RowID<FundEntryRecord>?
    @Field(key: "move") var move: LedgerMove
    @Field(key: "source") var source: FundSource
    @Field(key: "year") var year: Int
    @OptionalField(key: "from_holder") var fromHolder: String?
    @OptionalField(key: "to_holder") var toHolder: String?
    @OptionalField(key: "from_unit") var fromUnit: String?
    @Field(key: "to_unit") var toUnit: String
    @OptionalField(key: "project_id") var projectID: RowID<ProjectRecord>?
    @Field(key: "amount") var amount: Int64
    @Field(key: "counterpart") var counterpart: String
    @Field(key: "voucher") var voucher: String
    @Field(key: "entry_date") var entryDate: CivilDate
    @Field(key: "note") var note: String
    @OptionalField(key: "reverses_id") var reversesID: RowID<FundEntryRecord>?
    @OptionalField(key: "notice_id") var noticeID: RowID<Notice>?
    @Field(key: "created_by") var createdBy: RowID<User>
    @Field(key: "created_at") var createdAt: Date
    init() {}

    static func holder(unit: String) -> String { "u:\(unit)" }
    static func holder(project: RowID<ProjectRecord>) -> String { "p:\(project)" }
}

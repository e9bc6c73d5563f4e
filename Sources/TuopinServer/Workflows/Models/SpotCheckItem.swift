import Fluent
import TuopinCore
import Foundation

final class SpotCheckItem: Model, @unchecked Sendable {
    static let schema = "spot_check_items"
    @ID(custom: "id", generatedBy: .database) var id: RowID<SpotCheckItem>?
    @Field(key: "check_id") var checkID: RowID<SpotCheckRecord>
    @Field(key: "case_id") var caseID: RowID<WorkflowCase>
    @OptionalField(key: "result") var result: String?
    @Field(key: "note") var note: String
    @OptionalField(key: "checked_by") var checkedBy: RowID<User>?
    @OptionalField(key: "checked_at") var checkedAt: Date?
    init() {}
}

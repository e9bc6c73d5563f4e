import Fluent
import TuopinCore

final class DisputeStep: Model, @unchecked Sendable {
    static let schema = "dispute_steps"
    @ID(custom: "id", generatedBy: .database) var id: RowID<DisputeStep>?
    @Field(key: "dispute_id") var disputeID: RowID<DisputeRecord>
    @Field(key: "on_date") var onDate: CivilDate
    @Field(key: "action") var action: String
    @Field(key: "note") var note: String
    @Field(key: "user_id") var userID: RowID<User>
    init() {}
}

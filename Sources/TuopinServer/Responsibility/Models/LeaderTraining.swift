import Fluent
import TuopinCore
import Foundation

final class LeaderTraining: Model, @unchecked Sendable {
    static let schema = "leader_trainings"
    @ID(custom: "id", generatedBy: .database) var id: RowID<LeaderTraining>?
    @Field(key: "leader_id") var leaderID: RowID<PartyLeader>
    @Field(key: "held_on") var heldOn: CivilDate
    @Field(key: "topic") var topic: String
    init() {}
}

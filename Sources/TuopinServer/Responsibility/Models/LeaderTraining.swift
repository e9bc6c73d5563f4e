import Fluent
import TuopinCore
import Foundation

final class LeaderTraining: Model, @unchecked Sendable {
    static let schema = "leader_trainings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "leader_id") var leaderID: Int
    @Field(key: "held_on") var heldOn: CivilDate
    @Field(key: "topic") var topic: String
    init() {}
}

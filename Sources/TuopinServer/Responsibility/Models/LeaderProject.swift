import Fluent
import TuopinCore
import Foundation

final class LeaderProject: Model, @unchecked Sendable {
    static let schema = "leader_projects"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "leader_id") var leaderID: Int
    @Field(key: "name") var name: String
    @Field(key: "started_on") var startedOn: CivilDate
    init() {}
}

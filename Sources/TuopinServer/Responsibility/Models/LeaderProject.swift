import Fluent
import TuopinCore
import Foundation

final class LeaderProject: Model, @unchecked Sendable {
    static let schema = "leader_projects"
    @ID(custom: "id", generatedBy: .database) var id: RowID<LeaderProject>?
    @Field(key: "leader_id") var leaderID: RowID<PartyLeader>
    @Field(key: "name") var name: String
    @Field(key: "started_on") var startedOn: CivilDate
    init() {}
}

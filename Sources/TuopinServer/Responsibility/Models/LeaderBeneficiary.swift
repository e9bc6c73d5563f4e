import Fluent
import TuopinCore
import Foundation

final class LeaderBeneficiary: Model, @unchecked Sendable {
    static let schema = "leader_beneficiaries"
    @ID(custom: "id", generatedBy: .database) var id: RowID<LeaderBeneficiary>?
    @Field(key: "leader_id") var leaderID: RowID<PartyLeader>
    @Field(key: "member_id") var memberID: RowID<Member>
    init() {}
}

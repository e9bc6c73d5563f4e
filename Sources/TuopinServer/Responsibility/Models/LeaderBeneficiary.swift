import Fluent
import TuopinCore
import Foundation

final class LeaderBeneficiary: Model, @unchecked Sendable {
    static let schema = "leader_beneficiaries"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "leader_id") var leaderID: Int
    @Field(key: "member_id") var memberID: Int
    init() {}
}

import Fluent
import TuopinCore
import Foundation

final class PartyLeader: Model, @unchecked Sendable {
    static let schema = "party_leaders"
    @ID(custom: "id", generatedBy: .database) var id: RowID<PartyLeader>?
    @Field(key: "village_code") var villageCode: String
    @Field(key: "name") var name: String
    @Field(key: "active") var active: Bool
    init() {}
}

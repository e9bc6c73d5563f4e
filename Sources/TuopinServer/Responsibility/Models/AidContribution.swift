import Fluent
import TuopinCore
import Foundation

final class AidContribution: Model, @unchecked Sendable {
    static let schema = "aid_contributions"
    @ID(custom: "id", generatedBy: .database) var id: RowID<AidContribution>?
    @Field(key: "aid_id") var aidID: RowID<EnterpriseAid>
    @Field(key: "contributed_on") var contributedOn: CivilDate
    @Field(key: "kind") var kind: String
    @Field(key: "amount") var amount: Int64
    @Field(key: "description") var description: String
    init() {}
}

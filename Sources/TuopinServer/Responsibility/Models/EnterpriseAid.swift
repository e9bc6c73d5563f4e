import Fluent
import TuopinCore
import Foundation

final class EnterpriseAid: Model, @unchecked Sendable {
    static let schema = "enterprise_aid"
    @ID(custom: "id", generatedBy: .database) var id: RowID<EnterpriseAid>?
    @Field(key: "organisation_id") var organisationID: RowID<Organisation>
    @Field(key: "village_code") var villageCode: String
    @Field(key: "started_on") var startedOn: CivilDate
    init() {}
}

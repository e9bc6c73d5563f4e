import Fluent
import TuopinCore
import Foundation

final class JointUnit: Model, @unchecked Sendable {
    static let schema = "joint_units"
    @ID(custom: "id", generatedBy: .database) var id: RowID<JointUnit>?
    @Field(key: "village_code") var villageCode: String
    @Field(key: "name") var name: String
    @Field(key: "head_household_id") var headHouseholdID: RowID<Household>
    init() {}
}

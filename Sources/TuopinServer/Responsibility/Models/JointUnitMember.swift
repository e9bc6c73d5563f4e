import Fluent
import TuopinCore
import Foundation

final class JointUnitMember: Model, @unchecked Sendable {
    static let schema = "joint_unit_members"
    @ID(custom: "id", generatedBy: .database) var id: RowID<JointUnitMember>?
    @Field(key: "joint_unit_id") var jointUnitID: RowID<JointUnit>
    @Field(key: "household_id") var householdID: RowID<Household>
    init() {}
}

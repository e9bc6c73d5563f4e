import Fluent
import TuopinCore
import Foundation

final class UnitPlanRecord: Model, HasTargets, @unchecked Sendable {
    static let schema = "unit_plans"
    @ID(custom: "id", generatedBy: .database) var id: RowID<UnitPlanRecord>?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "kind") var kind: PlanKind
    @Field(key: "title") var title: String
    @Field(key: "period_from") var periodFrom: Int
    @Field(key: "period_to") var periodTo: Int
    @Field(key: "target_households") var targetHouseholds: Int
    @Field(key: "target_people") var targetPeople: Int
    @Field(key: "target_villages") var targetVillages: Int
    @Field(key: "target_counties") var targetCounties: Int
    @Field(key: "target_funds") var targetFunds: Int64
    @Field(key: "approved_on") var approvedOn: CivilDate
    init() {}
}

import Fluent
import TuopinCore
import Foundation

/// 一户一策: a household's plan for a year, with its measures.
final class HouseholdPlan: Model, @unchecked Sendable {
    static let schema = "household_plans"
    @ID(custom: "id", generatedBy: .database) var id: RowID<HouseholdPlan>?
    @Field(key: "household_id") var householdID: RowID<Household>
    @Field(key: "year") var year: Int
    @Field(key: "goal") var goal: String
    init() {}
}

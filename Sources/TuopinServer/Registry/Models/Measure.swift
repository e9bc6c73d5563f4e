import Fluent
import TuopinCore
import Foundation

final class Measure: Model, @unchecked Sendable {
    static let schema = "measures"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Measure>?
    @Field(key: "plan_id") var planID: RowID<HouseholdPlan>
    @Field(key: "category") var category: MeasureCategory
    @Field(key: "subtype") var subtype: String
    @Field(key: "content") var content: String
    @Field(key: "amount") var amount: Int64
    @Field(key: "start_date") var startDate: String
    @Field(key: "end_date") var endDate: String
    @OptionalField(key: "cadre_id") var cadreID: RowID<Cadre>?
    @Field(key: "outcome") var outcome: String
    init() {}
}

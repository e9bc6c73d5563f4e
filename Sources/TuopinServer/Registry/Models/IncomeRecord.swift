import Fluent
import TuopinCore
import Foundation

final class IncomeRecord: Model, @unchecked Sendable {
    static let schema = "incomes"
    @ID(custom: "id", generatedBy: .database) var id: RowID<IncomeRecord>?
    @Field(key: "household_id") var householdID: RowID<Household>
    @Field(key: "year") var year: Int
    @Field(key: "wage") var wage: Int64
    @Field(key: "business") var business: Int64
    @Field(key: "property") var property: Int64
    @Field(key: "transfer") var transfer: Int64
    @Field(key: "costs") var costs: Int64
    /// The household's size when the year's income was recorded (nil before issue #25 kept it).
    @OptionalField(key: "members") var members: Int?
    init() {}
}

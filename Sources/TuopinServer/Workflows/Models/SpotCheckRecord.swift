import Fluent
import TuopinCore
import Foundation

final class SpotCheckRecord: Model, @unchecked Sendable {
    static let schema = "spot_checks"
    @ID(custom: "id", generatedBy: .database) var id: RowID<SpotCheckRecord>?
    @Field(key: "workflow") var workflow: String
    @Field(key: "county_code") var countyCode: String
    @Field(key: "year") var year: Int
    @Field(key: "seed") var seed: String
    @Field(key: "percent") var percent: Int
    @Field(key: "population") var population: Int
    @Field(key: "created_by") var createdBy: RowID<User>
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

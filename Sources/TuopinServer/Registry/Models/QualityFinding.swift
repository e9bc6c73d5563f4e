import Fluent
import TuopinCore
import Foundation

/// A data-quality finding of the last check of a household (replaced at each check).
final class QualityFinding: Model, @unchecked Sendable {
    static let schema = "quality_findings"
    @ID(custom: "id", generatedBy: .database) var id: RowID<QualityFinding>?
    @Field(key: "household_id") var householdID: RowID<Household>
    @Field(key: "code") var code: String
    @Field(key: "detail") var detail: String
    @Field(key: "village_code") var villageCode: String
    @Field(key: "township_code") var townshipCode: String
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    init() {}
}

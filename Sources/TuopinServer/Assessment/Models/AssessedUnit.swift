import Fluent
import TuopinCore

final class AssessedUnit: Model, @unchecked Sendable {
    static let schema = "assessment_units"
    @ID(custom: "id", generatedBy: .database) var id: RowID<AssessedUnit>?
    @Field(key: "scheme_id") var schemeID: RowID<SchemeRecord>
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "level") var level: Int
    @Field(key: "inputs") var inputs: String
    @OptionalField(key: "total") var total: Int?
    @OptionalField(key: "rank") var rank: Int?
    @OptionalField(key: "grade") var grade: String?
    init() {}
}

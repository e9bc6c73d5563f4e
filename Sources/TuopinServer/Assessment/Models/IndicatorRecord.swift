import Fluent
import TuopinCore

final class IndicatorRecord: Model, @unchecked Sendable {
    static let schema = "assessment_indicators"
    @ID(custom: "id", generatedBy: .database) var id: RowID<IndicatorRecord>?
    @Field(key: "scheme_id") var schemeID: RowID<SchemeRecord>
    @Field(key: "position") var position: Int
    @Field(key: "key") var key: String
    @Field(key: "name") var name: String
    @Field(key: "weight") var weight: Int
    @Field(key: "full_value") var fullValue: Int
    @Field(key: "zero_value") var zeroValue: Int
    init() {}
}

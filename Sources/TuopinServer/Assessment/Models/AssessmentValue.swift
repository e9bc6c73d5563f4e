import Fluent
import TuopinCore

final class AssessmentValue: Model, @unchecked Sendable {
    static let schema = "assessment_values"
    @ID(custom: "id", generatedBy: .database) var id: RowID<AssessmentValue>?
    @Field(key: "scheme_id") var schemeID: RowID<SchemeRecord>
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "indicator_id") var indicatorID: RowID<IndicatorRecord>
    @OptionalField(key: "value") var value: Int?
    @Field(key: "numerator") var numerator: Int64
    @Field(key: "denominator") var denominator: Int64
    @Field(key: "score") var score: Int
    @Field(key: "source") var source: String
    @Field(key: "note") var note: String
    init() {}
}

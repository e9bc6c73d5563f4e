import Fluent
import TuopinCore

final class AssessmentValue: Model, @unchecked Sendable {
    static let schema = "assessment_values"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "scheme_id") var schemeID: Int
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "indicator_id") var indicatorID: Int
    @OptionalField(key: "value") var value: Int?
    @Field(key: "numerator") var numerator: Int64
    @Field(key: "denominator") var denominator: Int64
    @Field(key: "score") var score: Int
    @Field(key: "source") var source: String
    @Field(key: "note") var note: String
    init() {}
}

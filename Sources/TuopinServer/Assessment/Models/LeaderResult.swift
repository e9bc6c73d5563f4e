import Fluent
import TuopinCore

/// An assessed unit's result as it reaches its leadership (领导班子和领导干部, article 40): the team (role
/// `team`) and the secretary and head in post when the scheme was ranked, each with the unit's grade.
final class LeaderResult: Model, @unchecked Sendable {
    static let schema = "assessment_leaders"
    @ID(custom: "id", generatedBy: .database) var id: RowID<LeaderResult>?
    @Field(key: "scheme_id") var schemeID: RowID<SchemeRecord>
    @Field(key: "unit_code") var unitCode: String
    /// `team`, `secretary` or `head`.
    @Field(key: "role") var role: String
    @OptionalField(key: "cadre_id") var cadreID: RowID<Cadre>?
    @Field(key: "cadre_name") var cadreName: String
    @Field(key: "grade") var grade: String
    init() {}
}

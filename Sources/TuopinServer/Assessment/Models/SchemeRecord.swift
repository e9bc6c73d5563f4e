import Fluent
import TuopinCore

final class SchemeRecord: Model, @unchecked Sendable {
    static let schema = "assessment_schemes"
    @ID(custom: "id", generatedBy: .database) var id: RowID<SchemeRecord>?
    @Field(key: "year") var year: Int
    /// The unit whose scheme it is: region HQ ('54'), a prefecture or a county (issue #25 item 8).
    @Field(key: "assessor_code") var assessorCode: String
    @Field(key: "state") var state: SchemeState
    @Field(key: "bands") var bands: String
    @Field(key: "created_by") var createdBy: RowID<User>
    @OptionalField(key: "computed_at") var computedAt: String?
    @OptionalField(key: "approved_on") var approvedOn: CivilDate?
    @OptionalField(key: "approved_by") var approvedBy: RowID<User>?
    @Field(key: "version") var version: Int
    init() {}
}

import Fluent
import TuopinCore

final class SanctionRecord: Model, @unchecked Sendable {
    static let schema = "sanctions"
    @ID(custom: "id", generatedBy: .database) var id: RowID<SanctionRecord>?
    @Field(key: "kind") var kind: SanctionKind
    @Field(key: "subject_type") var subjectType: String
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "subject_name") var subjectName: String
    @Field(key: "measure") var measure: String
    @Field(key: "reason") var reason: String
    @Field(key: "decided_on") var decidedOn: CivilDate
    @Field(key: "document_no") var documentNo: String
    @OptionalField(key: "link_type") var linkType: String?
    /// The id of the record the sanction rests on, in the table `linkType` names (an assessment
    /// scheme, a finding or an oversight case): the one id left untyped, because its table varies.
    @OptionalField(key: "link_id") var linkID: Int?
    @Field(key: "created_by") var createdBy: RowID<User>
    init() {}
}

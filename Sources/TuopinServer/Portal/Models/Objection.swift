import Fluent
import TuopinCore
import Foundation

final class Objection: Model, @unchecked Sendable {
    static let schema = "objections"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Objection>?
    @Field(key: "notice_id") var noticeID: RowID<Notice>
    @OptionalField(key: "case_id") var caseID: RowID<WorkflowCase>?
    @Field(key: "code") var code: String
    @Field(key: "kind") var kind: ObjectionKind
    @Field(key: "text") var text: String
    @Field(key: "name") var name: String
    @OptionalField(key: "contact_cipher") var contactCipher: String?
    @Field(key: "status") var status: ObjectionStatus
    @Field(key: "decision_reason") var decisionReason: String
    @OptionalField(key: "decided_by") var decidedBy: RowID<User>?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "filed_at") var filedAt: Date
    @OptionalField(key: "filed_by") var filedBy: RowID<User>?
    @Field(key: "client_hash") var clientHash: String
    /// The one-time token of the form it was filed with (`AddObjectionFormTokens`); nil through the API.
    @OptionalField(key: "form_token") var formToken: String?
    init() {}
}

import Fluent
import TuopinCore
import Foundation

final class CaseStep: Model, @unchecked Sendable {
    static let schema = "case_steps"
    @ID(custom: "id", generatedBy: .database) var id: RowID<CaseStep>?
    @Field(key: "case_id") var caseID: RowID<WorkflowCase>
    @Field(key: "step_index") var stepIndex: Int
    @Field(key: "action") var action: String
    @Field(key: "outcome") var outcome: String
    @Field(key: "role") var role: String
    @OptionalField(key: "actor_id") var actorID: RowID<User>?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "reason") var reason: String
    @Field(key: "details") var details: String
    @OptionalField(key: "notice_id") var noticeID: RowID<Notice>?
    @Field(key: "at") var at: Date
    init() {}
}

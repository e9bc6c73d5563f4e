import Fluent
import TuopinCore

final class OversightCaseNote: Model, @unchecked Sendable {
    static let schema = "oversight_case_notes"
    @ID(custom: "id", generatedBy: .database) var id: RowID<OversightCaseNote>?
    @Field(key: "case_id") var caseID: RowID<OversightCase>
    @Field(key: "on_date") var onDate: CivilDate
    @Field(key: "note") var note: String
    @Field(key: "user_id") var userID: RowID<User>
    init() {}
}

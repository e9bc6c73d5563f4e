import Fluent
import TuopinCore
import Foundation

final class ProgressReportRecord: Model, @unchecked Sendable {
    static let schema = "progress_reports"
    @ID(custom: "id", generatedBy: .database) var id: RowID<ProgressReportRecord>?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "period") var period: String
    @Field(key: "due_on") var dueOn: CivilDate
    @Field(key: "submitted_on") var submittedOn: CivilDate
    @Field(key: "submitted_by") var submittedBy: RowID<User>
    @Field(key: "figures") var figures: String
    @Field(key: "narrative") var narrative: String
    init() {}
}

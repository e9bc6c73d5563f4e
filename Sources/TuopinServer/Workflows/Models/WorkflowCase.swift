import Fluent
import TuopinCore
import Foundation

/// A workflow case (DESIGN.md, Workflows): one household's identification or exit, or a
/// village's or county's exit. `step` counts the steps done; the definition is in TuopinCore.
final class WorkflowCase: Model, @unchecked Sendable {
    static let schema = "cases"
    @ID(custom: "id", generatedBy: .database) var id: RowID<WorkflowCase>?
    @Field(key: "workflow") var workflow: String
    @OptionalField(key: "household_id") var householdID: RowID<Household>?
    @OptionalField(key: "project_id") var projectID: RowID<ProjectRecord>?
    @Field(key: "unit_code") var unitCode: String
    @OptionalField(key: "village_code") var villageCode: String?
    @OptionalField(key: "township_code") var townshipCode: String?
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    @Field(key: "year") var year: Int
    @Field(key: "step") var step: Int
    @Field(key: "status") var status: CaseStatus
    @OptionalField(key: "notice_id") var noticeID: RowID<Notice>?
    @Field(key: "facts") var facts: String
    @Field(key: "version") var version: Int
    @Field(key: "opened_at") var openedAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

import Fluent
import Foundation
import SQLKit
import TuopinCore

final class ProjectRecord: Model, @unchecked Sendable {
    static let schema = "projects"
    @ID(custom: "id", generatedBy: .database) var id: RowID<ProjectRecord>?
    @Field(key: "name") var name: String
    @Field(key: "category") var category: ProjectCategory
    @Field(key: "nature") var nature: String
    @Field(key: "site_code") var siteCode: String
    @OptionalField(key: "village_code") var villageCode: String?
    @OptionalField(key: "township_code") var townshipCode: String?
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    @Field(key: "start_year") var startYear: Int
    @Field(key: "end_year") var endYear: Int
    @Field(key: "responsible_unit") var responsibleUnit: String
    @Field(key: "responsible_person") var responsiblePerson: String
    @Field(key: "tasks") var tasks: String
    @Field(key: "budget") var budget: Int64
    @Field(key: "funding_sources") var fundingSources: String
    @Field(key: "performance_targets") var performanceTargets: String
    @Field(key: "linking_mechanism") var linkingMechanism: String
    @Field(key: "households") var households: Int
    @Field(key: "people") var people: Int
    @Field(key: "poor_households") var poorHouseholds: Int
    @Field(key: "poor_people") var poorPeople: Int
    @Field(key: "progress_pct") var progressPct: Int
    @Field(key: "status") var status: ProjectStatus
    @OptionalField(key: "case_id") var caseID: RowID<WorkflowCase>?
    @OptionalField(key: "approved_on") var approvedOn: CivilDate?
    /// The last annual revision: "2026 carry: reason" or "2026 drop: reason".
    @Field(key: "revision") var revision: String
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    init() {}

    var projectStatus: ProjectStatus { status }
    /// The ledger holder of the project's own account.
    var holder: String { FundEntryRecord.holder(project: id!) }
}

import Fluent
import TuopinCore

final class OversightCase: Model, @unchecked Sendable {
    static let schema = "oversight_cases"
    @ID(custom: "id", generatedBy: .database) var id: RowID<OversightCase>?
    @Field(key: "opened_by_unit") var openedByUnit: String
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "person") var person: String
    @Field(key: "title") var title: String
    @Field(key: "status") var status: OversightCaseStatus
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "opened_on") var openedOn: CivilDate
    @OptionalField(key: "closed_on") var closedOn: CivilDate?
    @Field(key: "created_by") var createdBy: RowID<User>
    @Field(key: "version") var version: Int
    init() {}
}

import Fluent
import TuopinCore

final class SurveyRecord: Model, @unchecked Sendable {
    static let schema = "surveys"
    @ID(custom: "id", generatedBy: .database) var id: RowID<SurveyRecord>?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "year") var year: Int
    @Field(key: "evaluator") var evaluator: String
    @Field(key: "surveyed_on") var surveyedOn: CivilDate
    @Field(key: "sampled_exited") var sampledExited: Int
    @Field(key: "wrongly_exited") var wronglyExited: Int
    @Field(key: "sampled_non_registered") var sampledNonRegistered: Int
    @Field(key: "missed") var missed: Int
    @Field(key: "surveyed_households") var surveyedHouseholds: Int
    @Field(key: "approving") var approving: Int
    @Field(key: "note") var note: String
    @Field(key: "created_by") var createdBy: RowID<User>
    init() {}

    var result: ExitCriteria.CountySurvey {
        .init(
            sampledExited: sampledExited, wronglyExited: wronglyExited, sampledNonRegistered: sampledNonRegistered,
            missed: missed,
            surveyedHouseholds: surveyedHouseholds, approving: approving)
    }
}

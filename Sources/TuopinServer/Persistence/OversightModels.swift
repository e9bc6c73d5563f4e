import Fluent
import TuopinCore

final class SurveyRecord: Model, @unchecked Sendable {
    static let schema = "surveys"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "year") var year: Int
    @Field(key: "evaluator") var evaluator: String
    @Field(key: "surveyed_on") var surveyedOn: String
    @Field(key: "sampled_exited") var sampledExited: Int
    @Field(key: "wrongly_exited") var wronglyExited: Int
    @Field(key: "sampled_non_registered") var sampledNonRegistered: Int
    @Field(key: "missed") var missed: Int
    @Field(key: "surveyed_households") var surveyedHouseholds: Int
    @Field(key: "approving") var approving: Int
    @Field(key: "note") var note: String
    @Field(key: "created_by") var createdBy: Int
    init() {}

    var result: ExitCriteria.CountySurvey {
        .init(sampledExited: sampledExited, wronglyExited: wronglyExited, sampledNonRegistered: sampledNonRegistered, missed: missed,
              surveyedHouseholds: surveyedHouseholds, approving: approving)
    }
}

final class SchemeRecord: Model, @unchecked Sendable {
    static let schema = "assessment_schemes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "year") var year: Int
    @Field(key: "state") var state: String
    @Field(key: "bands") var bands: String
    @Field(key: "created_by") var createdBy: Int
    @OptionalField(key: "computed_at") var computedAt: String?
    @OptionalField(key: "approved_on") var approvedOn: String?
    @OptionalField(key: "approved_by") var approvedBy: Int?
    @Field(key: "version") var version: Int
    init() {}
}

final class IndicatorRecord: Model, @unchecked Sendable {
    static let schema = "assessment_indicators"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "scheme_id") var schemeID: Int
    @Field(key: "position") var position: Int
    @Field(key: "key") var key: String
    @Field(key: "name") var name: String
    @Field(key: "weight") var weight: Int
    @Field(key: "full_value") var fullValue: Int
    @Field(key: "zero_value") var zeroValue: Int
    init() {}
}

final class AssessedUnit: Model, @unchecked Sendable {
    static let schema = "assessment_units"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "scheme_id") var schemeID: Int
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "level") var level: Int
    @Field(key: "inputs") var inputs: String
    @OptionalField(key: "total") var total: Int?
    @OptionalField(key: "rank") var rank: Int?
    @OptionalField(key: "grade") var grade: String?
    init() {}
}

final class AssessmentValue: Model, @unchecked Sendable {
    static let schema = "assessment_values"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "scheme_id") var schemeID: Int
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "indicator_id") var indicatorID: Int
    @OptionalField(key: "value") var value: Int?
    @Field(key: "numerator") var numerator: Int64
    @Field(key: "denominator") var denominator: Int64
    @Field(key: "score") var score: Int
    @Field(key: "source") var source: String
    @Field(key: "note") var note: String
    init() {}
}

final class DistributionRecord: Model, @unchecked Sendable {
    static let schema = "assessment_distributions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "scheme_id") var schemeID: Int
    @Field(key: "recipient") var recipient: String
    @Field(key: "document_no") var documentNo: String
    @Field(key: "distributed_on") var distributedOn: String
    init() {}
}

final class DisputeRecord: Model, @unchecked Sendable {
    static let schema = "disputes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "township_code") var townshipCode: String
    @Field(key: "parties") var parties: String
    @Field(key: "kind") var kind: String
    @Field(key: "description") var description: String
    @Field(key: "status") var status: String
    @Field(key: "received_on") var receivedOn: String
    @Field(key: "deadline") var deadline: String
    @OptionalField(key: "resolution") var resolution: String?
    @OptionalField(key: "closed_on") var closedOn: String?
    @Field(key: "created_by") var createdBy: Int
    @Field(key: "version") var version: Int
    init() {}
}

final class DisputeStep: Model, @unchecked Sendable {
    static let schema = "dispute_steps"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "dispute_id") var disputeID: Int
    @Field(key: "on_date") var onDate: String
    @Field(key: "action") var action: String
    @Field(key: "note") var note: String
    @Field(key: "user_id") var userID: Int
    init() {}
}

final class OversightCase: Model, @unchecked Sendable {
    static let schema = "oversight_cases"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "opened_by_unit") var openedByUnit: String
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "person") var person: String
    @Field(key: "title") var title: String
    @Field(key: "status") var status: String
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "opened_on") var openedOn: String
    @OptionalField(key: "closed_on") var closedOn: String?
    @Field(key: "created_by") var createdBy: Int
    @Field(key: "version") var version: Int
    init() {}
}

final class OversightCaseNote: Model, @unchecked Sendable {
    static let schema = "oversight_case_notes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "case_id") var caseID: Int
    @Field(key: "on_date") var onDate: String
    @Field(key: "note") var note: String
    @Field(key: "user_id") var userID: Int
    init() {}
}

final class SanctionRecord: Model, @unchecked Sendable {
    static let schema = "sanctions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: String
    @Field(key: "subject_type") var subjectType: String
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "subject_name") var subjectName: String
    @Field(key: "measure") var measure: String
    @Field(key: "reason") var reason: String
    @Field(key: "decided_on") var decidedOn: String
    @Field(key: "document_no") var documentNo: String
    @OptionalField(key: "link_type") var linkType: String?
    @OptionalField(key: "link_id") var linkID: Int?
    @Field(key: "created_by") var createdBy: Int
    init() {}
}

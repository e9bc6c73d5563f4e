import Fluent
import TuopinCore
import Foundation

/// A workflow case (DESIGN.md, Workflows): one household's identification or exit, or a
/// village's or county's exit. `step` counts the steps done; the definition is in TuopinCore.
final class WorkflowCase: Model, @unchecked Sendable {
    static let schema = "cases"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "workflow") var workflow: String
    @OptionalField(key: "household_id") var householdID: Int?
    @OptionalField(key: "project_id") var projectID: Int?
    @Field(key: "unit_code") var unitCode: String
    @OptionalField(key: "village_code") var villageCode: String?
    @OptionalField(key: "township_code") var townshipCode: String?
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    @Field(key: "year") var year: Int
    @Field(key: "step") var step: Int
    @Field(key: "status") var status: String
    @OptionalField(key: "notice_id") var noticeID: Int?
    @Field(key: "facts") var facts: String
    @Field(key: "version") var version: Int
    @Field(key: "opened_at") var openedAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

final class CaseStep: Model, @unchecked Sendable {
    static let schema = "case_steps"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "case_id") var caseID: Int
    @Field(key: "step_index") var stepIndex: Int
    @Field(key: "action") var action: String
    @Field(key: "outcome") var outcome: String
    @Field(key: "role") var role: String
    @OptionalField(key: "actor_id") var actorID: Int?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "reason") var reason: String
    @Field(key: "details") var details: String
    @OptionalField(key: "notice_id") var noticeID: Int?
    @Field(key: "at") var at: Date
    init() {}
}

/// A public notice (公示/公告) with its masked entries.
final class Notice: Model, @unchecked Sendable {
    static let schema = "notices"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: String
    @Field(key: "workflow") var workflow: String
    @Field(key: "action") var action: String
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    @Field(key: "title") var title: String
    @Field(key: "place") var place: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "entries") var entries: String
    @Field(key: "created_by") var createdBy: Int
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class Objection: Model, @unchecked Sendable {
    static let schema = "objections"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "notice_id") var noticeID: Int
    @OptionalField(key: "case_id") var caseID: Int?
    @Field(key: "code") var code: String
    @Field(key: "kind") var kind: String
    @Field(key: "text") var text: String
    @Field(key: "name") var name: String
    @OptionalField(key: "contact_cipher") var contactCipher: String?
    @Field(key: "status") var status: String
    @Field(key: "decision_reason") var decisionReason: String
    @OptionalField(key: "decided_by") var decidedBy: Int?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "filed_at") var filedAt: Date
    @OptionalField(key: "filed_by") var filedBy: Int?
    @Field(key: "client_hash") var clientHash: String
    init() {}
}

final class IdentificationQuota: Model, @unchecked Sendable {
    static let schema = "identification_quotas"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "county_code") var countyCode: String
    @Field(key: "year") var year: Int
    @Field(key: "quota") var quota: Int
    @Field(key: "exemption") var exemption: String
    @Field(key: "version") var version: Int
    init() {}
}

final class SpotCheckRecord: Model, @unchecked Sendable {
    static let schema = "spot_checks"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "workflow") var workflow: String
    @Field(key: "county_code") var countyCode: String
    @Field(key: "year") var year: Int
    @Field(key: "seed") var seed: String
    @Field(key: "percent") var percent: Int
    @Field(key: "population") var population: Int
    @Field(key: "created_by") var createdBy: Int
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class SpotCheckItem: Model, @unchecked Sendable {
    static let schema = "spot_check_items"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "check_id") var checkID: Int
    @Field(key: "case_id") var caseID: Int
    @OptionalField(key: "result") var result: String?
    @Field(key: "note") var note: String
    @OptionalField(key: "checked_by") var checkedBy: Int?
    @OptionalField(key: "checked_at") var checkedAt: Date?
    init() {}
}

final class Certification: Model, @unchecked Sendable {
    static let schema = "certifications"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "township_code") var townshipCode: String
    @Field(key: "period_from") var periodFrom: String
    @Field(key: "period_to") var periodTo: String
    @Field(key: "certified_by") var certifiedBy: Int
    @Field(key: "certified_at") var certifiedAt: Date
    init() {}
}

/// A cadre paired with a household (结对帮扶, article 37); `endedOn` nil while it lasts.
final class Pairing: Model, @unchecked Sendable {
    static let schema = "pairings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "cadre_id") var cadreID: Int
    @Field(key: "household_id") var householdID: Int
    @Field(key: "started_on") var startedOn: String
    @OptionalField(key: "ended_on") var endedOn: String?
    @OptionalField(key: "end_reason") var endReason: String?
    init() {}
}

/// A breach of a rule found by the compliance engine, open until a check no longer finds it.
final class ViolationRecord: Model, @unchecked Sendable {
    static let schema = "violations"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "rule") var rule: String
    @Field(key: "article") var article: Int
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "subject") var subject: String
    /// The message arguments, joined with U+001F.
    @Field(key: "details") var details: String
    @Field(key: "first_seen") var firstSeen: Date
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    init() {}
}

import Fluent
import TuopinCore
import Foundation

/// A record with the target columns of a letter or a plan, read and written as one value.
protocol HasTargets: AnyObject {
    var targetHouseholds: Int { get set }
    var targetPeople: Int { get set }
    var targetVillages: Int { get set }
    var targetCounties: Int { get set }
    var targetFunds: Int64 { get set }
}

extension HasTargets {
    var targets: ResponsibilityTargets {
        get { ResponsibilityTargets(households: targetHouseholds, people: targetPeople, villages: targetVillages, counties: targetCounties,
                                    funds: Money(fen: targetFunds)) }
        set { targetHouseholds = newValue.households; targetPeople = newValue.people; targetVillages = newValue.villages
              targetCounties = newValue.counties; targetFunds = newValue.funds.fen }
    }
}

/// A yearly responsibility letter of a unit with the unit above (the region with the Centre).
final class LetterRecord: Model, HasTargets, @unchecked Sendable {
    static let schema = "responsibility_letters"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "year") var year: Int
    @Field(key: "state") var state: String
    @Field(key: "target_households") var targetHouseholds: Int
    @Field(key: "target_people") var targetPeople: Int
    @Field(key: "target_villages") var targetVillages: Int
    @Field(key: "target_counties") var targetCounties: Int
    @Field(key: "target_funds") var targetFunds: Int64
    @Field(key: "signatory") var signatory: String
    @Field(key: "counterpart_signatory") var counterpartSignatory: String
    @Field(key: "drafted_on") var draftedOn: String
    @OptionalField(key: "signed_on") var signedOn: String?
    @OptionalField(key: "file_sha256") var fileSHA256: String?
    @OptionalField(key: "file_size") var fileSize: Int?
    @Field(key: "version") var version: Int
    init() {}
}

final class ReportScheduleRecord: Model, @unchecked Sendable {
    static let schema = "report_schedules"
    @ID(custom: "level", generatedBy: .user) var id: Int?
    @Field(key: "frequency") var frequency: String
    @Field(key: "due_days") var dueDays: Int
    @Field(key: "version") var version: Int
    init() {}
}

final class ProgressReportRecord: Model, @unchecked Sendable {
    static let schema = "progress_reports"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "period") var period: String
    @Field(key: "due_on") var dueOn: String
    @Field(key: "submitted_on") var submittedOn: String
    @Field(key: "submitted_by") var submittedBy: Int
    @Field(key: "figures") var figures: String
    @Field(key: "narrative") var narrative: String
    init() {}
}

final class UnitPlanRecord: Model, HasTargets, @unchecked Sendable {
    static let schema = "unit_plans"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "period_from") var periodFrom: Int
    @Field(key: "period_to") var periodTo: Int
    @Field(key: "target_households") var targetHouseholds: Int
    @Field(key: "target_people") var targetPeople: Int
    @Field(key: "target_villages") var targetVillages: Int
    @Field(key: "target_counties") var targetCounties: Int
    @Field(key: "target_funds") var targetFunds: Int64
    @Field(key: "approved_on") var approvedOn: String
    init() {}
}

final class LeadershipExemption: Model, @unchecked Sendable {
    static let schema = "leadership_exemptions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "role") var role: String
    @Field(key: "document_no") var documentNo: String
    @Field(key: "granted_on") var grantedOn: String
    @Field(key: "granted_by") var grantedBy: Int
    init() {}
}

final class PrincipalChange: Model, @unchecked Sendable {
    static let schema = "principal_changes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "role") var role: String
    @OptionalField(key: "from_cadre_id") var fromCadreID: Int?
    @Field(key: "to_cadre_id") var toCadreID: Int
    @Field(key: "changed_on") var changedOn: String
    @OptionalField(key: "locked_rule") var lockedRule: String?
    @OptionalField(key: "exemption_id") var exemptionID: Int?
    @Field(key: "recorded_at") var recordedAt: Date
    init() {}
}

final class Organisation: Model, @unchecked Sendable {
    static let schema = "organisations"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "name") var name: String
    @Field(key: "type") var type: String
    @OptionalField(key: "sponsor_id") var sponsorID: Int?
    @Field(key: "active") var active: Bool
    init() {}
}

final class PartyLeader: Model, @unchecked Sendable {
    static let schema = "party_leaders"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "village_code") var villageCode: String
    @Field(key: "name") var name: String
    @Field(key: "active") var active: Bool
    init() {}
}

final class LeaderProject: Model, @unchecked Sendable {
    static let schema = "leader_projects"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "leader_id") var leaderID: Int
    @Field(key: "name") var name: String
    @Field(key: "started_on") var startedOn: String
    init() {}
}

final class LeaderTraining: Model, @unchecked Sendable {
    static let schema = "leader_trainings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "leader_id") var leaderID: Int
    @Field(key: "held_on") var heldOn: String
    @Field(key: "topic") var topic: String
    init() {}
}

final class LeaderBeneficiary: Model, @unchecked Sendable {
    static let schema = "leader_beneficiaries"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "leader_id") var leaderID: Int
    @Field(key: "member_id") var memberID: Int
    init() {}
}

final class JointUnit: Model, @unchecked Sendable {
    static let schema = "joint_units"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "village_code") var villageCode: String
    @Field(key: "name") var name: String
    @Field(key: "head_household_id") var headHouseholdID: Int
    init() {}
}

final class JointUnitMember: Model, @unchecked Sendable {
    static let schema = "joint_unit_members"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "joint_unit_id") var jointUnitID: Int
    @Field(key: "household_id") var householdID: Int
    init() {}
}

final class EnterpriseAid: Model, @unchecked Sendable {
    static let schema = "enterprise_aid"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "organisation_id") var organisationID: Int
    @Field(key: "village_code") var villageCode: String
    @Field(key: "started_on") var startedOn: String
    init() {}
}

final class AidContribution: Model, @unchecked Sendable {
    static let schema = "aid_contributions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "aid_id") var aidID: Int
    @Field(key: "contributed_on") var contributedOn: String
    @Field(key: "kind") var kind: String
    @Field(key: "amount") var amount: Int64
    @Field(key: "description") var description: String
    init() {}
}

final class PairingQuotaRecord: Model, @unchecked Sendable {
    static let schema = "pairing_quotas"
    @ID(custom: "rank", generatedBy: .user) var id: String?
    @Field(key: "households") var households: Int
    @Field(key: "version") var version: Int
    init() {}
}

import Fluent
import TuopinCore
import Foundation

/// One administrative unit of the five-level tree. Its id is its division code.
final class OrgUnit: Model, @unchecked Sendable {
    static let schema = "org_units"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "level") var level: Int
    @OptionalField(key: "parent_code") var parentCode: String?
    @Field(key: "path") var path: String
    @Field(key: "is_poverty_county") var isPovertyCounty: Bool
    @OptionalField(key: "exit_year") var exitYear: Int?
    @OptionalField(key: "secretary_id") var secretaryID: Int?
    @OptionalField(key: "head_id") var headID: Int?
    /// Registered rural population (village exit's denominator), kept by the county.
    @OptionalField(key: "rural_population") var ruralPopulation: Int?
    @Field(key: "version") var version: Int

    init() {}
    init(code: String, name: String, level: Int, parentCode: String?, path: String, isPovertyCounty: Bool = false) {
        id = code; self.name = name; self.level = level; self.parentCode = parentCode; self.path = path
        self.isPovertyCounty = isPovertyCounty; version = 1
    }
}

/// A cadre (干部), possibly one of a unit's principals.
final class Cadre: Model, @unchecked Sendable {
    static let schema = "cadres"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "rank") var rank: String
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "position") var position: String
    @Field(key: "active") var active: Bool
    /// The organisation the cadre serves in (a department, a work team …), if recorded.
    @OptionalField(key: "organisation_id") var organisationID: Int?
    @OptionalField(key: "phone_cipher") var phoneCipher: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    init() {}
}

final class User: Model, @unchecked Sendable {
    static let schema = "users"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "failed_logins") var failedLogins: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    /// When the password was last set (rotation, 等保); nil for accounts from before it was kept.
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    /// Hashes of the previous passwords, newest first (JSON array); nil until the first change.
    @OptionalField(key: "password_history") var passwordHistory: String?
    /// The TOTP secret (base32, encrypted with the data key); set at enrolment, in use once `totpEnabledAt` is set.
    @OptionalField(key: "totp_secret") var totpSecret: String?
    @OptionalField(key: "totp_enabled_at") var totpEnabledAt: Date?
    /// The last time step whose code was accepted: a code is good once (RFC 6238 §5.2).
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    @Children(for: \.$user) var bindings: [RoleBindingRecord]
    init() {}
    init(username: String, displayName: String, passwordHash: String) {
        self.username = username; self.displayName = displayName; self.passwordHash = passwordHash
        failedLogins = 0; active = true; version = 1
    }
}

final class RoleBindingRecord: Model, @unchecked Sendable {
    static let schema = "role_bindings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Parent(key: "user_id") var user: User
    @Field(key: "role") var role: String
    @Field(key: "unit_code") var unitCode: String
    init() {}
    init(userID: Int, role: String, unitCode: String) { $user.id = userID; self.role = role; self.unitCode = unitCode }
}

/// A login session (web cookie) or API token. Only the SHA-256 of the secret is stored.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?
    @OptionalField(key: "last_seen_at") var lastSeenAt: Date?
    /// `full`, or a session that has passed the password only (`SessionStage`).
    @Field(key: "stage") var stage: String
    init() {}
}

/// A single-use recovery code of the second factor; only its SHA-256 is stored.
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "recovery_codes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
    init(userID: Int, codeHash: String) { self.userID = userID; self.codeHash = codeHash }
}

final class Household: Model, @unchecked Sendable {
    static let schema = "households"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "number") var number: String
    @Field(key: "village_code") var villageCode: String
    @Field(key: "township_code") var townshipCode: String
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    @Field(key: "status") var status: String
    @Field(key: "identified_year") var identifiedYear: Int
    @OptionalField(key: "exit_year") var exitYear: Int?
    @Field(key: "member_count") var memberCount: Int
    @Field(key: "version") var version: Int
    @Field(key: "attribute") var attribute: String
    @Field(key: "main_cause") var mainCause: String
    /// Raw values of the other causes, joined by `;`.
    @Field(key: "other_causes") var otherCauses: String
    @Field(key: "address") var address: String
    @OptionalField(key: "phone_cipher") var phoneCipher: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    @OptionalField(key: "planned_exit_year") var plannedExitYear: Int?
    @OptionalField(key: "housing_area") var housingArea: Double?
    @OptionalField(key: "dangerous_grade") var dangerousGrade: String?
    @Field(key: "housing_safe") var housingSafe: Bool
    @Field(key: "water_safe") var waterSafe: Bool
    @Field(key: "electricity") var electricity: Bool
    @OptionalField(key: "road_distance_km") var roadDistanceKm: Double?
    @Field(key: "land_cultivated") var landCultivated: Double
    @Field(key: "land_irrigated") var landIrrigated: Double
    @Field(key: "land_forest") var landForest: Double
    @Field(key: "land_grassland") var landGrassland: Double
    @Field(key: "relocated") var relocated: Bool
    @Field(key: "cooperative") var cooperative: Bool
    @OptionalField(key: "joint_unit") var jointUnit: String?
    @Children(for: \.$household) var members: [Member]
    init() {}
}

final class Member: Model, @unchecked Sendable {
    static let schema = "members"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Parent(key: "household_id") var household: Household
    @Field(key: "name") var name: String
    @Field(key: "relation") var relation: String
    @Field(key: "id_cipher") var idCipher: String
    @Field(key: "id_hmac") var idHMAC: String
    @Field(key: "id_masked") var idMasked: String
    @Field(key: "sex") var sex: String
    @Field(key: "ethnicity") var ethnicity: String
    @Field(key: "education") var education: String
    @Field(key: "schooling") var schooling: String
    @Field(key: "health") var health: String
    @OptionalField(key: "disability_grade") var disabilityGrade: Int?
    @Field(key: "labour") var labour: String
    @Field(key: "migrant_months") var migrantMonths: Int
    @Field(key: "medical_insurance") var medicalInsurance: Bool
    @Field(key: "serious_illness_insurance") var seriousIllnessInsurance: Bool
    @Field(key: "pension_insurance") var pensionInsurance: Bool
    @Field(key: "dibao") var dibao: Bool
    @Field(key: "tekun") var tekun: Bool
    init() {}
}

final class IncomeRecord: Model, @unchecked Sendable {
    static let schema = "incomes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "household_id") var householdID: Int
    @Field(key: "year") var year: Int
    @Field(key: "wage") var wage: Int64
    @Field(key: "business") var business: Int64
    @Field(key: "property") var property: Int64
    @Field(key: "transfer") var transfer: Int64
    @Field(key: "costs") var costs: Int64
    init() {}
}

/// 两不愁三保障 and safe water: one row per household and kind.
final class Guarantee: Model, @unchecked Sendable {
    static let schema = "guarantees"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "household_id") var householdID: Int
    @Field(key: "kind") var kind: String
    @Field(key: "met") var met: Bool
    @Field(key: "note") var note: String
    init() {}
}

/// 一户一策: a household's plan for a year, with its measures.
final class HouseholdPlan: Model, @unchecked Sendable {
    static let schema = "household_plans"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "household_id") var householdID: Int
    @Field(key: "year") var year: Int
    @Field(key: "goal") var goal: String
    init() {}
}

final class Measure: Model, @unchecked Sendable {
    static let schema = "measures"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "plan_id") var planID: Int
    @Field(key: "category") var category: String
    @Field(key: "subtype") var subtype: String
    @Field(key: "content") var content: String
    @Field(key: "amount") var amount: Int64
    @Field(key: "start_date") var startDate: String
    @Field(key: "end_date") var endDate: String
    @OptionalField(key: "cadre_id") var cadreID: Int?
    @Field(key: "outcome") var outcome: String
    init() {}
}

/// A data-quality finding of the last check of a household (replaced at each check).
final class QualityFinding: Model, @unchecked Sendable {
    static let schema = "quality_findings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "household_id") var householdID: Int
    @Field(key: "code") var code: String
    @Field(key: "detail") var detail: String
    @Field(key: "village_code") var villageCode: String
    @Field(key: "township_code") var townshipCode: String
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    init() {}
}

/// The standards of one year (article 6). Editable by region HQ only; every change is audited.
final class StandardRecord: Model, @unchecked Sendable {
    static let schema = "standards"
    @ID(custom: "year", generatedBy: .user) var id: Int?
    @Field(key: "poverty_line") var povertyLine: Int64
    @Field(key: "dibao_line") var dibaoLine: Int64
    @Field(key: "notice_min_days") var noticeMinDays: Int
    @Field(key: "village_incidence_bp") var villageIncidenceBP: Int
    @Field(key: "county_incidence_bp") var countyIncidenceBP: Int
    @Field(key: "wrong_exit_bp") var wrongExitBP: Int
    @Field(key: "missed_bp") var missedBP: Int
    @Field(key: "recognition_bp") var recognitionBP: Int
    @Field(key: "fund_notice_min_days") var fundNoticeMinDays: Int
    @Field(key: "aid_county_bp") var aidCountyBP: Int
    @Field(key: "aid_livelihood_bp") var aidLivelihoodBP: Int
    @Field(key: "loan_max_rate_bp") var loanMaxRateBP: Int
    /// True while the row still holds the shipped default.
    @Field(key: "is_default") var isDefault: Bool
    @Field(key: "version") var version: Int
    init() {}

    var standard: Standard {
        Standard(year: id!, povertyLine: Money(fen: povertyLine), dibaoLine: Money(fen: dibaoLine), noticeMinDays: noticeMinDays,
                 villageIncidenceBP: villageIncidenceBP, countyIncidenceBP: countyIncidenceBP, wrongExitBP: wrongExitBP,
                 missedBP: missedBP, recognitionBP: recognitionBP, fundNoticeMinDays: fundNoticeMinDays, aidCountyBP: aidCountyBP,
                 aidLivelihoodBP: aidLivelihoodBP, loanMaxRateBP: loanMaxRateBP)
    }

    func apply(_ s: Standard) {
        povertyLine = s.povertyLine.fen; dibaoLine = s.dibaoLine.fen; noticeMinDays = s.noticeMinDays
        villageIncidenceBP = s.villageIncidenceBP; countyIncidenceBP = s.countyIncidenceBP; wrongExitBP = s.wrongExitBP
        missedBP = s.missedBP; recognitionBP = s.recognitionBP
        fundNoticeMinDays = s.fundNoticeMinDays; aidCountyBP = s.aidCountyBP; aidLivelihoodBP = s.aidLivelihoodBP; loanMaxRateBP = s.loanMaxRateBP
    }
}

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

final class InspectionRecord: Model, @unchecked Sendable {
    static let schema = "inspections"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "team") var team: String
    @Field(key: "targets") var targets: String
    @Field(key: "started_on") var startedOn: String
    @OptionalField(key: "ended_on") var endedOn: String?
    @Field(key: "created_by") var createdBy: Int
    @Field(key: "version") var version: Int
    init() {}

    var targetCodes: [String] { targets.split(separator: ",").map(String.init) }
}

final class FindingRecord: Model, @unchecked Sendable {
    static let schema = "findings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "inspection_id") var inspectionID: Int
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "responsible_person") var responsiblePerson: String
    @Field(key: "category") var category: String
    @Field(key: "description") var description: String
    @Field(key: "raised_on") var raisedOn: String
    @Field(key: "deadline") var deadline: String
    @Field(key: "state") var state: String
    @OptionalField(key: "rectified_on") var rectifiedOn: String?
    @OptionalField(key: "verified_on") var verifiedOn: String?
    @Field(key: "version") var version: Int
    init() {}
}

final class FindingEvent: Model, @unchecked Sendable {
    static let schema = "finding_events"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "finding_id") var findingID: Int
    @Field(key: "action") var action: String
    @Field(key: "on_date") var onDate: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "note") var note: String
    @OptionalField(key: "file_sha256") var fileSHA256: String?
    @OptionalField(key: "file_name") var fileName: String?
    @OptionalField(key: "file_type") var fileType: String?
    @OptionalField(key: "file_size") var fileSize: Int?
    init() {}
}

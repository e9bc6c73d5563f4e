import Fluent
import TuopinCore
import Foundation

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

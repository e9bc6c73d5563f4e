import Fluent
import TuopinCore
import Foundation

final class Member: Model, @unchecked Sendable {
    static let schema = "members"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Member>?
    @Parent(key: "household_id") var household: Household
    @Field(key: "name") var name: String
    @Field(key: "relation") var relation: TuopinCore.Relation
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

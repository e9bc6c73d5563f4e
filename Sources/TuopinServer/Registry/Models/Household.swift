import Fluent
import TuopinCore
import Foundation

final class Household: Model, @unchecked Sendable {
    static let schema = "households"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Household>?
    @Field(key: "number") var number: String
    @Field(key: "village_code") var villageCode: String
    @Field(key: "township_code") var townshipCode: String
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    @Field(key: "status") var status: HouseholdStatus
    @Field(key: "identified_year") var identifiedYear: Int
    @OptionalField(key: "exit_year") var exitYear: Int?
    @Field(key: "member_count") var memberCount: Int
    @Field(key: "version") var version: Int
    @Field(key: "attribute") var attribute: HouseholdAttribute
    @Field(key: "main_cause") var mainCause: PovertyCause
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

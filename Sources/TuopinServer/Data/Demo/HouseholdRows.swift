import Fluent
import Foundation
import TuopinCore

/// The households table's columns as the demo and the importer write them.
enum HouseholdRows {
    static let columns = [
        "number", "village_code", "township_code", "county_code", "prefecture_code", "status",
        "identified_year", "exit_year", "member_count", "version", "attribute", "main_cause", "other_causes",
        "address", "phone_cipher", "phone_masked", "planned_exit_year", "housing_area", "dangerous_grade",
        "housing_safe", "water_safe", "electricity", "road_distance_km", "land_cultivated", "land_irrigated",
        "land_forest", "land_grassland", "relocated", "cooperative", "joint_unit",
    ]

    static func values(_ h: DemoHousehold, township: OrgCode, protector: DataProtector) throws -> [any Encodable
        & Sendable]
    {
        [
            h.number, h.village.value, township.value, township.ancestor(at: .county)!.value,
            township.ancestor(at: .prefecture)!.value, h.status.rawValue, h.identifiedYear, h.exitYear,
            h.members.count, 1, h.attribute.rawValue, h.mainCause.rawValue,
            h.otherCauses.map(\.rawValue).joined(separator: ";"),
            h.address, try h.phone.map { try protector.encrypt($0) }, h.phone.map(PhoneNumber.mask), h.plannedExitYear,
            h.housingArea, h.dangerousGrade, h.housingSafe, h.waterSafe, h.electricity, h.roadDistanceKm,
            h.landCultivated,
            h.landIrrigated, h.landForest, h.landGrassland, h.relocated, h.cooperative, nil as String?,
        ]
    }
}

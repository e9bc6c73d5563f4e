import Foundation

/// The fields a clerk may change on a household. Status and exit year are not among them:
/// they change only through the identification and exit workflows.
public struct HouseholdEdit: Sendable, Equatable, Codable {
    public var attribute: HouseholdAttribute
    public var mainCause: PovertyCause
    public var otherCauses: [PovertyCause]
    public var address: String
    public var phone: String?
    public var plannedExitYear: Int?
    public var housingArea: Double?
    public var dangerousGrade: String?
    public var housingSafe: Bool
    public var waterSafe: Bool
    public var electricity: Bool
    public var roadDistanceKm: Double?
    public var landCultivated: Double
    public var landIrrigated: Double
    public var landForest: Double
    public var landGrassland: Double
    public var relocated: Bool
    public var cooperative: Bool
    public var jointUnit: String?

    public init(
        attribute: HouseholdAttribute, mainCause: PovertyCause, otherCauses: [PovertyCause] = [], address: String = "",
        phone: String? = nil, plannedExitYear: Int? = nil, housingArea: Double? = nil, dangerousGrade: String? = nil,
        housingSafe: Bool = true, waterSafe: Bool = true, electricity: Bool = true, roadDistanceKm: Double? = nil,
        landCultivated: Double = 0, landIrrigated: Double = 0, landForest: Double = 0, landGrassland: Double = 0,
        relocated: Bool = false, cooperative: Bool = false, jointUnit: String? = nil
    ) {
        self.attribute = attribute; self.mainCause = mainCause; self.otherCauses = otherCauses; self.address = address
        self.phone = phone; self.plannedExitYear = plannedExitYear; self.housingArea = housingArea
        self.dangerousGrade = dangerousGrade; self.housingSafe = housingSafe; self.waterSafe = waterSafe
        self.electricity = electricity; self.roadDistanceKm = roadDistanceKm; self.landCultivated = landCultivated
        self.landIrrigated = landIrrigated; self.landForest = landForest; self.landGrassland = landGrassland
        self.relocated = relocated; self.cooperative = cooperative; self.jointUnit = jointUnit
    }

    /// A field that failed, with the message key that explains why.
    public struct FieldProblem: Sendable, Equatable, Codable {
        public let field: String
        public let messageKey: String
        public init(_ field: String, _ messageKey: String) { self.field = field; self.messageKey = messageKey }
    }

    public static let dangerousGrades = ["A", "B", "C", "D"]

    /// Parses form or JSON fields given as text (absent = empty). Returns every problem at once.
    public static func parse(_ fields: [String: String], otherCauses: [String], currentYear: Int) -> Result<
        HouseholdEdit, ProblemList
    > {
        var problems: [FieldProblem] = []
        func text(_ key: String) -> String { (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func official<T: OfficialValue>(_ key: String, _ type: T.Type) -> T? {
            let raw = text(key)
            if raw.isEmpty { problems.append(FieldProblem(key, "field_required")); return nil }
            guard let value = T(rawValue: raw) ?? T(label: raw) else {
                problems.append(FieldProblem(key, "field_not_allowed")); return nil
            }
            return value
        }
        func number(_ key: String, _ range: ClosedRange<Double>, optional: Bool = true) -> Double? {
            let raw = text(key)
            if raw.isEmpty { if !optional { problems.append(FieldProblem(key, "field_required")) }; return nil }
            guard let value = Double(raw), value.isFinite, range.contains(value) else {
                problems.append(FieldProblem(key, "field_number_range")); return nil
            }
            return (value * 100).rounded() / 100
        }
        func flag(_ key: String) -> Bool { ["1", "true", "on", "yes"].contains(text(key).lowercased()) }

        let attribute = official("attribute", HouseholdAttribute.self)
        let mainCause = official("main_cause", PovertyCause.self)
        var others: [PovertyCause] = []
        for raw in otherCauses where !raw.isEmpty {
            if let cause = PovertyCause(rawValue: raw) ?? PovertyCause(label: raw) {
                if !others.contains(cause) { others.append(cause) }
            } else {
                problems.append(FieldProblem("other_causes", "field_not_allowed"))
            }
        }
        if let mainCause { others.removeAll { $0 == mainCause } }
        let address = text("address")
        if address.count > 200 { problems.append(FieldProblem("address", "field_too_long")) }
        let phone = text("phone")
        if !phone.isEmpty && !PhoneNumber.isValid(phone) { problems.append(FieldProblem("phone", "field_phone")) }
        var plannedExit: Int?
        if !text("planned_exit_year").isEmpty {
            if let y = Int(text("planned_exit_year")), (2014...(currentYear + 10)).contains(y) {
                plannedExit = y
            } else {
                problems.append(FieldProblem("planned_exit_year", "field_year"))
            }
        }
        let area = number("housing_area", 0...10_000)
        let grade = text("dangerous_grade").uppercased()
        if !grade.isEmpty && !dangerousGrades.contains(grade) {
            problems.append(FieldProblem("dangerous_grade", "field_not_allowed"))
        }
        let road = number("road_distance_km", 0...1_000)
        let cultivated = number("land_cultivated", 0...100_000) ?? 0
        let irrigated = number("land_irrigated", 0...100_000) ?? 0
        if irrigated > cultivated { problems.append(FieldProblem("land_irrigated", "field_irrigated_exceeds")) }
        let forest = number("land_forest", 0...1_000_000) ?? 0
        let grassland = number("land_grassland", 0...1_000_000) ?? 0
        let joint = text("joint_unit")
        if joint.count > 100 { problems.append(FieldProblem("joint_unit", "field_too_long")) }

        guard problems.isEmpty, let attribute, let mainCause else { return .failure(ProblemList(problems: problems)) }
        return .success(
            HouseholdEdit(
                attribute: attribute, mainCause: mainCause, otherCauses: others, address: address,
                phone: phone.isEmpty ? nil : phone, plannedExitYear: plannedExit, housingArea: area,
                dangerousGrade: grade.isEmpty ? nil : grade, housingSafe: flag("housing_safe"),
                waterSafe: flag("water_safe"),
                electricity: flag("electricity"), roadDistanceKm: road, landCultivated: cultivated,
                landIrrigated: irrigated,
                landForest: forest, landGrassland: grassland, relocated: flag("relocated"),
                cooperative: flag("cooperative"),
                jointUnit: joint.isEmpty ? nil : joint))
    }

    public struct ProblemList: Error, Sendable, Equatable { public let problems: [FieldProblem] }

    /// The fields as form values (the inverse of `parse`).
    public var formFields: [String: String] {
        func n(_ d: Double?) -> String { d.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "" }
        return [
            "attribute": attribute.rawValue, "main_cause": mainCause.rawValue, "address": address, "phone": phone ?? "",
            "planned_exit_year": plannedExitYear.map { String($0) } ?? "", "housing_area": n(housingArea),
            "dangerous_grade": dangerousGrade ?? "", "housing_safe": housingSafe ? "1" : "",
            "water_safe": waterSafe ? "1" : "",
            "electricity": electricity ? "1" : "", "road_distance_km": n(roadDistanceKm),
            "land_cultivated": n(landCultivated),
            "land_irrigated": n(landIrrigated), "land_forest": n(landForest), "land_grassland": n(landGrassland),
            "relocated": relocated ? "1" : "", "cooperative": cooperative ? "1" : "", "joint_unit": jointUnit ?? "",
        ]
    }
}

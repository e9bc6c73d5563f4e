import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// A stale save: someone else saved the household since the form was opened. Nothing was
/// written; the current values travel with the error so both can be shown.
struct HouseholdConflict: Error {
    let current: HouseholdEdit
    let currentVersion: Int
}

/// Changes to a household, one transaction each with its audit entry.
enum HouseholdService {
    static func currentEdit(of h: Household, protector: DataProtector) throws -> HouseholdEdit {
        HouseholdEdit(
            attribute: h.attribute, mainCause: h.mainCause,
            otherCauses: h.otherCauses.split(separator: ";").compactMap { PovertyCause(rawValue: String($0)) },
            address: h.address, phone: try h.phoneCipher.map { try protector.decrypt($0) },
            plannedExitYear: h.plannedExitYear,
            housingArea: h.housingArea, dangerousGrade: h.dangerousGrade, housingSafe: h.housingSafe,
            waterSafe: h.waterSafe,
            electricity: h.electricity, roadDistanceKm: h.roadDistanceKm, landCultivated: h.landCultivated,
            landIrrigated: h.landIrrigated, landForest: h.landForest, landGrassland: h.landGrassland,
            relocated: h.relocated,
            cooperative: h.cooperative, jointUnit: h.jointUnit)
    }

    /// What the audit log keeps: the phone masked.
    struct AuditView: Encodable {
        let version: Int; let fields: [String: String]
        init(_ edit: HouseholdEdit, version: Int) {
            var f = edit.formFields
            f["phone"] = edit.phone.map(PhoneNumber.mask) ?? ""
            f["other_causes"] = edit.otherCauses.map(\.rawValue).joined(separator: ";")
            fields = f; self.version = version
        }
    }

    /// Saves `edit` if the household is still at `version`; otherwise throws `HouseholdConflict`.
    @discardableResult
    static func update(app: Application, user: CurrentUser, id: RowID<Household>, edit: HouseholdEdit, version: Int)
        async throws
        -> Household
    {
        let protector = app.tuopin.protector
        let now = app.tuopin.now()
        let today = app.clock.today
        let scope = user.scope
        let reason = CertificationService.changeReason
        return try await app.write { tx in
            let h = try await tx.scoped(scope).writableHousehold(id: id)
            let before = try currentEdit(of: h, protector: protector)
            guard h.version == version else { throw HouseholdConflict(current: before, currentVersion: h.version) }
            try await CertificationService.checkReason(
                on: tx, households: [(id, h.townshipCode)], reason: reason, actor: user.auditActor, now: now)
            let columns: [(String, any Encodable & Sendable)] = [
                ("attribute", edit.attribute.rawValue), ("main_cause", edit.mainCause.rawValue),
                ("other_causes", edit.otherCauses.map(\.rawValue).joined(separator: ";")), ("address", edit.address),
                ("phone_cipher", try edit.phone.map { try protector.encrypt($0) }),
                ("phone_masked", edit.phone.map(PhoneNumber.mask)),
                ("planned_exit_year", edit.plannedExitYear), ("housing_area", edit.housingArea),
                ("dangerous_grade", edit.dangerousGrade), ("housing_safe", edit.housingSafe),
                ("water_safe", edit.waterSafe),
                ("electricity", edit.electricity), ("road_distance_km", edit.roadDistanceKm),
                ("land_cultivated", edit.landCultivated), ("land_irrigated", edit.landIrrigated),
                ("land_forest", edit.landForest), ("land_grassland", edit.landGrassland), ("relocated", edit.relocated),
                ("cooperative", edit.cooperative), ("joint_unit", edit.jointUnit), ("version", version + 1),
            ]
            // Guarded on the version in SQL as well, so two concurrent saves cannot both win.
            guard try await tx.update(household: id, at: version, columns: columns) else {
                throw HouseholdConflict(current: before, currentVersion: version + 1)
            }
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "household.update", entity: "household",
                entityID: String(id), before: AuditView(before, version: version),
                after: AuditView(edit, version: version + 1), at: now)
            let stored = try await tx.lookup(Household.self, id)!
            _ = try await QualityService.recheck([stored], on: tx, protector: protector, today: today)
            return stored
        }
    }
}

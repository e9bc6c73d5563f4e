import Crypto
import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `ResponsibilityService` (the data layer, issue #23).
extension ResponsibilityService {
    static func figures(on db: DataAccess, unit: OrgCode, year: Int) async throws -> ReportFigures {
        let poor =
            "status IN ("
            + HouseholdStatus.allCases.filter(\.isRemainingPoor).map { "'\($0.rawValue)'" }.joined(separator: ",") + ")"
        let paired = "EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = households.id AND p.ended_on IS NULL)"
        let sum = DataAccess.bigintSum
        struct Row: Decodable {
            let h: Int?; let p: Int?; let rh: Int?; let rp: Int?; let eh: Int?; let ep: Int?; let paired: Int?
        }
        let row = try await db.sqlDatabase.select()
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "h").column(sum("member_count"), as: "p")
            .column(sum("CASE WHEN \(poor) THEN 1 ELSE 0 END"), as: "rh")
            .column(sum("CASE WHEN \(poor) THEN member_count ELSE 0 END"), as: "rp")
            .column(sum("CASE WHEN exit_year = \(year) THEN 1 ELSE 0 END"), as: "eh")
            .column(sum("CASE WHEN exit_year = \(year) THEN member_count ELSE 0 END"), as: "ep")
            .column(sum("CASE WHEN \(poor) AND \(paired) THEN 1 ELSE 0 END"), as: "paired")
            .from(Household.schema).where(ScopeSQL.within([unit])).where(
                "status", .notEqual, SQLBind(HouseholdStatus.applicant.rawValue)
            )
            .first(decoding: Row.self)
        return ReportFigures(
            year: year, households: row?.h ?? 0, people: row?.p ?? 0, remaining_households: row?.rh ?? 0,
            remaining_people: row?.rp ?? 0, exited_households: row?.eh ?? 0, exited_people: row?.ep ?? 0,
            paired_households: row?.paired ?? 0)
    }

    /// What a unit achieved in a year, read against its annual plan.
    /// The exits of `year` under `unit` (households and people from the roll-ups, which the caller
    /// has made current; villages and counties from their recorded exit year).
    static func actuals(on db: DataAccess, unit: OrgCode, year: Int) async throws -> PlanActuals {
        let exits = PovertyFigures.exitsRecorded(in: year, try await Rollups.cells(of: unit.value, on: db))
        let villageLevel = OrgLevel.village.rawValue, countyLevel = OrgLevel.county.rawValue
        struct Row: Decodable { let v: Int?; let c: Int? }
        let row = try await db.sqlDatabase.select()
            .column(DataAccess.bigintSum("CASE WHEN level = \(villageLevel) THEN 1 ELSE 0 END"), as: "v")
            .column(DataAccess.bigintSum("CASE WHEN level = \(countyLevel) THEN 1 ELSE 0 END"), as: "c")
            .from(OrgUnit.schema).where(ScopeSQL.under([unit], column: "code")).where(
                "exit_year", .equal, SQLBind(year)
            )
            .first(decoding: Row.self)
        return PlanActuals(
            households: exits.households, people: exits.people, villages: row?.v ?? 0, counties: row?.c ?? 0)
    }

    /// The facts the leadership lock judges a unit on, now.
    static func lockFacts(on db: DataAccess, unit: OrgUnit) async throws -> LeadershipLock.UnitFacts {
        guard let code = OrgCode(unit.id ?? "") else { throw AppError.corruptData }
        switch code.level {
        case .county:
            return .init(level: .county, povertyCountyNotExited: unit.isPovertyCounty && unit.exitYear == nil)
        case .township:
            return .init(
                level: .township,
                poorTownshipNotExited: PoorUnit.isPoor(registered: unit.isPoor, exitYear: unit.exitYear))
        default:
            return .init(level: code.level)
        }
    }
}

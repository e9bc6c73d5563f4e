import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The figures the exit checks read, straight from the registry.
enum CaseFigures {
    struct Sum: Decodable { let people: Int? }

    /// Remaining poor people in a village, and its registered rural population.
    static func village(on dbAccess: DataAccess, code: String) async throws -> (poor: Int, population: Int?) {
        let db = dbAccess.db
        let poor = try await remainingPoor(on: dbAccess, column: "village_code", code: code)
        return (poor, try await OrgUnit.find(code, on: db)?.ruralPopulation)
    }

    /// Remaining poor people in a township and the rural population kept for its villages (township exit's notice).
    static func township(on dbAccess: DataAccess, code: String) async throws -> (poor: Int, population: Int?) {
        let poor = try await remainingPoor(on: dbAccess, column: "township_code", code: code)
        guard let township = OrgCode(code) else { return (poor, nil) }
        return (poor, try await Dashboard.ruralPopulation(under: township, on: dbAccess))
    }

    /// Remaining poor people in a county, its exited people (with or without policies), and the rural population
    /// of its villages.
    static func county(on dbAccess: DataAccess, code: String) async throws -> (
        poor: Int, exited: Int, population: Int
    ) {
        let db = dbAccess.db
        let poor = try await remainingPoor(on: dbAccess, column: "county_code", code: code)
        let exited = try await people(
            on: dbAccess, column: "county_code", code: code,
            statuses: HouseholdStatus.allCases.filter(\.hasExited).map(\.rawValue))
        let population =
            try await db.sqlDatabase.select().column(
                SQLAlias(DataAccess.bigintSum("rural_population"), as: SQLIdentifier("people"))
            )
            .from(OrgUnit.schema).where("level", .equal, SQLBind(OrgLevel.village.rawValue))
            .where("code", .like, SQLBind(code + "%")).first(decoding: Sum.self)?.people ?? 0
        return (poor, exited, population)
    }

    static func remainingPoor(on dbAccess: DataAccess, column: String, code: String) async throws -> Int {
        try await people(
            on: dbAccess, column: column, code: code,
            statuses: HouseholdStatus.allCases.filter(\.isRemainingPoor).map(\.rawValue))
    }

    /// The people of the unit's households in `statuses`.
    static func people(on dbAccess: DataAccess, column: String, code: String, statuses: [String]) async throws
        -> Int
    {
        let db = dbAccess.db
        return try await db.sqlDatabase.select().column(
            SQLAlias(DataAccess.bigintSum("member_count"), as: SQLIdentifier("people"))
        )
        .from(Household.schema).where(SQLColumn(column), .equal, SQLBind(code)).where(
            "status", .in, SQLBind.group(statuses)
        )
        .first(decoding: Sum.self)?.people ?? 0
    }

    /// Article 6 scale control: approvals this year stay below the county's quota unless region HQ recorded an
    /// exemption. A quota region HQ never set controls nothing (issue #25 item 11): it does not block identification.
    static func withinQuota(on dbAccess: DataAccess, county: String, year: Int) async throws -> Bool {
        let db = dbAccess.db
        guard
            let quota = try await IdentificationQuota.query(on: db).filter(\.$countyCode == county).filter(
                \.$year == year
            ).first()
        else {
            return true
        }
        if !quota.exemption.isEmpty { return true }
        return try await approvedIdentifications(on: dbAccess, county: county, year: year) < quota.quota
    }

    /// Identification cases of a county and year that passed county approval.
    static func approvedIdentifications(on dbAccess: DataAccess, county: String, year: Int) async throws -> Int {
        let db = dbAccess.db
        let approveIndex = Workflows.identification.stepIndex("approveCounty")!
        return try await WorkflowCase.query(on: db).filter(\.$workflow == Workflows.identification.id)
            .filter(\.$countyCode == county).filter(\.$year == year).filter(\.$step > approveIndex)
            .filter(\.$status != .rejected).count()
    }
}

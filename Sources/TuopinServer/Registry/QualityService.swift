import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Runs the data-quality checks of TuopinCore over households and stores what they find, so that
/// the problems page reads counts without re-checking the registry.
enum QualityService {
    struct Summary: Sendable { var households = 0; var findings: [QualityCode: Int] = [:] }

    /// Re-checks the given households inside the caller's transaction (every save does this).
    /// What a recheck needs of a household: read as plain SQL rows when there are many (model
    /// decoding of a whole region's households dominated the check).
    struct Subject: Sendable, Decodable {
        let id: RowID<Household>
        let status: String
        let village_code: String, township_code: String, county_code: String, prefecture_code: String
        init(_ h: Household) {
            id = h.id!; status = h.status.rawValue
            village_code = h.villageCode; township_code = h.townshipCode; county_code = h.countyCode;
            prefecture_code = h.prefectureCode
        }

        static let columns = ["id", "status", "village_code", "township_code", "county_code", "prefecture_code"]
    }

    static func recheck(_ households: [Household], on tx: DataAccess, protector: DataProtector, today: CivilDate)
        async throws -> [RowID<Household>: [QualityProblem]]
    {
        try await recheck(households.map(Subject.init), on: tx, protector: protector, today: today)
    }

    static func recheck(
        _ households: [Subject], on tx: DataAccess, protector: DataProtector, today: CivilDate,
        clock: PhaseClock? = nil
    ) async throws -> [RowID<Household>: [QualityProblem]] {
        guard !households.isEmpty else { return [:] }
        let loaded = try await HouseholdFactsLoader.load(
            on: tx, households: households.map { ($0.id, $0.status) },
            protector: protector, planYear: today.year)
        clock?.add("facts loaded")
        let standards = try await StandardsController.lookup(on: tx)
        var results: [RowID<Household>: [QualityProblem]] = [:]
        for h in households {
            results[h.id] = DataQuality.check(
                loaded.facts[h.id]!, today: today, povertyLine: { standards[$0]?.povertyLine })
        }
        clock?.add("checked")
        // The same person in two households is a registry-wide fact: ask the index.
        let shared = Set(try await duplicateHMACs(loaded.hmacs.map(\.hmac), on: tx))
        for m in loaded.hmacs where shared.contains(m.hmac) {
            results[m.household, default: []].append(QualityProblem(.idDuplicate, m.name))
        }
        clock?.add("duplicates asked")
        try await tx.replaceQualityFindings(of: households, with: results)
        return results
    }

    /// Checks every household under `unit` (all when nil) in batches of 1,000, one transaction each.
    static func checkAll(app: Application, unit: OrgCode?, progress: ProgressHandler = { _, _ in }) async throws
        -> Summary
    {
        var summary = Summary()
        let inScope = try await app.systemData.householdCount(under: unit)
        progress(0, inScope)
        var after: RowID<Household> = 0
        let today = app.clock.today
        let protector = app.tuopin.protector
        let clock = PhaseClock(logger: app.logger, name: "check --quality")
        while true {
            clock.add("other")
            let page = try await app.systemData.qualitySubjects(under: unit, after: after, limit: 1_000)
            guard let last = page.last else { break }
            after = last.id
            clock.add("page read")
            let results = try await app.write { tx in
                let results = try await recheck(page, on: tx, protector: protector, today: today, clock: clock)
                clock.add("findings written")
                return results
            }
            clock.add("committed")
            summary.households += page.count
            for problems in results.values { for p in problems { summary.findings[p.code, default: 0] += 1 } }
            progress(summary.households, max(inScope, summary.households))
        }
        clock.logTotals()
        let now = app.tuopin.now()
        let total = summary.findings.values.reduce(0, +)
        let checked = summary.households
        try await app.write { tx in
            try await tx.recordQualityRun(unit: unit, at: now, households: checked, findings: total)
        }
        return summary
    }

}

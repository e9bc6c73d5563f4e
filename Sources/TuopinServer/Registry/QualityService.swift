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
        /// The version read: a check made outside the save's transaction stores its findings only
        /// for households still at this version (a save meanwhile rechecked its own).
        let version: Int
        /// A household just written (an import's new household).
        init(id: RowID<Household>, status: String, village: OrgCode, version: Int) {
            self.id = id; self.status = status; village_code = village.value
            township_code = village.ancestor(at: .township)!.value; county_code = village.ancestor(at: .county)!.value
            prefecture_code = village.ancestor(at: .prefecture)!.value; self.version = version
        }
        init(_ h: Household) {
            id = h.id!; status = h.status.rawValue
            village_code = h.villageCode; township_code = h.townshipCode; county_code = h.countyCode;
            prefecture_code = h.prefectureCode; version = h.version
        }

        static let columns = [
            "id", "status", "village_code", "township_code", "county_code", "prefecture_code", "version",
        ]
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
        let results = try await findings(households, on: tx, protector: protector, today: today, clock: clock)
        try await tx.replaceQualityFindings(of: households, with: results)
        return results
    }

    /// What the checks find in `households`, read from `db` (a transaction, or the read connections).
    static func findings(
        _ households: [Subject], on db: DataAccess, protector: DataProtector, today: CivilDate,
        clock: PhaseClock? = nil
    ) async throws -> [RowID<Household>: [QualityProblem]] {
        guard !households.isEmpty else { return [:] }
        let loaded = try await HouseholdFactsLoader.load(
            on: db, households: households.map { ($0.id, $0.status) },
            protector: protector, planYear: today.year)
        clock?.add("facts loaded")
        let standards = try await StandardsController.lookup(on: db)
        var results: [RowID<Household>: [QualityProblem]] = [:]
        for h in households {
            results[h.id] = DataQuality.check(
                loaded.facts[h.id]!, today: today, povertyLine: { standards[$0]?.povertyLine })
        }
        clock?.add("checked")
        // The same person in two households is a registry-wide fact: ask the index.
        let shared = Set(try await duplicateHMACs(loaded.hmacs.map(\.hmac), on: db))
        for m in loaded.hmacs where shared.contains(m.hmac) {
            results[m.household, default: []].append(QualityProblem(.idDuplicate, m.name))
        }
        clock?.add("duplicates asked")
        return results
    }

    /// Checks every household under `unit` (all when nil), county by county on twice as many workers
    /// as the machine has cores (issue #27 item 5; while one worker waits to write, another reads and
    /// checks): each worker reads a page of 1,000 households' rows in a read transaction, checks them
    /// outside the write gate, and stores the findings in a short write transaction — for the
    /// households not saved meanwhile (a save rechecks its own). Debug build, 20,000 households on
    /// SQLite: 4.5 s on one worker, 3.8 s on four.
    static func checkAll(
        app: Application, unit: OrgCode?, workers: Int = 2 * ProcessInfo.processInfo.activeProcessorCount,
        progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> Summary {
        let inScope = try await app.systemData.householdCount(under: unit)
        progress(0, inScope)
        let parts = WorkQueue(try await app.systemData.countiesToCheck(under: unit))
        let tally = Tally(total: inScope, progress: progress)
        let clock = PhaseClock(logger: app.logger, name: "check --quality")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, workers) {
                group.addTask {
                    while let part = await parts.next() {
                        try await checkPages(app: app, under: part, clock: clock, tally: tally)
                    }
                }
            }
            try await group.waitForAll()
        }
        clock.logTotals()
        let summary = await tally.summary
        let now = app.tuopin.now()
        let total = summary.findings.values.reduce(0, +)
        let checked = summary.households
        try await app.write { tx in
            try await tx.recordQualityRun(unit: unit, at: now, households: checked, findings: total)
        }
        return summary
    }

    /// One county's (or smaller unit's) households, a page at a time.
    static func checkPages(app: Application, under part: OrgCode, clock: PhaseClock, tally: Tally) async throws {
        let today = app.clock.today
        let protector = app.tuopin.protector
        var after: RowID<Household> = 0
        while true {
            // One read transaction a page: its queries keep one connection and one snapshot.
            let start = after
            let (page, results) = try await app.systemData.transaction { db in
                let page = try await db.qualitySubjects(under: part, after: start, limit: 1_000)
                return (page, try await findings(page, on: db, protector: protector, today: today, clock: clock))
            }
            guard let last = page.last else { break }
            after = last.id
            try await store(results, of: page, app: app)
            clock.add("findings written")
            await tally.add(page.count, results)
        }
    }

    /// Stores what a check found in `page`, read outside this transaction: only for the households
    /// still at the version read (a save meanwhile rechecked its own in its transaction).
    static func store(
        _ results: [RowID<Household>: [QualityProblem]], of page: [Subject], app: Application
    ) async throws {
        try await app.write { tx in
            let unchanged = try await tx.householdsAtVersion(page)
            try await tx.replaceQualityFindings(of: page.filter { unchanged.contains($0.id) }, with: results)
        }
    }

    /// The parts of a check handed to its workers, one at a time.
    actor WorkQueue {
        private var parts: [OrgCode]
        init(_ parts: [OrgCode]) { self.parts = parts.reversed() }
        func next() -> OrgCode? { parts.popLast() }
    }

    /// What the workers found, counted as they go.
    actor Tally {
        private(set) var summary = Summary()
        let total: Int
        let progress: ProgressHandler
        init(total: Int, progress: @escaping ProgressHandler) { self.total = total; self.progress = progress }
        func add(_ households: Int, _ results: [RowID<Household>: [QualityProblem]]) {
            summary.households += households
            for problems in results.values { for p in problems { summary.findings[p.code, default: 0] += 1 } }
            progress(summary.households, max(total, summary.households))
        }
    }
}

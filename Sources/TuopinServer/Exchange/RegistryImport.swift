import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Who an import or export acts as: the command line with full rights (audited as the
/// operating-system user), or a signed-in user whose write scope limits the villages.
struct ExchangeActor: Sendable {
    let audit: AuditLog.Actor
    /// nil means every unit.
    let writeRoots: [OrgCode]?
    let readRoots: [OrgCode]?
    /// Exports carry full ID and phone numbers, and health, only for those who may see them.
    var fullIdentity = true
    var health = true

    static func operatingSystemUser() -> ExchangeActor {
        let name =
            ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown"
        return ExchangeActor(audit: .init(id: "os:" + name), writeRoots: nil, readRoots: nil)
    }

    static func user(_ user: CurrentUser) -> ExchangeActor {
        ExchangeActor(
            audit: user.auditActor, writeRoots: user.scope.roots(for: .writeRegistry),
            readRoots: user.scope.roots(for: .readRegistry),
            fullIdentity: user.scope.has(.seeFullIdentity), health: user.scope.has(.seeHealth))
    }

    func mayWrite(_ village: OrgCode) -> Bool {
        writeRoots.map { $0.contains { village.isSelfOrDescendant(of: $0) } } ?? true
    }
    func mayRead(_ village: OrgCode) -> Bool {
        readRoots.map { $0.contains { village.isSelfOrDescendant(of: $0) } } ?? true
    }
}

struct ImportReport: Sendable {
    var problems: [ImportProblem] = []
    var rows = 0
    var households = 0
    var people = 0
    var created = 0
    var updated = 0
    var written = false
    var isValid: Bool { problems.isEmpty }

    var reportRows: [[String]] { [ImportProblem.reportHeader] + problems.map(\.reportCells) }

    /// The report of a file that could not be read at all (one E-FILE problem, nothing read).
    static func unreadable(_ error: any Error) -> ImportReport {
        ImportReport(problems: [ImportProblem(row: 0, column: "文件", code: .file, message: "\(error)")])
    }
}

/// Imports the members and incomes templates. The whole file is validated first; any problem
/// means nothing is written. A valid file is written in one transaction, with one audit entry
/// per household created or updated.
enum RegistryImport {
    /// Households written per round inside the import's one transaction: the memory an import
    /// holds beyond its parsed file stays this size.
    static let writeChunk = 2_000

    /// `rows` is read once, in order: a CSV file's rows (`CSVRows`) are parsed as they are read,
    /// so a million-row file's cells are never all in memory.
    static func members<Rows: Sequence<[String]>>(
        app: Application, rows: consuming Rows, actor: ExchangeActor, dryRun: Bool,
        round: Int = writeChunk, progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> ImportReport {
        let today = app.clock.today
        let clock = PhaseClock(logger: app.logger, name: "import members")
        let parsed = MembersTemplate.parse(rows, today: today)
        _ = consume rows
        clock.mark("parsed")
        var report = ImportReport(problems: parsed.problems, rows: parsed.rows)
        report.households = parsed.households.count
        report.people = parsed.households.reduce(0) { $0 + $1.members.count }
        let protector = app.tuopin.protector
        let db = app.systemData

        let (existing, hmacs) = try await checkAgainstRegistry(
            parsed.households, actor: actor, on: db, protector: protector, report: &report)
        report.problems.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        clock.mark("checked against the registry")
        guard report.isValid, !dryRun else { return report }

        let now = app.tuopin.now()
        let households = parsed.households
        let reason = CertificationService.changeReason
        let counts = try await app.write { tx in
            // Certified townships' households change only with a reason (article 24).
            try await CertificationService.checkReason(
                on: tx,
                households: households.compactMap { h in
                    existing[h.number].map { ($0.id, String($0.village.prefix(9))) }
                },
                reason: reason, actor: actor.audit, now: now)
            try await updateRegistered(households, existing: existing, on: tx, protector: protector)
            clock.mark("registered households updated")
            // Then rounds of `round` households: new ones inserted, every member encrypted and
            // inserted, one audit entry per household, data quality rechecked.
            var memberIndex = 0, done = 0
            for start in stride(from: 0, to: households.count, by: round) {
                let chunk = households[start..<min(households.count, start + round)]
                try await tx.insertImported(
                    households: try chunk.filter { existing[$0.number] == nil }.map { h in
                        householdValues(h, phoneCipher: try h.phone.map { try protector.encrypt($0) }) + [
                            1, h.members.count,
                        ] as [any Encodable & Sendable]
                    })
                clock.add("households inserted")
                let ids = try await householdIDs(numbers: chunk.map(\.number), on: tx)
                clock.add("ids read")
                let (rows, audit) = try memberRowsAndAudit(
                    chunk, ids: ids, existing: existing, hmacs: hmacs, from: &memberIndex, protector: protector)
                clock.add("members encrypted, audit entries made")
                try await tx.insertImported(members: rows)
                clock.add("members inserted")
                try await AuditLog.appendAll(on: tx, actor: actor.audit, entries: audit, at: now)
                clock.add("audited")
                try await recheck(numbers: chunk.map(\.number), on: tx, protector: protector, today: today)
                clock.add("quality rechecked")
                done += chunk.count
                progress(done, households.count)
            }
            clock.mark("households, members, audit and quality written")
            clock.logTotals()
            let updated = households.count { existing[$0.number] != nil }
            return (households.count - updated, updated)
        }
        clock.mark("committed")
        report.created = counts.0
        report.updated = counts.1
        report.written = true
        return report
    }

    /// A round's members (encrypted, with their index HMACs in file order from `memberIndex`) and one
    /// audit entry per household, created or updated.
    static func memberRowsAndAudit(
        _ chunk: ArraySlice<MembersTemplate.HouseholdRecord>, ids: [String: Int], existing: [String: ExistingHousehold],
        hmacs: [String], from memberIndex: inout Int, protector: DataProtector
    ) throws -> ([[any Encodable & Sendable]], [AuditLog.Pending]) {
        var rows: [[any Encodable & Sendable]] = []
        var audit: [AuditLog.Pending] = []
        for h in chunk {
            let id = ids[h.number]!
            for m in h.members {
                rows.append([
                    id, m.name, m.relation.rawValue, try protector.encrypt(m.residentID.value),
                    hmacs[memberIndex],
                    m.residentID.masked, m.residentID.sex.rawValue, m.ethnicity.rawValue,
                    m.education.rawValue, m.schooling.rawValue, m.health.rawValue, m.disabilityGrade,
                    m.labour.rawValue,
                    m.migrantMonths,
                ])
                memberIndex += 1
            }
            if let old = existing[h.number] {
                audit.append(
                    try .init(
                        action: "household.import_update", entity: "household", entityID: String(id),
                        before: old.snapshot, after: Snapshot(h)))
            } else {
                audit.append(
                    try .init(
                        action: "household.import_create", entity: "household", entityID: String(id),
                        after: Snapshot(h)))
            }
        }
        return (rows, audit)
    }

    /// The file's households against the registry: villages that exist and are the actor's, households
    /// registered elsewhere, people already in another household. Returns the registered households by
    /// number and each member's index, in file order (kept for the write).
    static func checkAgainstRegistry(
        _ households: [MembersTemplate.HouseholdRecord], actor: ExchangeActor, on db: DataAccess,
        protector: DataProtector, report: inout ImportReport
    )
        async throws -> (existing: [String: ExistingHousehold], hmacs: [String])
    {
        // Villages: known, and within the actor's scope.
        let villageCodes = Set(households.map(\.village.value))
        let known = try await existingVillages(Array(villageCodes), on: db)
        // Households already registered, by number.
        let existing = try await Self.households(numbers: households.map(\.number), on: db)
        // People already in another household: each member's index, in file order (kept for the write).
        let hmacs = households.flatMap { h in h.members.map { protector.index($0.residentID.value) } }
        let owners = try await memberOwners(hmacs, on: db)
        let fileNumbers = Set(households.map(\.number))
        var memberIndex = 0
        for h in households {
            if !known.contains(h.village.value) {
                report.problems.append(
                    ImportProblem(
                        row: h.firstRow, column: MembersTemplate.header[1], code: .villageUnknown,
                        message: "村级区划代码 \(h.village.value) 不存在"))
            } else if !actor.mayWrite(h.village) {
                report.problems.append(
                    ImportProblem(
                        row: h.firstRow, column: MembersTemplate.header[1], code: .scope,
                        message: "村 \(h.village.value) 不在您的管辖范围内"))
            } else if let old = existing[h.number], let oldVillage = OrgCode(old.village), !actor.mayWrite(oldVillage) {
                report.problems.append(
                    ImportProblem(
                        row: h.firstRow, column: MembersTemplate.header[0], code: .scope,
                        message: "户 \(h.number) 已登记在您管辖范围以外的村"))
            }
            for m in h.members {
                if let owner = owners[hmacs[memberIndex]], owner.number != h.number, !fileNumbers.contains(owner.number)
                {
                    // The household is named only to someone who may read it (issue #22 M1): the
                    // check must not become a search of the whole registry.
                    let where_ = OrgCode(owner.village).map(actor.mayRead) == true ? "户 \(owner.number)" : "您管辖范围以外的一户"
                    report.problems.append(
                        ImportProblem(
                            row: m.row, column: MembersTemplate.header[10], code: .idDuplicate,
                            message: "此人已登记在\(where_)"))
                }
                memberIndex += 1
            }
        }
        return (existing, hmacs)
    }

    static func incomes(
        app: Application, rows: [[String]], actor: ExchangeActor, dryRun: Bool,
        progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> ImportReport {
        let today = app.clock.today
        let protector = app.tuopin.protector
        let parsed = IncomesTemplate.parse(rows, today: today)
        var report = ImportReport(problems: parsed.problems, rows: max(0, rows.count - 1))
        let existing = try await households(numbers: Array(Set(parsed.records.map(\.number))), on: app.systemData)
        report.households = existing.count
        for r in parsed.records {
            guard let h = existing[r.number] else {
                report.problems.append(
                    ImportProblem(
                        row: r.row, column: IncomesTemplate.header[0], code: .householdUnknown,
                        message: "户 \(r.number) 未登记（请先导入家庭成员表）"))
                continue
            }
            if let village = OrgCode(h.village), !actor.mayWrite(village) {
                report.problems.append(
                    ImportProblem(
                        row: r.row, column: IncomesTemplate.header[0], code: .scope,
                        message: "户 \(r.number) 不在您的管辖范围内"))
            }
        }
        report.problems.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        guard report.isValid, !dryRun else { return report }
        let now = app.tuopin.now()
        let records = parsed.records
        let reason = CertificationService.changeReason
        try await app.write { tx in
            let touched = Dictionary(
                records.map { (existing[$0.number]!.id, String(existing[$0.number]!.village.prefix(9))) },
                uniquingKeysWith: { a, _ in a })
            try await CertificationService.checkReason(
                on: tx, households: touched.map { ($0.key, $0.value) }, reason: reason,
                actor: actor.audit, now: now)
            // A year's income in the file replaces the household's income of that year: one DELETE per
            // year and chunk of households (one per row was one round trip per row).
            let byYear = Dictionary(grouping: records) { $0.income.year }
            var deleted = 0
            for (year, ofYear) in byYear.sorted(by: { $0.key < $1.key }) {
                for chunk in Set(ofYear.map { existing[$0.number]!.id }).sorted().chunked(1_000) {
                    try await tx.deleteIncomes(year: year, households: Array(chunk))
                    deleted += chunk.count
                    progress(min(deleted, records.count - 1), records.count)
                }
            }
            var audit: [AuditLog.Pending] = []
            for r in records {
                let id = existing[r.number]!.id
                struct Income: Encodable { let year: Int; let wage, business, property, transfer, costs: Int64 }
                let i = r.income
                audit.append(
                    try .init(
                        action: "income.import", entity: "household", entityID: String(id),
                        after: Income(
                            year: i.year, wage: i.wage.fen, business: i.business.fen,
                            property: i.property.fen, transfer: i.transfer.fen, costs: i.costs.fen)))
            }
            try await tx.insertIncomes(
                records.map { r in
                    let i = r.income
                    return [
                        existing[r.number]!.id, i.year, i.wage.fen, i.business.fen, i.property.fen, i.transfer.fen,
                        i.costs.fen,
                    ]
                })
            try await tx.recordHouseholdSizes(ofIncomesOf: Array(Set(records.map { existing[$0.number]!.id })))
            try await AuditLog.appendAll(on: tx, actor: actor.audit, entries: audit, at: now)
            try await recheck(numbers: Array(Set(records.map(\.number))), on: tx, protector: protector, today: today)
            progress(records.count, records.count)
        }
        report.created = records.count
        report.written = true
        return report
    }

    // MARK: Rows

    static let updateColumns = [
        "number", "village_code", "township_code", "county_code", "prefecture_code", "attribute",
        "main_cause", "other_causes", "identified_year", "status", "exit_year", "phone_cipher", "phone_masked",
    ]
    static let insertColumns = updateColumns + ["version", "member_count"]
    static let memberColumns = [
        "household_id", "name", "relation", "id_cipher", "id_hmac", "id_masked", "sex",
        "ethnicity", "education", "schooling", "health", "disability_grade", "labour", "migrant_months",
    ]

    /// What the audit log keeps of an imported household: no full ID or phone numbers.
    struct Snapshot: Encodable {
        let number: String, village: String, attribute: String, main_cause: String, other_causes: String
        let identified_year: Int, status: String, exit_year: Int?, members: [String]
        init(_ h: MembersTemplate.HouseholdRecord) {
            number = h.number; village = h.village.value; attribute = h.attribute.rawValue;
            main_cause = h.mainCause.rawValue
            other_causes = h.otherCauses.map(\.rawValue).joined(separator: ";"); identified_year = h.identifiedYear
            status = h.status.rawValue; exit_year = h.exitYear
            members = h.members.map { "\($0.name) \($0.residentID.masked) \($0.relation.rawValue)" }
        }
        init(row: ExistingHousehold) {
            number = row.number; village = row.village; attribute = row.attribute; main_cause = row.mainCause
            other_causes = row.otherCauses; identified_year = row.identifiedYear; status = row.status
            exit_year = row.exitYear; members = []
        }
    }

    struct ExistingHousehold: Sendable {
        let id: RowID<Household>, number: String, village: String, version: Int, attribute: String, mainCause: String
        let otherCauses: String, identifiedYear: Int, status: String, exitYear: Int?
        var snapshot: Snapshot { Snapshot(row: self) }
    }

    // MARK: Lookups in chunks (IN lists stay small on both engines)

}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

/// Logs the time each phase of a long action took (at debug level: `LOG_LEVEL=debug`).
final class PhaseClock: @unchecked Sendable {
    private let logger: Logger, name: String
    private var last = Date()
    private let lock = NSLock()
    init(logger: Logger, name: String) { self.logger = logger; self.name = name }

    private var totals: [(String, Double)] = []

    /// Adds the time since the last mark to `phase`'s total (for phases repeated in rounds).
    func add(_ phase: String) {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        if let i = totals.firstIndex(where: { $0.0 == phase }) {
            totals[i].1 += now.timeIntervalSince(last)
        } else {
            totals.append((phase, now.timeIntervalSince(last)))
        }
        last = now
    }

    func logTotals() {
        lock.lock(); defer { lock.unlock() }
        for (phase, seconds) in totals {
            logger.debug("\(name): \(phase) in \(String(format: "%.2f", seconds)) s in all")
        }
    }

    func mark(_ phase: String) {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        logger.debug("\(name): \(phase) in \(String(format: "%.2f", now.timeIntervalSince(last))) s")
        last = now
    }
}

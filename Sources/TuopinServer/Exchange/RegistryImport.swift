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
    /// Households written per round inside the import's one transaction: with the first pass's
    /// indexes (`MembersTemplate.Validator`, `RegistryLookup`), what a members import holds.
    static let writeChunk = 2_000

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

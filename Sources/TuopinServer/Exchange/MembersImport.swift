import Foundation
import TuopinCore
import Vapor

/// The members template's import in two passes over the file (issue #27 item 3). The first pass
/// checks every row and, a thousand at a time, looks the rows up in the registry, keeping only what
/// checks across rows need (`MembersTemplate.Validator`, the registered households of the file, the
/// people who seem to move). Any problem: nothing is written. The second pass reads the file again
/// inside one transaction and writes it in rounds, a household as soon as its last row has been read;
/// so the memory an import holds does not grow with the rows of the file.
extension RegistryImport {
    /// What the first pass keeps for the second.
    struct Checked {
        var validator: MembersTemplate.Validator
        /// Households of the file already registered: id and village (what scope and certification need).
        var existing: [String: (id: RowID<Household>, village: String)] = [:]
        var report = ImportReport()
    }

    /// `rows` is read twice, in order (an array, `CSVRows` of a text or of a file on disk).
    static func members<Rows: Sequence<[String]> & Sendable>(
        app: Application, rows: Rows, actor: ExchangeActor, dryRun: Bool,
        round: Int = writeChunk, progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> ImportReport {
        let clock = PhaseClock(logger: app.logger, name: "import members")
        var checked = try await check(rows, app: app, actor: actor)
        clock.mark("checked")
        guard checked.report.isValid, !dryRun else { return checked.report }
        let today = app.clock.today, now = app.tuopin.now(), protector = app.tuopin.protector
        let reason = CertificationService.changeReason
        let existing = checked.existing
        let validator = checked.validator
        let counts = try await app.write { tx in
            // Certified townships' households change only with a reason (article 24).
            try await CertificationService.checkReason(
                on: tx, households: existing.values.map { ($0.id, String($0.village.prefix(9))) }, reason: reason,
                actor: actor.audit, now: now)
            // The registered households' people go first, so that no round sees a person in two households.
            try await tx.deleteMembers(ofHouseholds: existing.values.map(\.id))
            var writer = RoundWriter(
                tx: tx, actor: actor, protector: protector, today: today, now: now, existing: existing)
            var open: [String: MembersTemplate.HouseholdRecord] = [:]
            var complete: [MembersTemplate.HouseholdRecord] = []
            var rowNumber = 0, done = 0
            for raw in rows {
                rowNumber += 1
                guard rowNumber > 1 else { continue }
                guard let row = MembersTemplate.record(raw, row: rowNumber, today: today) else {
                    throw FileChanged(row: rowNumber)
                }
                let number = row.household.number
                var household = open.removeValue(forKey: number) ?? row.household
                household.members.append(row.member)
                guard household.members.count == validator.memberCount(of: number) else {
                    open[number] = household
                    continue
                }
                complete.append(household)
                if complete.count == round {
                    try await writer.write(complete)
                    done += complete.count
                    progress(done, validator.households)
                    complete.removeAll(keepingCapacity: true)
                }
            }
            try await writer.write(complete)
            guard open.isEmpty, writer.created + writer.updated == validator.households else {
                throw FileChanged(row: rowNumber)
            }
            progress(validator.households, validator.households)
            return (writer.created, writer.updated)
        }
        clock.mark("written and committed")
        checked.report.created = counts.0
        checked.report.updated = counts.1
        checked.report.written = true
        return checked.report
    }

    /// The file read for writing is not the file that was checked (it changed on disk meanwhile):
    /// the transaction is rolled back.
    struct FileChanged: Error, CustomStringConvertible {
        let row: Int
        var description: String { "文件在检查后被改动（第 \(row) 行），未写入任何数据" }
    }

    /// The first pass: every row checked, and looked up in the registry a batch at a time.
    static func check<Rows: Sequence<[String]>>(_ rows: Rows, app: Application, actor: ExchangeActor)
        async throws -> Checked
    {
        var lookup = RegistryLookup(registry: app.systemData, actor: actor, protector: app.tuopin.protector)
        var validator = MembersTemplate.Validator(today: app.clock.today)
        for raw in rows {
            guard let row = validator.read(raw) else { continue }
            lookup.add(row)
            if lookup.isFull { try await lookup.flush() }
        }
        try await lookup.flush()
        var report = ImportReport(
            problems: validator.finish() + lookup.problems + lookup.movesFromOutside(of: validator),
            rows: validator.rows)
        report.problems.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        report.households = validator.households
        report.people = validator.people
        return Checked(validator: validator, existing: lookup.existing, report: report)
    }
}

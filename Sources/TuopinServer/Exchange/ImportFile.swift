import Foundation
import TuopinCore
import Vapor

extension RegistryImport {
    /// Imports an uploaded or named file of either template: a CSV members file is parsed as it is
    /// read, anything else is read whole first. A file that cannot be read at all (not CSV text nor
    /// a workbook, too large, beyond the workbook reader's bounds) is one E-FILE problem.
    static func file(
        app: Application, kind: RegistryExport.Kind, data: Data, filename: String, actor: ExchangeActor,
        dryRun: Bool, progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> ImportReport {
        let maxBytes = app.tuopin.settings.maxUploadBytes
        let text: String?
        let rows: [[String]]
        do {
            text = try FileReading.csvText(from: data, filename: filename, maxBytes: maxBytes)
            rows =
                kind == .members && text != nil
                ? [] : try FileReading.rows(from: data, filename: filename, maxBytes: maxBytes)
        } catch let problem as FileReading.Problem {
            return .unreadable(problem)
        } catch let problem as XLSXReader.Problem {
            return .unreadable(problem)
        }
        let report: ImportReport
        switch (kind, text) {
        case (.members, .some(let text)):
            report = try await members(app: app, rows: CSVRows(text), actor: actor, dryRun: dryRun, progress: progress)
        case (.members, nil):
            report = try await members(app: app, rows: rows, actor: actor, dryRun: dryRun, progress: progress)
        case (.incomes, _):
            report = try await incomes(app: app, rows: rows, actor: actor, dryRun: dryRun, progress: progress)
        }
        if dryRun { try await auditCheck(app: app, kind: kind, filename: filename, actor: actor, report: report) }
        return report
    }

    /// Imports a named file (the command line). A members CSV in UTF-8 is read from disk in both of
    /// the import's passes and never held (issue #27 item 3); anything else is read whole, within the
    /// upload limit, as an uploaded file is.
    static func file(
        app: Application, kind: RegistryExport.Kind, url: URL, actor: ExchangeActor, dryRun: Bool,
        progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> ImportReport {
        let name = url.lastPathComponent.lowercased()
        let csv = name.hasSuffix(".csv") || name.hasSuffix(".txt") || !name.contains(".")
        guard kind == .members, csv, try FileReading.isUTF8Text(url) else {
            return try await file(
                app: app, kind: kind, data: try Data(contentsOf: url), filename: url.lastPathComponent, actor: actor,
                dryRun: dryRun, progress: progress)
        }
        let report = try await members(
            app: app, rows: CSVRows(file: url), actor: actor, dryRun: dryRun, progress: progress)
        if dryRun {
            try await auditCheck(app: app, kind: kind, filename: url.lastPathComponent, actor: actor, report: report)
        }
        return report
    }

    /// A check-only import looks every person of the file up in the whole registry: it is recorded
    /// like a search (issue #22 M1), with the file's name and what it found.
    private static func auditCheck(
        app: Application, kind: RegistryExport.Kind, filename: String, actor: ExchangeActor,
        report: ImportReport
    ) async throws {
        struct Checked: Encodable {
            let kind: String; let file: String; let rows: Int; let people: Int; let problems: Int;
            let registered_elsewhere: Int
        }
        let checked = Checked(
            kind: kind.rawValue, file: String(filename.prefix(200)), rows: report.rows, people: report.people,
            problems: report.problems.count,
            registered_elsewhere: report.problems.filter { $0.code == .idDuplicate }.count)
        let now = app.tuopin.now()
        try await app.write { tx in
            try await AuditLog.append(
                on: tx, actor: actor.audit, action: "import.check", entity: "import", entityID: kind.rawValue,
                after: checked, at: now)
        }
    }
}

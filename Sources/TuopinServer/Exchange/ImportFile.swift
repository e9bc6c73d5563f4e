import Foundation
import TuopinCore
import Vapor

extension RegistryImport {
    /// Imports an uploaded or named file of either template: a CSV members file is parsed as it is
    /// read, anything else is read whole first. A file that cannot be read at all (not CSV text nor
    /// a workbook, too large, beyond the workbook reader's bounds) is one E-FILE problem.
    static func file(app: Application, kind: RegistryExport.Kind, data: Data, filename: String, actor: ExchangeActor,
                     dryRun: Bool, progress: @escaping ProgressHandler = { _, _ in }) async throws -> ImportReport {
        let maxBytes = app.tuopin.settings.maxUploadBytes
        let text: String?
        let rows: [[String]]
        do {
            text = try FileReading.csvText(from: data, filename: filename, maxBytes: maxBytes)
            rows = kind == .members && text != nil ? [] : try FileReading.rows(from: data, filename: filename, maxBytes: maxBytes)
        } catch let problem as FileReading.Problem {
            return .unreadable(problem)
        } catch let problem as XLSXReader.Problem {
            return .unreadable(problem)
        }
        switch (kind, text) {
        case (.members, .some(let text)):
            return try await members(app: app, rows: CSVRows(text), actor: actor, dryRun: dryRun, progress: progress)
        case (.members, nil):
            return try await members(app: app, rows: rows, actor: actor, dryRun: dryRun, progress: progress)
        case (.incomes, _):
            return try await incomes(app: app, rows: rows, actor: actor, dryRun: dryRun, progress: progress)
        }
    }
}

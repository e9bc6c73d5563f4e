import Fluent
import Foundation
import TuopinCore
import Vapor

/// `tuopin import members|incomes FILE [--dry-run] [--report PATH] [--as USERNAME]`
struct ImportCommand: AsyncCommand {
    // Options come first: ConsoleKit parses in declaration order, and an option's value must not
    // be taken for a positional argument.
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "Validate only; write nothing") var dryRun: Bool
        @Option(name: "report", help: "Write the problems as CSV (行号,列,错误代码,说明) to this path") var report: String?
        @Option(name: "as", help: "Apply this user's scope (E-SCOPE) and audit the import as them") var asUser: String?
        @Option(
            name: "reason",
            help: "Why certified households are changed (required when the file touches a certified township)")
        var reason: String?
        @Argument(name: "kind", help: "members or incomes") var kind: String
        @Argument(name: "file", help: "a .csv (UTF-8 or GBK) or .xlsx file in the template's layout") var file: String
    }

    var help: String { "Imports the members or incomes template. Any problem: nothing is written; exit status 1." }

    struct Invalid: Error, CustomStringConvertible {
        let count: Int
        var description: String { "the file has \(count) problem(s); nothing was written" }
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let kind = RegistryExport.Kind(rawValue: signature.kind) else {
            throw TuopinSettings.SettingError(name: "kind", problem: "must be members or incomes")
        }
        try await app.autoMigrate()
        let actor = try await ExchangeCommands.actor(app, username: signature.asUser)
        let url = URL(fileURLWithPath: signature.file)
        let bar = ProgressBar()
        let report = try await CertificationService.$changeReason.withValue(signature.reason) {
            try await RegistryImport.file(
                app: app, kind: kind, url: url, actor: actor, dryRun: signature.dryRun, progress: bar.handler)
        }
        bar.finish()
        if let path = signature.report {
            try FileReading.csvData(report.reportRows).write(to: URL(fileURLWithPath: path))
        }
        for problem in report.problems.prefix(50) {
            context.console.print("第 \(problem.row) 行 \(problem.column) \(problem.code.rawValue) \(problem.message)")
        }
        if report.problems.count > 50 { context.console.print("… 共 \(report.problems.count) 个问题") }
        guard report.isValid else { throw Invalid(count: report.problems.count) }
        if signature.dryRun {
            context.console.print(
                "valid: \(report.rows) rows, \(report.households) households, \(report.people) people; nothing "
                    + "written (--dry-run)"
            )
        } else {
            context.console.print("imported: \(report.rows) rows; \(report.created) created, \(report.updated) updated")
        }
    }
}

/// `tuopin export members|incomes [--unit CODE] FILE`
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "unit", help: "Only households under this unit code") var unit: String?
        @Option(name: "as", help: "Apply this user's scope and audit the export as them") var asUser: String?
        @Option(name: "reason", help: "Why the data leave the system (required; kept in the audit log)") var reason:
            String?
        @Argument(name: "kind", help: "members or incomes") var kind: String
        @Argument(name: "file", help: "output path; .csv or .xlsx") var file: String
    }

    var help: String { "Exports the members or incomes template (all households, or those under --unit)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let kind = RegistryExport.Kind(rawValue: signature.kind) else {
            throw TuopinSettings.SettingError(name: "kind", problem: "must be members or incomes")
        }
        var unit: OrgCode?
        if let raw = signature.unit {
            guard let code = OrgCode(raw) else {
                throw TuopinSettings.SettingError(name: "--unit", problem: "not a division code: \(raw)")
            }
            unit = code
        }
        guard signature.file.lowercased().hasSuffix(".csv") || signature.file.lowercased().hasSuffix(".xlsx") else {
            throw TuopinSettings.SettingError(name: "file", problem: "must end in .csv or .xlsx")
        }
        guard let reason = signature.reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TuopinSettings.SettingError(
                name: "--reason", problem: "say why the data leave the system (kept in the audit log)")
        }
        let actor = try await ExchangeCommands.actor(app, username: signature.asUser)
        let bar = ProgressBar()
        let rows = try await RegistryExport.write(
            app: app, kind: kind, actor: actor, unit: unit, reason: reason,
            to: URL(fileURLWithPath: signature.file), progress: bar.handler)
        bar.finish()
        context.console.print("exported \(rows) rows to \(signature.file)")
    }
}

enum ExchangeCommands {
    static func actor(_ app: Application, username: String?) async throws -> ExchangeActor {
        guard let username else { return .operatingSystemUser() }
        guard
            let user = try await app.systemData.rows(User.self).filter(\.$username == username).with(\.$bindings)
                .first()
        else {
            throw TuopinSettings.SettingError(name: "--as", problem: "no user \(username)")
        }
        return .user(try CurrentUser(user, sessionKind: "cli"))
    }
}

import Vapor

/// `tuopin backup PATH` and `tuopin restore PATH`.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "the backup file to write (must not exist)") var path: String
    }
    var help: String {
        "Writes a consistent backup of the database (SQLite: VACUUM INTO, safe while serving; PostgreSQL: pg_dump)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let tables = try await Backup.backup(app: app, to: signature.path)
        context.console.print(
            "backup written to \(signature.path): \(tables.count) tables, \(tables.map(\.rows).reduce(0, +)) rows "
                + "(counted in the backup); digest \(TableDigest.digest(tables).prefix(16))"
        )
    }
}

struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "a file written by tuopin backup") var path: String
    }
    var help: String {
        "Restores a backup into an empty database (stop the server first), then verifies the audit chain."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Backup.restore(app: app, from: signature.path)
        let result = try await AuditVerifier.verify(on: app.systemData)
        if let broken = result.firstBreak {
            throw AuditCommand.AuditChainBroken(detail: broken.description, checked: result.checked)
        }
        let tables = try await TableDigest.all(on: app.systemData)
        context.console.print(
            "restored \(tables.count) tables, \(tables.map(\.rows).reduce(0, +)) rows; digest "
                + "\(TableDigest.digest(tables).prefix(16)); audit chain intact (\(result.checked) entries)"
        )
    }
}

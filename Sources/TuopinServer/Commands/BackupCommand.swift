import Crypto
import Fluent
import Foundation
import SQLKit
import FluentSQLiteDriver
import Vapor

/// Backups (issue #9, item 6): a consistent copy of a live database, and its restore into an
/// empty one. SQLite: `VACUUM INTO` (a transactionally consistent copy while the server runs).
/// PostgreSQL: `pg_dump --format=custom` / `pg_restore`. The data key is not in the backup: keep
/// `data/tuopin.key` (or `TUOPIN_DATA_KEY`) apart from it.
enum Backup {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Writes a backup of the running database to `path` (which must not exist), readable by its
    /// owner only, and returns the digest of what the backup holds (not of the live database,
    /// which may have moved on while it was written).
    static func backup(app: Application, to path: String) async throws -> [TableDigest.Entry] {
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure(description: "\(path) already exists; choose a new file") }
        // Created 0600 whatever the caller's umask: the backup holds the registry (issue #22, C1).
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "\(path) cannot be created")
        }
        do {
            switch app.tuopin.settings.database {
            case .sqlite:
                // VACUUM INTO wants a file that does not exist or is empty: it writes into ours.
                try await app.systemData.sqlDatabase.raw("VACUUM INTO \(bind: path)").run()
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
                let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: app.logger)
                do {
                    let digest = try await TableDigest.all(on: connection.sql(), postgres: false)
                    try await connection.close()
                    return digest
                } catch {
                    try? await connection.close()
                    throw error
                }
            case .postgres(let url, let searchPath):
                // pg_dump reads the snapshot this transaction exported, and the digest is taken in
                // the same transaction: both see exactly the same rows.
                return try await app.systemData.transaction { db in
                    try await db.sqlDatabase.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
                    struct Snapshot: Decodable { let id: String }
                    let snapshot = try await db.sqlDatabase.raw("SELECT pg_export_snapshot() AS id").first(decoding: Snapshot.self)
                    var arguments = ["--format=custom", "--no-owner", "--file=\(path)", "--dbname=\(url)"]
                    if let snapshot { arguments.append("--snapshot=\(snapshot.id)") }
                    if let searchPath { arguments.append("--schema=\(searchPath)") }
                    try run("pg_dump", arguments)
                    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
                    return try await TableDigest.all(on: db.sqlDatabase, postgres: true)
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Restores `path` into the app's database, which must be empty (no tables). Stop the server first.
    static func restore(app: Application, from path: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else { throw Failure(description: "\(path) does not exist") }
        guard try await TableDigest.tables(on: app.systemData).isEmpty else {
            throw Failure(description: "the database is not empty; restore into an empty one (for SQLite: stop the server, move data/tuopin.sqlite away)")
        }
        switch app.tuopin.settings.database {
        case .sqlite(let target):
            // Close the (empty) file's connections before replacing it; the next use reopens it.
            app.databases.reinitialize(.sqlite)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: path, toPath: target)
            try await app.systemData.sqlDatabase.raw("PRAGMA journal_mode=WAL").run()
        case .postgres(let url, _):
            try run("pg_restore", ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname=\(url)", path])
        }
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(tool) failed (\(process.terminationStatus)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

/// Row counts and content hashes of every table, to compare a restore with its source.
enum TableDigest {
    struct Entry: Equatable, Sendable, CustomStringConvertible {
        let table: String, rows: Int, sha256: String
        var description: String { "\(table): \(rows) rows, \(sha256.prefix(16))" }
    }

    /// One hash of all tables' hashes: `tuopin backup` prints it and `tuopin restore` prints the
    /// restored database's, so that the two can be compared by eye.
    static func digest(_ entries: [Entry]) -> String {
        SHA256.hash(data: Data(entries.map { "\($0.table) \($0.rows) \($0.sha256)" }.joined(separator: "\n").utf8))
            .map { String(format: "%02x", $0) }.joined()
    }

    static func tables(on db: DataAccess) async throws -> [String] {
        try await tables(on: db.sqlDatabase, postgres: db.isPostgres)
    }

    static func tables(on db: any SQLDatabase, postgres: Bool) async throws -> [String] {
        struct T: Decodable { let name: String }
        let sql = postgres
            ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        return try await db.raw(SQLQueryString(sql)).all(decoding: T.self).map(\.name)
    }

    static func all(on db: DataAccess) async throws -> [Entry] {
        try await all(on: db.sqlDatabase, postgres: db.isPostgres)
    }

    static func all(on db: any SQLDatabase, postgres: Bool) async throws -> [Entry] {
        var out: [Entry] = []
        for table in try await tables(on: db, postgres: postgres) {
            let rows = try await db.select().column("*").from(table).all()
            let lines = rows.map { row in row.allColumns.map { "\($0)=\(value(row, $0))" }.joined(separator: "\u{1f}") }.sorted()
            let hash = SHA256.hash(data: Data(lines.joined(separator: "\u{1e}").utf8)).map { String(format: "%02x", $0) }.joined()
            out.append(Entry(table: table, rows: rows.count, sha256: hash))
        }
        return out
    }

    private static func value(_ row: any SQLRow, _ column: String) -> String {
        if (try? row.decodeNil(column: column)) == true { return "∅" }
        if let v = try? row.decode(column: column, as: Int64.self) { return "i\(v)" }
        if let v = try? row.decode(column: column, as: Double.self) { return "d\(v)" }
        if let v = try? row.decode(column: column, as: Bool.self) { return "b\(v)" }
        if let v = try? row.decode(column: column, as: Date.self) { return "t\(v.timeIntervalSince1970)" }
        if let v = try? row.decode(column: column, as: String.self) { return "s\(v)" }
        return "?"
    }
}

/// `tuopin backup PATH` and `tuopin restore PATH`.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "the backup file to write (must not exist)") var path: String
    }
    var help: String { "Writes a consistent backup of the database (SQLite: VACUUM INTO, safe while serving; PostgreSQL: pg_dump)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let tables = try await Backup.backup(app: app, to: signature.path)
        context.console.print("backup written to \(signature.path): \(tables.count) tables, \(tables.map(\.rows).reduce(0, +)) rows (counted in the backup); digest \(TableDigest.digest(tables).prefix(16))")
    }
}

struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "a file written by tuopin backup") var path: String
    }
    var help: String { "Restores a backup into an empty database (stop the server first), then verifies the audit chain." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Backup.restore(app: app, from: signature.path)
        let result = try await AuditVerifier.verify(on: app.systemData)
        if let broken = result.firstBreak {
            throw AuditCommand.AuditChainBroken(detail: broken.description, checked: result.checked)
        }
        let tables = try await TableDigest.all(on: app.systemData)
        context.console.print("restored \(tables.count) tables, \(tables.map(\.rows).reduce(0, +)) rows; digest \(TableDigest.digest(tables).prefix(16)); audit chain intact (\(result.checked) entries)")
    }
}

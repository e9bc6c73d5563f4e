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
        guard !FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "\(path) already exists; choose a new file")
        }
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
                    let snapshot = try await db.sqlDatabase.raw("SELECT pg_export_snapshot() AS id").first(
                        decoding: Snapshot.self)
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
            throw Failure(
                description:
                    "the database is not empty; restore into an empty one (for SQLite: stop the server, move "
                    + "data/tuopin.sqlite away)"
            )
        }
        switch app.tuopin.settings.database {
        case .sqlite(let target):
            // Close the (empty) file's connections before replacing it; the next use reopens it.
            app.databases.reinitialize(.sqlite)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
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
            throw Failure(
                description:
                    "\(tool) failed (\(process.terminationStatus)): "
                    + "\(message.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
    }
}

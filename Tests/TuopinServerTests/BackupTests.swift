import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import TuopinServer

/// `tuopin backup` / `tuopin restore` (issue #9, item 6): a backup of a live database restores into
/// an empty one with every table's row count and content hash equal, and the audit chain intact.
@Suite struct BackupTests {
    @Test func aBackupRestoresEveryTableExactlyIntoAnEmptyDatabase() async throws {
        try await withTestApp(households: 216, cases: true) { app in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tuopin-backup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("backup.dump").path
            let written = try await Backup.backup(app: app, to: file)
            // never overwrites
            await #expect(throws: Backup.Failure.self) { _ = try await Backup.backup(app: app, to: file) }
            let source = try await TableDigest.all(on: app.systemData)
            // What it reports is counted in the backup itself, and only its owner may read it (issue #22).
            #expect(written == source)
            #expect(
                (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
                    == 0o600)
            #expect(source.count >= 20 && source.contains { $0.table == "households" && $0.rows == 216 })

            // An empty database of the same kind.
            var targetDatabase: TuopinSettings.Database
            var createdDatabase: String?
            switch app.tuopin.settings.database {
            case .sqlite:
                targetDatabase = .sqlite(path: dir.appendingPathComponent("restored.sqlite").path)
            case .postgres(let url, let schema):
                let name = "tuopin_restore_" + UUID().uuidString.prefix(8).lowercased()
                try await app.db.sqlDatabase.raw("CREATE DATABASE \(unsafeRaw: name)").run()
                createdDatabase = name
                var parts = url.split(separator: "/", omittingEmptySubsequences: false)
                parts[parts.count - 1] = Substring(name)
                targetDatabase = .postgres(url: parts.joined(separator: "/"), searchPath: schema)
            }
            let target = try await Application.make(.testing)
            target.logger.logLevel = .warning
            target.directory = DirectoryConfiguration(workingDirectory: packageRoot())
            do {
                try await configure(
                    target,
                    settings: TuopinSettings(
                        dataDirectory: dir.appendingPathComponent("data"), database: targetDatabase,
                        dataKey: Data(repeating: 7, count: 32), bcryptCost: 4, databasePoolSize: 2))
                try await Backup.restore(app: target, from: file)
                let restored = try await TableDigest.all(on: target.systemData)
                #expect(restored == source, "\(zip(restored, source).filter { $0 != $1 })")
                #expect(TableDigest.digest(restored) == TableDigest.digest(written))
                #expect(try await AuditVerifier.verify(on: target.systemData).firstBreak == nil)
                // The digest sees content, not just counts: one changed address changes the households hash.
                try await target.db.sqlDatabase.raw(
                    "UPDATE households SET address = 'changed' WHERE id = (SELECT MIN(id) FROM households)"
                ).run()
                let changed = try await TableDigest.all(on: target.systemData)
                #expect(changed.first { $0.table == "households" } != source.first { $0.table == "households" })
                #expect(changed.filter { $0.table != "households" } == source.filter { $0.table != "households" })
                // A second restore into the now full database is refused.
                await #expect(throws: Backup.Failure.self) { try await Backup.restore(app: target, from: file) }
                try await target.asyncShutdown()
            } catch {
                try? await target.asyncShutdown()
                throw error
            }
            if let createdDatabase {
                try await app.db.sqlDatabase.raw("DROP DATABASE \(unsafeRaw: createdDatabase)").run()
            }
        }
    }

    /// Issue #22, C1: the database, its log and the key are created readable by their owner only,
    /// and a data directory of an earlier version (files 0644) is restricted when the app starts.
    @Test func dataFilesAreTheOwnersAlone() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tuopin-modes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("files/evidence"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = dir.appendingPathComponent("files/evidence/scan.pdf").path
        #expect(
            FileManager.default.createFile(
                atPath: old, contents: Data("%PDF-".utf8), attributes: [.posixPermissions: 0o644]))
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        app.directory = DirectoryConfiguration(workingDirectory: packageRoot())
        do {
            try await configure(
                app,
                settings: TuopinSettings(
                    dataDirectory: dir, database: .sqlite(path: dir.appendingPathComponent("tuopin.sqlite").path),
                    dataKey: nil, bcryptCost: 4, databasePoolSize: 2))
            try await app.autoMigrate()
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        func mode(_ path: String) throws -> Int? {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        }
        #expect(try mode(dir.path) == 0o700)
        for name in ["tuopin.sqlite", "tuopin.key", "files/evidence/scan.pdf"] {
            #expect(try mode(dir.appendingPathComponent(name).path) == 0o600, "\(name)")
        }
    }
}

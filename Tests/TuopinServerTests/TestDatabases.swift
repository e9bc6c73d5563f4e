import FluentPostgresDriver
import Foundation
import Logging
import TuopinServer

/// Seeded template databases, as SwiftPackageIndex-Server keeps its test snapshots: each distinct
/// demo configuration is migrated and seeded once per test run, and every test gets a copy of its
/// own (a copied SQLite file on tmpfs, or `CREATE DATABASE … TEMPLATE …` on PostgreSQL). A test
/// that changes the demo changes only its copy, so isolation is as if it had seeded its own.
///
/// Names carry the test process's id; a later run removes what a finished (or killed) run left.
actor TestDatabases {
    static let shared = TestDatabases()

    /// What the demo seeder is asked for; tests with equal configurations share a template.
    struct Demo: Hashable, Sendable, CustomStringConvertible {
        let households: Int?, cases: Bool, assessment: Bool
        var description: String {
            households.map { "h\($0)" + (cases ? "c" : "") + (assessment ? "a" : "") } ?? "empty"
        }
    }

    /// A test's own database: its settings and what removes it afterwards.
    struct Copy: Sendable {
        let directory: URL
        let database: TuopinSettings.Database
        let remove: @Sendable () async -> Void
    }

    typealias Seed = @Sendable (TuopinSettings) async throws -> Void

    private var templates: [Demo: Task<Copy, any Error>] = [:]
    private var cleaned = false
    private var counter = 0
    private let run = "\(getpid())x\(String(Int(Date().timeIntervalSince1970) % 1_000_000, radix: 36))"

    /// Where the tests' SQLite files live: tmpfs when the machine has one (no fsync cost there).
    static let root: URL = {
        let shm = URL(fileURLWithPath: "/dev/shm", isDirectory: true)
        let base = FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        return base.appendingPathComponent("tuopin-tests", isDirectory: true)
    }()

    /// A fresh copy of the template for `demo`, building the template first if this run has none;
    /// with `fresh`, a database seeded for this test alone (the test that seeding is deterministic).
    func copy(
        of demo: Demo, fresh: Bool = false,
        settings: @escaping @Sendable (URL, TuopinSettings.Database) -> TuopinSettings,
        seed: @escaping Seed
    ) async throws -> Copy {
        if !cleaned { cleaned = true; try await removeLeftovers() }
        counter += 1
        let name = "t\(run)n\(counter)"
        if fresh { return try await build(name, settings: settings, seed: seed) }
        let task = templates[demo] ?? Task { try await build("tpl\(run)\(demo)", settings: settings, seed: seed) }
        templates[demo] = task
        let template = try await task.value
        let directory = Self.root.appendingPathComponent(run).appendingPathComponent(name)
        // The template's directory holds the SQLite database and the files the demo stored (letter scans).
        try FileManager.default.copyItem(at: template.directory, to: directory)
        switch template.database {
        case .sqlite:
            return Copy(
                directory: directory, database: .sqlite(path: directory.appendingPathComponent("tuopin.sqlite").path),
                remove: { try? FileManager.default.removeItem(at: directory) })
        case .postgres(let url, _):
            let database = Self.database(named: Self.prefix + name)
            try await Self.admin("CREATE DATABASE \(database.name) TEMPLATE \(Self.name(of: url))")
            return Copy(
                directory: directory, database: .postgres(url: database.url, searchPath: nil),
                remove: {
                    try? FileManager.default.removeItem(at: directory)
                    try? await Self.admin("DROP DATABASE IF EXISTS \(database.name) WITH (FORCE)")
                })
        }
    }

    /// A database (and data directory) named `name`, migrated and seeded by `seed`.
    private func build(
        _ name: String, settings: @Sendable (URL, TuopinSettings.Database) -> TuopinSettings,
        seed: Seed
    ) async throws -> Copy {
        let directory = Self.root.appendingPathComponent(run).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy: Copy
        if TestDatabase.postgresURL != nil {
            let target = Self.database(named: Self.prefix + name)
            try await Self.admin("CREATE DATABASE \(target.name)")
            copy = Copy(
                directory: directory, database: .postgres(url: target.url, searchPath: nil),
                remove: {
                    try? FileManager.default.removeItem(at: directory)
                    try? await Self.admin("DROP DATABASE IF EXISTS \(target.name) WITH (FORCE)")
                })
        } else {
            copy = Copy(
                directory: directory, database: .sqlite(path: directory.appendingPathComponent("tuopin.sqlite").path),
                remove: { try? FileManager.default.removeItem(at: directory) })
        }
        try await seed(settings(directory, copy.database))
        return copy
    }

    // MARK: PostgreSQL

    /// Test databases are named after the database of `DATABASE_URL`, so that two checkouts
    /// testing against two databases of one server keep apart.
    private static var prefix: String {
        let base = TestDatabase.postgresURL.map { name(of: $0) } ?? "tuopin"
        return String(base.prefix(24)) + "_"
    }

    private static func name(of url: String) -> String {
        String(url.split(separator: "/").last?.split(separator: "?").first ?? "tuopin")
    }

    private static func database(named name: String) -> (name: String, url: String) {
        var parts = TestDatabase.postgresURL!.split(separator: "/", omittingEmptySubsequences: false)
        let query = parts[parts.count - 1].split(separator: "?", maxSplits: 1).dropFirst().first.map { "?" + $0 } ?? ""
        parts[parts.count - 1] = Substring(name + query)
        return (name, parts.joined(separator: "/"))
    }

    /// One statement on the database of `DATABASE_URL` (CREATE and DROP DATABASE cannot run in a transaction).
    @discardableResult
    static func admin(_ statement: String) async throws -> [String] {
        let configuration = try SQLPostgresConfiguration(url: TestDatabase.postgresURL!).coreConfiguration
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "tests.admin"))
        do {
            var names: [String] = []
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: statement), logger: Logger(label: "tests.admin"))
            {
                if let name = try? row.decode(String.self) { names.append(name) }
            }
            try await connection.close()
            return names
        } catch {
            try? await connection.close()
            throw error
        }
    }

    // MARK: Leftovers

    /// Removes the directories and databases of earlier runs whose process is gone.
    private func removeLeftovers() async throws {
        let fm = FileManager.default
        try fm.createDirectory(at: Self.root, withIntermediateDirectories: true)
        for entry in (try? fm.contentsOfDirectory(atPath: Self.root.path)) ?? [] where !Self.isAlive(run: entry) {
            try? fm.removeItem(at: Self.root.appendingPathComponent(entry))
        }
        guard TestDatabase.postgresURL != nil else { return }
        let pattern = Self.prefix.replacingOccurrences(of: "_", with: "\\_")
        for name in try await Self.admin("SELECT datname FROM pg_database WHERE datname LIKE '\(pattern)%'") {
            let rest = name.dropFirst(Self.prefix.count)
            let run = rest.hasPrefix("tpl") ? rest.dropFirst(3) : rest.hasPrefix("t") ? rest.dropFirst() : ""
            guard !run.isEmpty, !Self.isAlive(run: String(run)) else { continue }
            try await Self.admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// Whether the test process that made `run` (pid, then "x") is still running.
    private static func isAlive(run: String) -> Bool {
        guard let pid = Int32(run.prefix { $0.isNumber }) else { return false }
        return pid == getpid() || kill(pid, 0) == 0
    }
}

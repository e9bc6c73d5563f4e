import Fluent
import Foundation
import Leaf
import SQLKit
import Testing
import VaporTesting
@testable import TuopinServer

@Suite struct ConfigurationTests {
    @Test func malformedSettingsAreNamed() {
        #expect(throws: TuopinSettings.SettingError.self) {
            try TuopinSettings.fromEnvironment(["TUOPIN_DATA_KEY": "short"])
        }
        do { _ = try TuopinSettings.fromEnvironment(["DATABASE_URL": "mysql://x"]); Issue.record("accepted") } catch {
            #expect(error.description.hasPrefix("DATABASE_URL:"))
        }
        do { _ = try TuopinSettings.fromEnvironment(["TUOPIN_BCRYPT_COST": "3"]); Issue.record("accepted") } catch {
            #expect(error.description.hasPrefix("TUOPIN_BCRYPT_COST:"))
        }
        for bad in ["tuopin.example", "ftp://x", "https://x/?a=1"] {
            do { _ = try TuopinSettings.fromEnvironment(["TUOPIN_PUBLIC_URL": bad]); Issue.record("\(bad)") } catch {
                #expect(error.description.hasPrefix("TUOPIN_PUBLIC_URL:"))
            }
        }
        let publicURL = try? TuopinSettings.fromEnvironment(["TUOPIN_PUBLIC_URL": "https://tuopin.example.cn/"])
            .publicURL
        #expect(publicURL == "https://tuopin.example.cn")
    }

    @Test func defaultsUseSQLiteInTheDataDirectory() throws {
        let settings = try TuopinSettings.fromEnvironment([:])
        #expect(settings.database == .sqlite(path: settings.dataDirectory.appendingPathComponent("tuopin.sqlite").path))
        #expect(settings.dataDirectory.lastPathComponent == "data")
        let pg = try TuopinSettings.fromEnvironment(["DATABASE_URL": "postgres://u:p@localhost:5432/db"])
        #expect(pg.database.isPostgres)
    }

    @Test func keyFileIsCreatedOnceWithMode0600() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tuopin-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try DataProtector.loadOrCreateKeyFile(in: dir)
        let second = try DataProtector.loadOrCreateKeyFile(in: dir)
        #expect(first.count == 32 && first == second)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("tuopin.key").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func sqliteRunsInWALWithFullSync() async throws {
        guard TestDatabase.postgresURL == nil else { return }
        try await withTestApp(households: nil) { app in
            let sql = app.db.sqlDatabase
            let journal = try await sql.raw("PRAGMA journal_mode").first(
                decodingColumn: "journal_mode", as: String.self)
            let synchronous = try await sql.raw("PRAGMA synchronous").first(decodingColumn: "synchronous", as: Int.self)
            let foreignKeys = try await sql.raw("PRAGMA foreign_keys").first(
                decodingColumn: "foreign_keys", as: Int.self)
            #expect(journal == "wal")
            #expect(synchronous == 2)  // FULL
            #expect(foreignKeys == 1)
        }
    }

    @Test func personalDataIsEncryptedAndIndexed() async throws {
        try await withTestApp(households: 30) { app in
            let member = try #require(try await Member.query(on: app.db).first())
            let plain = try app.tuopin.protector.decrypt(member.idCipher)
            #expect(plain.count == 18)
            #expect(!member.idCipher.contains(plain))
            #expect(member.idHMAC == app.tuopin.protector.index(plain))
            // The region code and the check character only; no birth date stored beside it (issue #22, C1).
            #expect(member.idMasked == String(plain.prefix(6)) + "***********" + String(plain.suffix(1)))
            let columns =
                try await app.db.sqlDatabase.select().column("*").from("members").limit(1).first()?.allColumns ?? []
            #expect(!columns.isEmpty && !columns.contains("birth_date"))
        }
    }

    @Test func demoIsDeterministicAndRefusesToRunTwice() async throws {
        try await withTestApp(households: 60) { app in
            #expect(try await Household.query(on: app.db).count() == 60)
            let people = try await Member.query(on: app.db).count()
            let declared = try await Household.query(on: app.db).all().reduce(0) { $0 + $1.memberCount }
            #expect(people == declared)
            let units = try await OrgUnit.query(on: app.db).count()
            #expect(units == 1 + 7 + 74 + 3 * 9 + 3 * 9 * 8)
            let firstNames = try await Member.query(on: app.db).sort(\.$id).limit(5).all().map(\.name)
            await #expect(throws: AppError.registryNotEmpty) {
                _ = try await DemoSeeder(app: app, households: 10, seed: 11).run(password: demoPassword)
            }
            // Seeded again, not copied from the template the first app came from.
            try await withTestApp(households: 60, fresh: true) { again in
                let names = try await Member.query(on: again.db).sort(\.$id).limit(5).all().map(\.name)
                #expect(names == firstNames)
            }
        }
    }
}

@Suite struct NightlyCheckTests {
    /// The nightly check runs at 02:00 Beijing time (18:00 UTC the day before), the next one strictly later.
    @Test func nextRunIsTwoInTheMorningInBeijing() throws {
        let iso = ISO8601DateFormatter()
        #expect(
            NightlyCheckLifecycle.nextRun(after: iso.date(from: "2026-11-28T06:00:00Z")!)
                == iso.date(from: "2026-11-28T18:00:00Z"))
        #expect(
            NightlyCheckLifecycle.nextRun(after: iso.date(from: "2026-11-28T18:00:00Z")!)
                == iso.date(from: "2026-11-29T18:00:00Z"))
        #expect(
            NightlyCheckLifecycle.nextRun(after: iso.date(from: "2026-11-28T17:59:59Z")!)
                == iso.date(from: "2026-11-28T18:00:00Z"))
        #expect(try TuopinSettings.fromEnvironment([:]).nightlyCheck)
        #expect(try !TuopinSettings.fromEnvironment(["TUOPIN_NIGHTLY_CHECK": "0"]).nightlyCheck)
        #expect(throws: TuopinSettings.SettingError.self) {
            try TuopinSettings.fromEnvironment(["TUOPIN_NIGHTLY_CHECK": "sometimes"])
        }
        #expect(try !TuopinSettings.fromEnvironment([:]).benchRoutes)
        #expect(try TuopinSettings.fromEnvironment(["TUOPIN_BENCH": "1"]).benchRoutes)
    }

    /// Templates are parsed once whatever `--env` the server runs in (it ran in development by
    /// default and re-read every template on every page); `TUOPIN_TEMPLATE_RELOAD=1` asks for re-reading.
    @Test func templatesAreParsedOnceUnlessReloadIsAsked() async throws {
        #expect(try !TuopinSettings.fromEnvironment([:]).templateReload)
        #expect(try TuopinSettings.fromEnvironment(["TUOPIN_TEMPLATE_RELOAD": "1"]).templateReload)
        #expect(throws: TuopinSettings.SettingError.self) {
            try TuopinSettings.fromEnvironment(["TUOPIN_TEMPLATE_RELOAD": "sometimes"])
        }
        try await withTestApp(households: nil) { app in
            try await app.testing().test(.GET, "/login") { res async in #expect(res.status == .ok) }
            #expect(app.leaf.cache.count > 0)
        }
        // Leaf's own provider turned the cache off in the development environment, which `serve` runs in.
        for reload in [false, true] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tuopin-leaf-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            var settings = testSettings(
                directory: dir, database: .sqlite(path: dir.appendingPathComponent("t.sqlite").path))
            settings.templateReload = reload
            let app = try await Application.make(.development)
            app.logger.logLevel = .warning
            app.directory = DirectoryConfiguration(workingDirectory: packageRoot())
            try await configure(app, settings: settings, now: { Date() })
            _ = app.view
            #expect(app.leaf.cache.isEnabled == !reload)
            try await app.asyncShutdown()
        }
    }
}

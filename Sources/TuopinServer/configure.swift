import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import LeafKit
import SQLKit
import TuopinCore
import Vapor

/// Configures the app from `settings`. Tests call this with their own database, clock and key.
/// Fails fast, naming the setting, if anything it reads is unusable.
public func configure(
    _ app: Application, settings: TuopinSettings,
    now: @escaping @Sendable () -> Date = { Date() }
) async throws {
    let fm = FileManager.default
    // Every file Tuopin creates — database, write-ahead log, key, backups, exports, scans — is
    // its owner's alone (issue #22, C1: the database was created 0644).
    umask(0o077)
    do {
        try fm.createDirectory(
            at: settings.dataDirectory.appendingPathComponent("files"), withIntermediateDirectories: true)
    } catch {
        throw TuopinSettings.SettingError(
            name: "TUOPIN_DATA_DIR", problem: "cannot create \(settings.dataDirectory.path)")
    }
    DataFiles.restrict(settings.dataDirectory)
    let key = try settings.dataKey ?? DataProtector.loadOrCreateKeyFile(in: settings.dataDirectory)

    // Before anything reports a metric: until then swift-metrics drops them.
    Telemetry.start()
    switch settings.database {
    case .sqlite(let path):
        app.databases.use(
            .sqlite(.init(storage: .file(path: path), enableForeignKeys: true), sqlLogLevel: nil), as: .sqlite)
        try await app.systemData.prepareSQLiteFile()
    case .postgres(let url, let searchPath):
        var config: SQLPostgresConfiguration
        do { config = try SQLPostgresConfiguration(url: url) } catch {
            throw TuopinSettings.SettingError(
                name: "DATABASE_URL", problem: "expected postgres://user:password@host:port/database")
        }
        if let searchPath { config.searchPath = [searchPath] }
        app.databases.use(
            .postgres(
                configuration: config, maxConnectionsPerEventLoop: settings.databasePoolSize, sqlLogLevel: .debug),
            as: .psql)
    }
    let loops = Array(app.eventLoopGroup.makeIterator()).count
    Telemetry.databasePool(
        engine: settings.database.isPostgres ? "postgresql" : "sqlite",
        connections: loops * (settings.database.isPostgres ? settings.databasePoolSize : 1))

    app.tuopin = AppContext(
        settings: settings, protector: DataProtector(masterKey: key),
        gate: WriteGate(enabled: !settings.database.isPostgres), now: now,
        decoyHash: try Bcrypt.hash(AuthService.randomToken(), cost: settings.bcryptCost),
        passwordPolicy: PasswordPolicy(
            maxAgeDays: settings.passwordMaxDays,
            common: try commonPasswords(app.directory.resourcesDirectory)))
    app.auditReads = app.makeAuditAppender()
    app.localizer = try Localizer.load(from: app.directory.resourcesDirectory + "Locales")
    app.countyMap = try CountyMap.load(app.directory.resourcesDirectory + "Data/xizang-counties.geojson")
    app.migrations.add(Migrations.all)

    // Leaf's own `.leaf` provider switches the template cache off in the development environment,
    // which `tuopin serve` runs in unless given `--env`; this one keeps `templateReload`'s choice.
    app.views.use { app in
        LeafRenderer(
            configuration: app.leaf.configuration, tags: app.leaf.tags, cache: app.leaf.cache,
            sources: app.leaf.sources, eventLoop: app.eventLoopGroup.next(), userInfo: ["application": app])
    }
    app.leaf.tags["url"] = SiteURLTag()
    app.leaf.tags["money"] = MoneyTag()
    InboxCount.install(app)
    app.leaf.cache.isEnabled = !settings.templateReload
    app.routes.defaultMaxBodySize = "1mb"

    useMiddleware(app)
    try routes(app)
    useCommands(app)
}

/// The middleware, outermost first.
private func useMiddleware(_ app: Application) {
    app.middleware = Middlewares()
    app.middleware.use(MetricsMiddleware())
    _ = app.progressBoard
    // Outside the error middleware, so that error pages and refusals carry the headers too.
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(TuopinErrorMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(SessionAuthenticator())
    app.middleware.use(RestrictedSessionMiddleware())
    app.middleware.use(CSRFMiddleware())
    app.middleware.use(ChangeReasonMiddleware())
}

/// `tuopin demo/audit/backup/restore/import/export/check/rollup/user/bench` (`serve` is Vapor's).
private func useCommands(_ app: Application) {
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(CheckCommand(), as: "check")
    app.asyncCommands.use(RollupCommand(), as: "rollup")
    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(BenchCommand(), as: "bench")
}

extension TuopinSettings.Database {
    var isPostgres: Bool { if case .postgres = self { true } else { false } }
}

/// `serve` on an empty database migrates, loads the tree and builds a demo region with its
/// logins, so that `swift run tuopin serve` works on a fresh machine with nothing else.
public func prepareIfServing(_ app: Application) async throws {
    let args = app.environment.arguments
    // `serve` is also the default command when only flags are given; help is not serving.
    guard args.count < 2 || args[1] == "serve" || (args[1].hasPrefix("-") && !["--help", "-h"].contains(args[1])),
        !args.contains("--help"), !args.contains("-h")
    else { return }
    try await app.autoMigrate()
    try await OrgTree.loadIfEmpty(app)
    app.lifecycle.use(AuditAnchorLifecycle())
    if app.tuopin.settings.nightlyCheck { app.lifecycle.use(NightlyCheckLifecycle()) }
    guard try await app.systemData.rows(User.self).count() == 0 else { return }
    let households = app.tuopin.settings.demoHouseholds
    app.logger.notice("Empty database: building a demo region with \(households) households…")
    let started = Date()
    let summary = try await DemoSeeder(app: app, households: households, seed: 2020).run(password: nil)
    DemoCommand.printLogins(summary, seconds: Date().timeIntervalSince(started))
}

/// The shipped list of the 10,000 most common passwords (`Resources/Data/common-passwords.txt`).
private func commonPasswords(_ resources: String) throws -> Set<String> {
    let path = resources + "Data/common-passwords.txt"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw TuopinSettings.SettingError(
            name: path, problem: "missing: the list of common passwords ships with Tuopin")
    }
    return PasswordPolicy.commonList(text)
}

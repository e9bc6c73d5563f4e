import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import TuopinServer

/// A clock the tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_795_000_000)
    var now: Date { lock.lock(); defer { lock.unlock() }; return current }
    func advance(_ seconds: TimeInterval) { lock.lock(); current += seconds; lock.unlock() }
}

enum TestDatabase {
    /// PostgreSQL when DATABASE_URL is set (each test in a schema of its own), else a SQLite file.
    static var postgresURL: String? { ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }
}

let demoPassword = "Demo-pass-2026!"
/// Counties the test demo covers: two in Lhasa (5401), one in Shigatse (5402).
let testCounties: Set<String> = ["540102", "540103", "540202"]

/// Builds a fresh app on a fresh database, migrated, optionally with a small demo region,
/// runs `body`, and removes everything afterwards.
/// At most this many test apps at once (PostgreSQL has 100 connection slots); a nested app (a
/// test that compares two databases) runs inside its parent's slot.
actor TestSlots {
    static let shared = TestSlots(limit: 8)
    @TaskLocal static var held = false
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    init(limit: Int) { free = limit }
    func acquire() async {
        if free > 0 { free -= 1 } else { await withCheckedContinuation { waiters.append($0) } }
    }
    func release() {
        if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
    }
}

@discardableResult
func withTestApp<T>(households: Int? = 216, cases: Bool = false, clock: TestClock = TestClock(), secureCookies: Bool = false,
                    _ body: (Application) async throws -> T) async throws -> T {
    if TestSlots.held { return try await runTestApp(households: households, cases: cases, clock: clock, secureCookies: secureCookies, body) }
    await TestSlots.shared.acquire()
    do {
        let result = try await TestSlots.$held.withValue(true) { try await runTestApp(households: households, cases: cases, clock: clock, secureCookies: secureCookies, body) }
        await TestSlots.shared.release()
        return result
    } catch {
        await TestSlots.shared.release()
        throw error
    }
}

private func runTestApp<T>(households: Int?, cases: Bool, clock: TestClock, secureCookies: Bool, _ body: (Application) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tuopin-test-\(UUID().uuidString)")
    let schema = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
    let database: TuopinSettings.Database = TestDatabase.postgresURL.map { .postgres(url: $0, searchPath: schema) }
        ?? .sqlite(path: dir.appendingPathComponent("tuopin.sqlite").path)
    let settings = TuopinSettings(dataDirectory: dir, database: database, dataKey: Data(repeating: 7, count: 32), bcryptCost: 4,
                                  databasePoolSize: 2, secureCookies: secureCookies)
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    app.directory = DirectoryConfiguration(workingDirectory: packageRoot())
    do {
        try await configure(app, settings: settings, now: { clock.now })
        if settings.database.isPostgres { try await app.db.sqlDatabase.raw("CREATE SCHEMA \(unsafeRaw: schema)").run() }
        try await app.autoMigrate()
        if let households {
            var seeder = DemoSeeder(app: app, households: households, seed: 11)
            seeder.counties = testCounties
            seeder.withCases = cases
            _ = try await seeder.run(password: demoPassword)
        }
        let result = try await body(app)
        try await teardown(app, schema: schema, dir: dir)
        return result
    } catch {
        // PostgreSQL errors hide their details unless asked.
        Issue.record("withTestApp: \(String(reflecting: error))")
        try? await teardown(app, schema: schema, dir: dir)
        throw error
    }
}

private func teardown(_ app: Application, schema: String, dir: URL) async throws {
    if app.tuopin.settings.database.isPostgres {
        try await app.db.sqlDatabase.raw("DROP SCHEMA IF EXISTS \(unsafeRaw: schema) CASCADE").run()
    }
    try await app.asyncShutdown()
    try? FileManager.default.removeItem(at: dir)
}

/// The package root, so tests find Resources/ and Public/ wherever they run from.
func packageRoot() -> String {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path + "/" }
    }
    return FileManager.default.currentDirectoryPath + "/"
}

extension Application {
    /// Logs in through the API and returns the bearer token.
    func token(_ username: String, password: String = demoPassword) async throws -> String {
        var token = ""
        try await testing().test(.POST, "/api/v1/tokens", beforeRequest: { req in
            try req.content.encode(["username": username, "password": password])
        }, afterResponse: { res async throws in
            #expect(res.status == .ok, "login of \(username) failed: \(res.body.string)")
            token = try res.content.decode(SessionController.TokenResponse.self).token
        })
        return token
    }

    /// Logs in through the web form and returns the session cookie value.
    func webLogin(_ username: String, password: String = demoPassword) async throws -> String {
        var cookie = ""
        try await testing().test(.POST, "/login", beforeRequest: { req in
            try req.content.encode(["username": username, "password": password], as: .urlEncodedForm)
        }, afterResponse: { res async in
            #expect(res.status == .seeOther, "web login of \(username): \(res.status)")
            cookie = res.headers.setCookie?[SessionAuthenticator.cookieName]?.string ?? ""
        })
        return cookie
    }

    /// A web session: headers carrying the cookie, and the CSRF token its forms need.
    func session(_ username: String) async throws -> (HTTPHeaders, String) {
        let cookie = try await webLogin(username)
        var headers = HTTPHeaders(); headers.cookie(cookie)
        return (headers, CSRFMiddleware.token(forSession: cookie))
    }

    func householdID(inTownship township: String) async throws -> Int {
        try await Household.query(on: db).filter(\.$townshipCode == township).sort(\.$id).first()!.requireID()
    }

    func auditCount() async throws -> Int {
        try await db.sqlDatabase.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("audit_log")
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }
}

extension HTTPHeaders {
    mutating func cookie(_ value: String) {
        add(name: .cookie, value: "\(SessionAuthenticator.cookieName)=\(value)")
    }
}

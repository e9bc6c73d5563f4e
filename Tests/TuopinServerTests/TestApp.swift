import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import TuopinServer
import TuopinCore

/// A clock the tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_795_000_000)
    var now: Date { lock.lock(); defer { lock.unlock() }; return current }
    func advance(_ seconds: TimeInterval) { lock.lock(); current += seconds; lock.unlock() }
}

enum TestDatabase {
    /// PostgreSQL when DATABASE_URL is set (each test in a database of its own, copied from a
    /// template; see `TestDatabases`), else a SQLite file.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
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
func withTestApp<T>(
    households: Int? = 216, cases: Bool = false, assessment: Bool = false, clock: TestClock = TestClock(),
    secureCookies: Bool = false,
    benchRoutes: Bool = false, fresh: Bool = false, _ body: (Application) async throws -> T
) async throws -> T {
    if TestSlots.held {
        return try await runTestApp(
            households: households, cases: cases, assessment: assessment, clock: clock, secureCookies: secureCookies,
            benchRoutes: benchRoutes, fresh: fresh, body)
    }
    await TestSlots.shared.acquire()
    do {
        let result = try await TestSlots.$held.withValue(true) {
            try await runTestApp(
                households: households, cases: cases, assessment: assessment, clock: clock,
                secureCookies: secureCookies,
                benchRoutes: benchRoutes, fresh: fresh, body)
        }
        await TestSlots.shared.release()
        return result
    } catch {
        await TestSlots.shared.release()
        throw error
    }
}

/// Builds a fresh app on a copy of the template database for its demo configuration (seeded once per
/// run, see `TestDatabases`), or with `fresh` on a database migrated and seeded for it alone.
private func runTestApp<T>(
    households: Int?, cases: Bool, assessment: Bool, clock: TestClock, secureCookies: Bool, benchRoutes: Bool,
    fresh: Bool, _ body: (Application) async throws -> T
) async throws -> T {
    let demo = TestDatabases.Demo(households: households, cases: cases, assessment: assessment)
    let copy = try await TestDatabases.shared.copy(
        of: demo, fresh: fresh, settings: { testSettings(directory: $0, database: $1) }
    ) { settings in
        // The template (or the fresh database): migrated and seeded on the test clock's starting time.
        let app = try await makeTestApp(settings, clock: TestClock())
        do {
            try await app.autoMigrate()
            if let households {
                var seeder = DemoSeeder(app: app, households: households, seed: 11)
                seeder.counties = testCounties
                seeder.withCases = cases
                // Last year's assessment reads every prefecture and county: only for the tests about it.
                seeder.withAssessment = assessment
                _ = try await seeder.run(password: demoPassword)
            }
            if case .sqlite = settings.database {
                try await app.db.sqlDatabase.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            }
            try await app.asyncShutdown()
        } catch {
            Issue.record("template \(demo): \(String(reflecting: error))")
            try? await app.asyncShutdown()
            throw error
        }
    }
    var settings = testSettings(directory: copy.directory, database: copy.database)
    settings.secureCookies = secureCookies
    settings.benchRoutes = benchRoutes
    let app: Application
    do { app = try await makeTestApp(settings, clock: clock) } catch { await copy.remove(); throw error }
    do {
        let result = try await body(app)
        try await app.asyncShutdown()
        await copy.remove()
        return result
    } catch {
        // PostgreSQL errors hide their details unless asked.
        Issue.record("withTestApp: \(String(reflecting: error))")
        try? await app.asyncShutdown()
        await copy.remove()
        throw error
    }
}

/// The settings every test app runs with: a fixed data key, cheap password hashes, a small pool.
func testSettings(directory: URL, database: TuopinSettings.Database) -> TuopinSettings {
    TuopinSettings(
        dataDirectory: directory, database: database, dataKey: Data(repeating: 7, count: 32), bcryptCost: 4,
        databasePoolSize: 2)
}

/// A configured app (not migrated) on `settings`.
func makeTestApp(_ settings: TuopinSettings, clock: TestClock) async throws -> Application {
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    app.directory = DirectoryConfiguration(workingDirectory: packageRoot())
    do {
        try await configure(app, settings: settings, now: { clock.now })
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    return app
}

/// The package root, so tests find Resources/ and Public/ wherever they run from.
func packageRoot() -> String {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            return url.path + "/"
        }
    }
    return FileManager.default.currentDirectoryPath + "/"
}

extension Application {
    /// The TOTP secret of a user whose role needs two factors (or who has them), enrolling them
    /// first through the service the enrolment page uses; nil for other users.
    func totpSecret(_ username: String) async throws -> [UInt8]? {
        guard let user = try await User.query(on: db).filter(\.$username == username).with(\.$bindings).first(),
            TwoFactorRule.isRequired(for: user.scope) || user.totpEnabledAt != nil
        else { return nil }
        if user.totpEnabledAt == nil {
            let current = try CurrentUser(user, sessionKind: "test")
            try await TwoFactorService.begin(app: self, user: current)
            _ = try await TwoFactorService.confirm(
                app: self, user: current,
                code: TOTP(secret: try await storedTOTPSecret(username)).code(at: tuopin.now()))
        }
        // Tests sign in many times within one 30-second step of the test clock, and a code is good
        // only once: forget the last used step (a test harness shortcut, not something the app does).
        try await User.query(on: db).filter(\.$username == username).set(\.$totpLastStep, to: nil).update()
        return try await storedTOTPSecret(username)
    }

    func storedTOTPSecret(_ username: String) async throws -> [UInt8] {
        let user = try await User.query(on: db).filter(\.$username == username).first()!
        return Base32.decode(try tuopin.protector.decrypt(user.totpSecret!))!
    }

    /// The current one-time code of a user with two factors, or nil.
    func totpCode(_ username: String) async throws -> String? {
        try await totpSecret(username).map { TOTP(secret: $0).code(at: tuopin.now()) }
    }

    /// Logs in through the API (with the one-time code when the user has two factors) and returns the bearer token.
    func token(_ username: String, password: String = demoPassword) async throws -> String {
        var token = ""
        var body = ["username": username, "password": password]
        if let code = try await totpCode(username) { body["totp"] = code }
        try await testing().test(
            .POST, "/api/v1/tokens",
            beforeRequest: { req in
                try req.content.encode(body)
            },
            afterResponse: { res async throws in
                #expect(res.status == .ok, "login of \(username) failed: \(res.body.string)")
                token = try res.content.decode(SessionController.TokenResponse.self).token
            })
        return token
    }

    /// What a browser holds after opening the login page: the form's token and the cookie it must
    /// match (login CSRF, issue #22), plus any `cookies` given.
    func loginForm(cookies: String? = nil) async throws -> (headers: HTTPHeaders, token: String) {
        var token = ""
        try await testing().test(.GET, "/login") { res in
            token =
                res.headers.setCookie?[LoginCSRF.cookieName]?.string ?? res.headers.setCookie?[
                    LoginCSRF.secureCookieName]?.string ?? ""
        }
        var headers = HTTPHeaders()
        let name = tuopin.settings.secureCookies ? LoginCSRF.secureCookieName : LoginCSRF.cookieName
        headers.add(name: .cookie, value: ([cookies].compactMap { $0 } + ["\(name)=\(token)"]).joined(separator: "; "))
        return (headers, token)
    }

    /// Logs in through the web form (and the code page when the user has two factors) and returns the session cookie
    /// value.
    func webLogin(_ username: String, password: String = demoPassword) async throws -> String {
        var cookie = ""
        let code = try await totpCode(username)
        let form = try await loginForm()
        try await testing().test(
            .POST, "/login", headers: form.headers,
            beforeRequest: { req in
                try req.content.encode(
                    ["username": username, "password": password, "_csrf": form.token], as: .urlEncodedForm)
            },
            afterResponse: { res async in
                #expect(res.status == .seeOther, "web login of \(username): \(res.status)")
                #expect(res.headers.first(name: .location) == (code == nil ? "/" : "/login/second-factor"))
                cookie = res.headers.setCookie?[SessionAuthenticator.cookieName]?.string ?? ""
            })
        guard let code else { return cookie }
        var headers = HTTPHeaders(); headers.cookie(cookie)
        try await testing().test(
            .POST, "/login/second-factor", headers: headers,
            beforeRequest: { req in
                try req.content.encode(
                    ["code": code, "_csrf": CSRFMiddleware.token(forSession: cookie)], as: .urlEncodedForm)
            },
            afterResponse: { res async in
                #expect(
                    res.status == .seeOther,
                    "second factor of \(username): \(res.status) \(res.body.string.prefix(200))")
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

    /// A page or API read: its status and body.
    func get(_ path: String, _ headers: HTTPHeaders) async throws -> (HTTPResponseStatus, String) {
        var out: (HTTPResponseStatus, String) = (.ok, "")
        try await testing().test(.GET, path, headers: headers) { res in out = (res.status, res.body.string) }
        return out
    }

    /// A form post of a web session (the CSRF token is added): status, body and redirect target.
    func postForm(_ path: String, _ session: (HTTPHeaders, String), _ fields: [(String, String)]) async throws -> (
        HTTPResponseStatus, String, String?
    ) {
        var headers = session.0; headers.contentType = .urlEncodedForm
        let body = ([("_csrf", session.1)] + fields).map { k, v in
            "\(k)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? v)"
        }.joined(separator: "&")
        var out: (HTTPResponseStatus, String, String?) = (.ok, "", nil)
        try await testing().test(.POST, path, headers: headers, body: ByteBuffer(string: body)) { res in
            out = (res.status, res.body.string, res.headers.first(name: .location))
        }
        return out
    }

    /// A JSON API call with a bearer token: status and body.
    func api(_ method: HTTPMethod, _ path: String, token: String, json: String? = nil) async throws -> (
        HTTPResponseStatus, String
    ) {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        if json != nil { headers.contentType = .json }
        var out: (HTTPResponseStatus, String) = (.ok, "")
        try await testing().test(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) }) { res in
            out = (res.status, res.body.string)
        }
        return out
    }

    func householdID(inTownship township: String) async throws -> RowID<Household> {
        try await Household.query(on: db).filter(\.$townshipCode == township).sort(\.$id).first()!.requireID()
    }

    func auditCount() async throws -> Int {
        try await db.sqlDatabase.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("audit_log")
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// Entries of one action.
    func auditCount(action: String) async throws -> Int {
        try await db.sqlDatabase.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("audit_log")
            .where("action", .equal, action).first(decodingColumn: "n", as: Int.self) ?? 0
    }
}

extension TestingHTTPResponse {
    /// A page refused for want of a session: sent to the login form (`LoginReturn`).
    var sendsToLogin: Bool {
        status == .seeOther && (headers.first(name: .location) ?? "").hasPrefix("/login")
    }
}

extension HTTPHeaders {
    mutating func cookie(_ value: String) {
        add(name: .cookie, value: "\(SessionAuthenticator.cookieName)=\(value)")
    }
}

/// JSON for a test's request body: typed ids (`RowID`) in it are written as the plain numbers the
/// API reads.
func jsonBody(_ object: Any) throws -> Data {
    func plain(_ value: Any) -> Any {
        if let d = value as? [String: Any] { return d.mapValues(plain) }
        if let a = value as? [Any] { return a.map(plain) }
        if let r = value as? any RawRepresentable, let n = r.rawValue as? Int { return n }
        return value
    }
    return try JSONSerialization.data(withJSONObject: plain(object))
}

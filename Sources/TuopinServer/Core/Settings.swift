import Foundation

/// Every setting Tuopin reads, validated at start. A missing or malformed setting stops the
/// process with one line naming it (`SettingError.description`).
public struct TuopinSettings: Sendable {
    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String, searchPath: String?)
    }

    public var dataDirectory: URL
    public var database: Database
    /// 32 bytes: from `TUOPIN_DATA_KEY` or the key file; nil means "read or create the key file".
    public var dataKey: Data?
    public var bcryptCost: Int
    /// Households generated when `serve` starts on an empty database.
    public var demoHouseholds: Int
    /// Bearer token that lets a scraper read `/metrics` from another host (loopback needs none).
    public var metricsToken: String?
    /// PostgreSQL connections per event loop (one event loop per core).
    public var databasePoolSize: Int
    /// Largest file the import accepts, from the web or the command line.
    public var maxUploadBytes: Int
    /// A web session unused this long ends (等保: idle timeout).
    public var sessionIdle: TimeInterval
    /// Session cookie as `__Host-tuopin_session` with `Secure` (set when TLS ends at a proxy in front).
    public var secureCookies: Bool
    /// Days after which a password must be changed (等保).
    public var passwordMaxDays: Int
    /// Check every rule over the region each night at 02:00 Beijing time while serving.
    public var nightlyCheck: Bool = true
    /// `tuopin bench` sets this in the server it measures: adds the constant route `/bench/hello`.
    public var benchRoutes = false
    /// Addresses of the reverse proxies in front (`TUOPIN_TRUSTED_PROXIES`): from these only, the
    /// client's address is read from `X-Forwarded-For`, so that per-address limits stay per client.
    public var trustedProxies: Set<String> = []
    /// The portal's public address (`TUOPIN_PUBLIC_URL`, e.g. `https://tuopin.example.gov.cn`), printed with
    /// a QR code on the notice sheets; without it, the address the sheet was opened at.
    public var publicURL: String?
    /// Read the page templates from disk on every request (`TUOPIN_TEMPLATE_RELOAD=1`, for editing
    /// them); otherwise each is parsed once. Off by default: parsing took a sixth of a page's time.
    public var templateReload = false

    public init(
        dataDirectory: URL, database: Database, dataKey: Data? = nil, bcryptCost: Int = 12,
        demoHouseholds: Int = 3_000, metricsToken: String? = nil, databasePoolSize: Int = 4,
        maxUploadBytes: Int = 64 << 20, sessionIdle: TimeInterval = 30 * 60, secureCookies: Bool = false,
        passwordMaxDays: Int = 90
    ) {
        self.dataDirectory = dataDirectory
        self.database = database
        self.dataKey = dataKey
        self.bcryptCost = bcryptCost
        self.demoHouseholds = demoHouseholds
        self.metricsToken = metricsToken
        self.databasePoolSize = databasePoolSize
        self.maxUploadBytes = maxUploadBytes
        self.sessionIdle = sessionIdle
        self.secureCookies = secureCookies
        self.passwordMaxDays = passwordMaxDays
    }

    public struct SettingError: Error, CustomStringConvertible {
        public let name: String, problem: String
        public var description: String { "\(name): \(problem)" }
    }

    /// The names this reads, for the README and for error messages.
    public static let environmentNames = [
        "TUOPIN_DATA_DIR", "DATABASE_URL", "TUOPIN_DATA_KEY", "TUOPIN_BCRYPT_COST",
        "TUOPIN_DEMO_HOUSEHOLDS", "TUOPIN_METRICS_TOKEN", "TUOPIN_DB_POOL", "TUOPIN_MAX_UPLOAD_MB",
        "TUOPIN_SESSION_IDLE_MINUTES", "TUOPIN_SECURE_COOKIES", "TUOPIN_PASSWORD_MAX_DAYS", "TUOPIN_NIGHTLY_CHECK",
        "TUOPIN_BENCH", "TUOPIN_TRUSTED_PROXIES", "TUOPIN_PUBLIC_URL", "TUOPIN_TEMPLATE_RELOAD",
    ]

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment)
        throws(SettingError) -> TuopinSettings
    {
        func nonEmpty(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        let dir = URL(fileURLWithPath: nonEmpty("TUOPIN_DATA_DIR") ?? "./data", isDirectory: true).standardizedFileURL

        let database: Database
        if let url = nonEmpty("DATABASE_URL") {
            guard let parsed = URL(string: url), ["postgres", "postgresql"].contains(parsed.scheme ?? ""),
                parsed.host != nil, parsed.path.count > 1
            else {
                throw SettingError(
                    name: "DATABASE_URL", problem: "expected postgres://user:password@host:port/database")
            }
            database = .postgres(url: url, searchPath: nil)
        } else {
            database = .sqlite(path: dir.appendingPathComponent("tuopin.sqlite").path)
        }

        var key: Data?
        if let raw = nonEmpty("TUOPIN_DATA_KEY") {
            guard let decoded = Data(base64Encoded: raw), decoded.count == 32 else {
                throw SettingError(
                    name: "TUOPIN_DATA_KEY", problem: "must be 32 bytes in base64 (openssl rand -base64 32)")
            }
            key = decoded
        }

        func flag(_ name: String) throws(SettingError) -> Bool {
            guard let raw = nonEmpty(name)?.lowercased() else { return false }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw SettingError(name: name, problem: "must be 1 or 0 (true or false)")
            }
        }

        func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws(SettingError) -> Int {
            guard let raw = nonEmpty(name) else { return value }
            guard let n = Int(raw), range.contains(n) else {
                throw SettingError(
                    name: name, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }

        var settings = TuopinSettings(
            dataDirectory: dir, database: database, dataKey: key,
            bcryptCost: try integer("TUOPIN_BCRYPT_COST", default: 12, range: 10...16),
            demoHouseholds: try integer("TUOPIN_DEMO_HOUSEHOLDS", default: 3_000, range: 0...2_000_000),
            metricsToken: nonEmpty("TUOPIN_METRICS_TOKEN"),
            databasePoolSize: try integer("TUOPIN_DB_POOL", default: 4, range: 1...64),
            maxUploadBytes: try integer("TUOPIN_MAX_UPLOAD_MB", default: 64, range: 1...1_024) << 20,
            sessionIdle: TimeInterval(try integer("TUOPIN_SESSION_IDLE_MINUTES", default: 30, range: 5...720) * 60),
            secureCookies: try flag("TUOPIN_SECURE_COOKIES"),
            passwordMaxDays: try integer("TUOPIN_PASSWORD_MAX_DAYS", default: 90, range: 1...3_650))
        settings.nightlyCheck = nonEmpty("TUOPIN_NIGHTLY_CHECK") == nil ? true : try flag("TUOPIN_NIGHTLY_CHECK")
        settings.benchRoutes = try flag("TUOPIN_BENCH")
        settings.templateReload = try flag("TUOPIN_TEMPLATE_RELOAD")
        if let raw = nonEmpty("TUOPIN_PUBLIC_URL") {
            guard let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                url.query == nil
            else {
                throw SettingError(
                    name: "TUOPIN_PUBLIC_URL", problem: "must be an http(s) address such as https://host")
            }
            settings.publicURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        }
        for raw in (nonEmpty("TUOPIN_TRUSTED_PROXIES") ?? "").split(separator: ",") {
            let address = raw.trimmingCharacters(in: .whitespaces)
            guard let canonical = ClientAddress.canonical(address) else {
                throw SettingError(
                    name: "TUOPIN_TRUSTED_PROXIES",
                    problem: "“\(address.prefix(60))” is not an IP address (list them separated by commas)")
            }
            settings.trustedProxies.insert(canonical)
        }
        return settings
    }
}

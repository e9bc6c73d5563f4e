import Foundation
import TuopinCore
import Vapor
#if canImport(Glibc)
import Glibc
#endif

/// `tuopin bench [--households N] [--database sqlite|postgres] [--json PATH] [--seconds S]`
///
/// Measures this build against the machine's own limits, in one run: every figure is taken from
/// child processes of this same executable working on fresh databases in a temporary directory
/// (PostgreSQL: two fresh databases on the server of `DATABASE_URL`, dropped afterwards), next to
/// an anchor measured the same way (the `sqlite3` CLI's `.import` or `psql`'s `COPY`, a constant
/// route of the same server). Build with `-c release` for figures worth quoting.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "households", help: "Households in the demo region (default 250000, about 1,000,000 people)")
        var households: Int?
        @Option(name: "database", help: "sqlite (default) or postgres (on the server of DATABASE_URL)") var database:
            String?
        @Option(name: "json", help: "Also write the figures as JSON to this path") var json: String?
        @Option(name: "seconds", help: "Length of each wrk run (default 20)") var seconds: Int?
        @Option(name: "counties", help: "Comma-separated county codes to limit the demo regions to (default: all 74)")
        var counties: String?
        @Option(
            name: "region",
            help: "Measure the demo region already in this data directory (and DATABASE_URL) instead of building one")
        var region: String?
        @Option(name: "password", help: "The demo logins' password of the region given with --region") var password:
            String?
    }

    var help: String {
        "Measures import, API, page, search, check and workflow speed on a fresh demo region (see the README's "
            + "performance section)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let households = signature.households ?? 250_000
        guard (100...5_000_000).contains(households) else {
            throw TuopinSettings.SettingError(name: "--households", problem: "must be from 100 to 5000000")
        }
        let seconds = signature.seconds ?? 20
        guard (1...600).contains(seconds) else {
            throw TuopinSettings.SettingError(name: "--seconds", problem: "must be from 1 to 600")
        }
        let kind = signature.database ?? "sqlite"
        guard ["sqlite", "postgres"].contains(kind) else {
            throw TuopinSettings.SettingError(name: "--database", problem: "must be sqlite or postgres")
        }
        if signature.region != nil, signature.password == nil {
            throw TuopinSettings.SettingError(
                name: "--password", problem: "--region needs the password of the region's demo logins")
        }
        var bench = try Bench(
            households: households, postgres: kind == "postgres", wrkSeconds: seconds,
            app: context.application, say: { [console = context.console] in console.print($0) })
        bench.counties = signature.counties
        bench.existingRegion = signature.region.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let password = signature.password { bench.password = password }
        defer { bench.cleanUp() }
        let figures = try await bench.run()
        context.console.print("")
        context.console.print(figures.table)
        if let path = signature.json {
            try figures.json.write(to: URL(fileURLWithPath: path))
            context.console.print("figures written to \(path)")
        }
    }
}

/// One benchmark run: the steps in order, each child process timed with its peak memory.
struct Bench {
    var households: Int
    let postgres: Bool
    let wrkSeconds: Int
    let app: Application
    var client: any Client { app.client }
    let say: @Sendable (String) -> Void
    let directory: URL
    let executable: String
    var password = "Bench-pass-2026!"
    /// `--counties`: the demo regions cover only these counties.
    var counties: String?
    /// `--region`: the data directory of a region already built (CI measures the load test's region).
    var existingRegion: String?
    /// `DATABASE_URL` of the server the PostgreSQL databases are made on.
    let serverURL: String?
    var databases: [String] = []
    var server: pid_t?

    init(households: Int, postgres: Bool, wrkSeconds: Int, app: Application, say: @escaping @Sendable (String) -> Void)
        throws
    {
        self.households = households
        self.postgres = postgres
        self.wrkSeconds = wrkSeconds
        self.app = app
        self.say = say
        executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let env = ProcessInfo.processInfo.environment
        if postgres {
            guard let url = env["DATABASE_URL"], !url.isEmpty else {
                throw TuopinSettings.SettingError(
                    name: "DATABASE_URL",
                    problem: "--database postgres needs the server's URL (a role that may create databases)")
            }
            serverURL = url
        } else {
            serverURL = nil
        }
        for tool in ["wrk", postgres ? "psql" : "sqlite3"] where Bench.which(tool) == nil {
            throw TuopinSettings.SettingError(
                name: "bench",
                problem:
                    "needs \(tool) on the PATH (Debian: apt-get install \(tool == "psql" ? "postgresql-client" : tool))"
            )
        }
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tuopin-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    // MARK: The run

    mutating func run() async throws -> BenchFigures {
        var f = BenchFigures(households: households, database: postgres ? "postgres" : "sqlite")
        #if DEBUG
        say("note: a debug build; build with `swift build -c release` for figures worth quoting")
        f.build = "debug"
        #endif
        let limit = counties.map { ["--counties", $0] } ?? []
        let region: [String: String]
        if let existingRegion {
            region = regionEnvironment(existingRegion)
            say("1/8 the demo region in \(existingRegion) …")
        } else {
            region = try makeDatabase("region")
            say("1/8 demo region of \(households) households …")
            let demo = try await child(
                ["demo", "--households", String(households), "--password", password] + limit, env: region, log: "demo")
            f.demoSeconds = demo.seconds
        }
        let empty = try makeDatabase("import")
        f.databaseMB = try databaseSize(region)

        say("2/8 export to the members and incomes templates …")
        let members = directory.appendingPathComponent("members.csv").path
        let export = try await child(
            ["export", "members", members, "--reason", "tuopin bench"], env: region, log: "export-members")
        f.exportPeakRSSMB = export.peakRSSMB
        try await child(
            ["export", "incomes", directory.appendingPathComponent("incomes.csv").path, "--reason", "tuopin bench"],
            env: region, log: "export-incomes")
        (f.persons, households) = try Self.count(members)
        f.households = households

        say("3/8 import of the members file into an empty registry …")
        try await child(
            ["demo", "--households", "0", "--bare", "--password", password] + limit, env: empty, log: "demo-empty")
        let imported = try await child(["import", "members", members], env: empty, log: "import")
        guard imported.output.contains("\(households) created") else {
            throw TuopinSettings.SettingError(
                name: "bench",
                problem: "the import did not create \(households) households: \(imported.output.suffix(300))")
        }
        f.importSeconds = imported.seconds
        f.importPeakRSSMB = imported.peakRSSMB
        f.rawImportSeconds = try await rawImport(members, rows: f.persons, into: empty)

        say("4/8 checks over the whole region …")
        let quality = try await child(["check", "--quality"], env: region, log: "check-quality")
        let compliance = try await child(["check", "--compliance"], env: region, log: "check-compliance")
        f.checkQualitySeconds = quality.seconds
        f.checkComplianceSeconds = compliance.seconds

        say("5/8 serving the region …")
        let port = try await serve(region)
        let base = "http://127.0.0.1:\(port)"
        // The audit office reads the whole region and, unlike the region HQ, signs in without a second factor.
        let token = try await self.token(base, "auditor")

        say("6/8 wrk: GET /api/v1/households/{id}, the bare route and /households/{id}, \(wrkSeconds) s each …")
        try await measureHouseholdReads(base, token: token, into: &f)

        say("7/8 region dashboard, county map and ID searches …")
        f.regionPageP95 = try await serverTimeP95(base, token: token, paths: Array(repeating: "/units/54", count: 100))
        f.mapP95 = try await serverTimeP95(
            base, token: token,
            paths: CountyMap.Measure.allCases.flatMap { Array(repeating: "/map?measure=\($0.rawValue)", count: 25) })
        let ids = try sampleIDs(members, count: 200)
        f.idSearchP95 = try await serverTimeP95(
            base, token: token, paths: ids.map { "/api/v1/households?id=\($0)" }, expectOne: true)

        say("8/8 household-exit steps over HTTP for one village …")
        (f.workflowSteps, f.workflowRefused, f.workflowSeconds) = try await exitSteps(base)

        f.machine = BenchFigures.Machine(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryMb: Int(ProcessInfo.processInfo.physicalMemory >> 20))
        stopServer()
        return f
    }

    /// The household API (audited) against the bare route, the audit batches it made, and the
    /// household page (audited, rendered) — each under wrk's 50 connections.
    func measureHouseholdReads(_ base: String, token: String, into f: inout BenchFigures) async throws {
        let api = try await wrk(base, token: token, script: randomHouseholdScript(token: token), log: "wrk-api")
        let bare = try await wrk(base, token: nil, path: "/bench/hello", log: "wrk-bare")
        f.apiRPS = api.rps; f.apiP99 = api.p99; f.apiErrors = api.errors
        f.bareRPS = bare.rps; f.bareP99 = bare.p99
        (f.auditBatchMean, f.auditBatchMax) = try await auditBatches(base)
        let page = try await wrk(
            base, token: token, script: randomHouseholdScript(token: token, prefix: "/households/"), log: "wrk-page")
        (f.pageP50, f.pageP99, f.pageRPS, f.pageErrors) = (page.p50, page.p99, page.rps, page.errors)
    }

    // MARK: Databases

    /// People and households in an exported members file (rows, distinct household numbers).
    static func count(_ members: String) throws -> (Int, Int) {
        var people = 0
        var numbers = Set<Substring>()
        for line in try String(contentsOfFile: members, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        {
            people += 1
            numbers.insert(line.prefix { $0 != "," })
        }
        return (people, numbers.count)
    }

    /// The environment of a child working on the region given with `--region`.
    func regionEnvironment(_ path: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["TUOPIN_DATA_DIR"] = path
        env["TUOPIN_NIGHTLY_CHECK"] = "0"
        env["LOG_LEVEL"] = "warning"
        if !postgres { env.removeValue(forKey: "DATABASE_URL") }
        return env
    }

    /// The environment of a child working on a database of its own.
    private mutating func makeDatabase(_ name: String) throws -> [String: String] {
        let dir = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment
        env["TUOPIN_DATA_DIR"] = dir.path
        env["TUOPIN_BCRYPT_COST"] = "10"
        env["TUOPIN_NIGHTLY_CHECK"] = "0"
        env["TUOPIN_MAX_UPLOAD_MB"] = "1024"
        env["LOG_LEVEL"] = "warning"
        env.removeValue(forKey: "DATABASE_URL")
        if postgres, let serverURL, var parts = URLComponents(string: serverURL) {
            let database = "tuopin_bench_\(getpid())_\(name)"
            try Bench.runTool("psql", [serverURL, "-v", "ON_ERROR_STOP=1", "-q", "-c", "CREATE DATABASE \(database)"])
            databases.append(database)
            parts.path = "/" + database
            env["DATABASE_URL"] = parts.string
        }
        return env
    }

    /// The anchor: the same file into one table with a UNIQUE index on the ID column, by the
    /// database's own bulk loader (`sqlite3 .import` under WAL and synchronous=FULL; `psql \copy`).
    func rawImport(_ file: String, rows: Int, into env: [String: String]) async throws -> Double {
        let columns = MembersTemplate.header.indices.map { "c\($0)" }
        let idColumn = "c\(MembersTemplate.header.firstIndex(of: "证件号码")!)"
        if postgres {
            let url = env["DATABASE_URL"]!
            try Bench.runTool(
                "psql",
                [
                    url, "-v", "ON_ERROR_STOP=1", "-q", "-c",
                    "CREATE TABLE raw_members (\(columns.map { "\($0) text" }.joined(separator: ", "))); "
                        + "CREATE UNIQUE INDEX raw_members_id ON raw_members (\(idColumn))",
                ])
            let started = Date()
            try Bench.runTool(
                "psql",
                [
                    url, "-v", "ON_ERROR_STOP=1", "-q", "-c",
                    "\\copy raw_members FROM '\(file)' WITH (FORMAT csv, HEADER true)",
                ])
            let seconds = Date().timeIntervalSince(started)
            try checkCount(
                try Bench.runTool("psql", [url, "-At", "-c", "SELECT count(*) FROM raw_members"]), expected: rows)
            return seconds
        }
        let database = directory.appendingPathComponent("raw.sqlite").path
        let script = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE raw_members (\(columns.joined(separator: ", ")));
            CREATE UNIQUE INDEX raw_members_id ON raw_members (\(idColumn));
            .mode csv
            .import --skip 1 \(file) raw_members

            """
        let scriptPath = directory.appendingPathComponent("raw.sql").path
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        let started = Date()
        try Bench.runTool("sqlite3", [database, ".read \(scriptPath)"])
        let seconds = Date().timeIntervalSince(started)
        try checkCount(try Bench.runTool("sqlite3", [database, "SELECT count(*) FROM raw_members"]), expected: rows)
        return seconds
    }

    /// The region database's size on disk, in MB (for the README's projection).
    func databaseSize(_ env: [String: String]) throws -> Double {
        if postgres {
            let bytes = try Bench.runTool(
                "psql", [env["DATABASE_URL"]!, "-At", "-c", "SELECT pg_database_size(current_database())"])
            return (Double(bytes.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) / 1_048_576
        }
        let dir = env["TUOPIN_DATA_DIR"]!
        return ["tuopin.sqlite", "tuopin.sqlite-wal"].reduce(0.0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/" + file)[.size] as? Int) ?? 0
            return total + Double(size) / 1_048_576
        }
    }

    /// An anchor counts only if it loaded every row.
    func checkCount(_ output: String, expected: Int) throws {
        guard Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) == expected else {
            throw TuopinSettings.SettingError(
                name: "bench",
                problem:
                    "the raw import loaded \(output.trimmingCharacters(in: .whitespacesAndNewlines)) rows, not "
                    + "\(expected)"
            )
        }
    }

    mutating func cleanUp() {
        stopServer()
        if let serverURL {
            for database in databases {
                try? Bench.runTool("psql", [serverURL, "-q", "-c", "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"])
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Child processes

    struct ChildRun { let seconds: Double; let peakRSSMB: Double; let output: String }

    // MARK: The server

    private mutating func serve(_ env: [String: String]) async throws -> Int {
        let port = Int.random(in: 20_000...40_000)
        var env = env
        env["TUOPIN_BENCH"] = "1"
        server = try Bench.spawn(
            executable, ["serve", "--hostname", "127.0.0.1", "--port", String(port)], env: env,
            output: directory.appendingPathComponent("serve.log").path)
        for _ in 0..<240 {
            if let response = try? await client.get(URI(string: "http://127.0.0.1:\(port)/healthz")),
                response.status == .ok
            {
                return port
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw TuopinSettings.SettingError(name: "bench", problem: "the server did not answer /healthz within 120 s")
    }

    private mutating func stopServer() {
        guard let pid = server else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        server = nil
    }

    func token(_ base: String, _ username: String) async throws -> String {
        struct Login: Content { let username: String; let password: String }
        struct Token: Content { let token: String }
        let response = try await client.post(
            URI(string: base + "/api/v1/tokens"), content: Login(username: username, password: password))
        guard response.status == .ok else {
            throw TuopinSettings.SettingError(name: "bench", problem: "no token for \(username): \(response.status)")
        }
        return try response.content.decode(Token.self).token
    }
}

import Fluent
import Foundation
import Vapor

/// `tuopin demo --households N --seed S [--password P] [--counties C] [--bare]`: builds the demo region.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "households", help: "Number of households (default 3000)") var households: Int?
        @Option(name: "seed", help: "Random seed; the same seed builds the same region (default 2020)") var seed: Int?
        @Option(name: "password", help: "One password for every demo login (default: a random one each, printed once)")
        var password: String?
        @Option(name: "counties", help: "Comma-separated county codes to limit the demo to (default: all 74)")
        var counties: String?
        @Flag(
            name: "bare",
            help:
                "Only the unit tree, cadres and demo logins: no money, cases, oversight or checks (a registry to "
                + "import into)"
        )
        var bare: Bool
    }

    var help: String { "Builds a deterministic demo region with households, cadres and the fixed demo logins." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let households = signature.households ?? 3_000
        guard (0...5_000_000).contains(households) else {
            throw TuopinSettings.SettingError(name: "--households", problem: "must be from 0 to 5000000")
        }
        if let password = signature.password, password.count < 8 {
            throw TuopinSettings.SettingError(name: "--password", problem: "must have at least 8 characters")
        }
        try await app.autoMigrate()
        let started = Date()
        var seeder = DemoSeeder(
            app: app, households: households, seed: UInt64(truncatingIfNeeded: signature.seed ?? 2020))
        seeder.counties = signature.counties.map { Set($0.split(separator: ",").map(String.init)) }
        seeder.bare = signature.bare
        let summary = try await seeder.run(password: signature.password)
        Self.printLogins(summary, seconds: Date().timeIntervalSince(started))
    }

    static func printLogins(_ summary: DemoSeeder.Summary, seconds: Double) {
        var out =
            "Demo region ready: \(summary.households) households, \(summary.people) people, \(summary.cases) workflow "
            + "cases (\(String(format: "%.1f", seconds)) s).\n"
        out += "Demo logins (shown once):\n"
        for login in summary.logins {
            out +=
                "  \(login.username.padding(toLength: 12, withPad: " ", startingAt: 0)) "
                + "\(login.password.padding(toLength: 16, withPad: " ", startingAt: 0)) \(login.role.rawValue) @ "
                + "\(login.unit)\n"
        }
        print(out, terminator: "")
    }
}

import Foundation
import TuopinCore
import Vapor

/// `tuopin rollup --rebuild`: recomputes the registry's roll-ups from the households and
/// compares them with those kept on every write; exits non-zero when they differed.
struct RollupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "rebuild", help: "Recompute every roll-up from the registry and verify the kept ones")
        var rebuild: Bool
        init() {}
    }
    var help: String {
        "Rebuilds the registry's roll-ups (the dashboards' counts) and verifies they matched: `rollup --rebuild`."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.rebuild else {
            throw TuopinSettings.SettingError(name: "rollup", problem: "usage: tuopin rollup --rebuild")
        }
        let app = context.application
        try await app.autoMigrate()
        let started = Date()
        let bar = ProgressBar()
        let result = try await Rollups.rebuild(
            app, actor: ExchangeActor.operatingSystemUser().audit, progress: bar.handler)
        bar.finish()
        context.console.print(
            "rebuilt \(result.cells) roll-up cells in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: "
                + (result.mismatches.isEmpty
                    ? "the kept roll-ups matched" : "\(result.mismatches.count) differed (now corrected)"))
        for m in result.mismatches.prefix(50) { context.console.print("  \(m)") }
        if !result.mismatches.isEmpty { throw RollupMismatch(count: result.mismatches.count) }
    }

    struct RollupMismatch: Error, CustomStringConvertible {
        let count: Int
        var description: String { "\(count) roll-up figures differed from the registry" }
    }
}

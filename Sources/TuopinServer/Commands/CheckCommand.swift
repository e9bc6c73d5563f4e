import Foundation
import TuopinCore
import Vapor

/// `tuopin check --quality [UNIT]`: runs the data-quality checks over a subtree (all by default),
/// stores the findings for the problems page and prints the count per code.
/// (The unit is an optional positional argument, which ConsoleKit signatures cannot express.)
struct CheckCommand: AnyAsyncCommand {
    var help: String {
        "Runs checks over the registry: `check --quality [UNIT]` for the data-quality checks, `check --compliance "
            + "[UNIT]` for the responsibility rules."
    }

    func outputHelp(using context: inout CommandContext) {
        context.console.print("Usage: tuopin check --quality|--compliance [UNIT]\n\n\(help)")
    }

    func run(using context: inout CommandContext) async throws {
        let args = context.input.arguments
        guard ["--quality", "--compliance"].contains(args.first ?? ""), args.count <= 2 else {
            throw TuopinSettings.SettingError(
                name: "check", problem: "usage: tuopin check --quality|--compliance [UNIT]")
        }
        var unit: OrgCode?
        if args.count == 2 {
            let raw = args[1]
            guard let code = OrgCode(raw) else {
                throw TuopinSettings.SettingError(name: "unit", problem: "not a division code: \(raw)")
            }
            unit = code
        }
        let app = context.application
        try await app.autoMigrate()
        let started = Date()
        let bar = ProgressBar()
        if args.first == "--compliance" {
            let summary = try await ComplianceService.check(
                app: app, root: unit ?? OrgCode("54")!, actor: ExchangeActor.operatingSystemUser().audit,
                progress: bar.handler)
            bar.finish()
            context.console.print(
                "checked \(ComplianceRules.all.count) rules in "
                    + "\(String(format: "%.1f", Date().timeIntervalSince(started))) s: "
                    + "\(summary.found) open (\(summary.opened) new, \(summary.resolved) resolved)")
            for rule in ComplianceRules.all {
                context.console.print(
                    "\(rule.id.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) article \(rule.article)  "
                        + "\(summary.byRule[rule.id.rawValue] ?? 0)"
                )
            }
            return
        }
        let summary = try await QualityService.checkAll(app: app, unit: unit, progress: bar.handler)
        bar.finish()
        context.console.print(
            "checked \(summary.households) households in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        )
        for code in QualityCode.allCases {
            context.console.print(
                "\(code.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(summary.findings[code] ?? 0)")
        }
    }
}

import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Runs the compliance engine over a subtree and keeps its violations: new ones are recorded with
/// the time first seen, ones no longer found are marked resolved. One transaction, one audit entry.
enum ComplianceService {
    struct Summary: Sendable, Encodable { var found = 0, opened = 0, resolved = 0; var byRule: [String: Int] = [:] }
    static let separator = "\u{1F}"

    /// The position of a township's dedicated poverty staff (R-20-1) and of a village's first secretary (R-29-1).
    static let staffPosition = CadrePosition.povertyStaff.rawValue
    static let firstSecretaryPosition = CadrePosition.firstSecretary.rawValue

    /// Checks a unit again after a write that has committed: a failure is logged, never reported as
    /// the write's failure (the write stands; the next check finds what this one missed).
    static func recheck(app: Application, root: OrgCode, actor: AuditLog.Actor) async {
        do { _ = try await check(app: app, root: root, actor: actor) } catch {
            app.logger.error("compliance re-check of \(root.value) after a write: \(String(reflecting: error))")
        }
    }

    /// Checks the subtree under `root` and stores what changed.
    /// Progress counts three stages: facts read, rules evaluated, violations written.
    static func check(
        app: Application, root: OrgCode, actor: AuditLog.Actor,
        progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> Summary {
        let now = app.tuopin.now(), started = DispatchTime.now().uptimeNanoseconds
        let summary = try await app.write { tx in
            progress(0, 3)
            let facts = try await facts(on: tx, root: root, today: app.clock.today)
            progress(1, 3)
            // Only what lies under `root` (a county check does not touch the region's own violations).
            let found = ComplianceRules.evaluate(facts).filter { $0.unit.isSelfOrDescendant(of: root) }
            progress(2, 3)
            let open = try await tx.rows(ViolationRecord.self).filter(\.$resolvedAt == nil)
                .filter(.sql(ScopeSQL.under([root], column: "unit_code"))).all()
            let openKeys = Set(open.map { $0.rule + "|" + $0.subject })
            let foundKeys = Set(found.map(\.key))
            var summary = Summary(found: found.count)
            for v in found { summary.byRule[v.rule, default: 0] += 1 }
            let resolved = open.filter { !foundKeys.contains($0.rule + "|" + $0.subject) }.compactMap(\.id)
            for chunk in stride(from: 0, to: resolved.count, by: 500).map({
                Array(resolved[$0..<min($0 + 500, resolved.count)])
            }) {
                try await tx.rows(ViolationRecord.self).filter(\.$id ~~ chunk).set(\.$resolvedAt, to: now).update()
            }
            summary.resolved = resolved.count
            // Stored in list order, so that ids (the pages' tie-break) are the same on either database.
            let new = found.filter { !openKeys.contains($0.key) }.sorted(by: Violation.listedBefore)
            try await tx.store(newViolations: new, separator: separator, at: now)
            summary.opened = new.count
            try await AuditLog.append(
                on: tx, actor: actor, action: "compliance.check", entity: "org_unit", entityID: root.value,
                after: summary, at: now)
            progress(3, 3)
            return summary
        }
        Telemetry.checkFinished(
            level: "\(root.level)", seconds: DispatchTime.now().uptimeNanoseconds - started,
            found: summary.found, opened: summary.opened, resolved: summary.resolved)
        return summary
    }
}

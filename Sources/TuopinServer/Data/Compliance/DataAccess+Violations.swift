import Fluent
import Foundation
import SQLKit
import TuopinCore

/// The stored violations (the compliance engine's output).
extension DataAccess {
    struct OpenViolationCount: Decodable, Sendable { let unit_code: String; let rule: String; let n: Int }

    /// Open violations of units under `code`, counted per unit and rule.
    func openViolationCounts(under code: OrgCode) async throws -> [OpenViolationCount] {
        try await sqlDatabase.select().column("unit_code").column("rule").column(
            SQLFunction("COUNT", args: SQLLiteral.all), as: "n"
        )
        .from(ViolationRecord.schema).where(SQLColumn("resolved_at"), .is, SQLLiteral.null)
        .where(ScopeSQL.under([code], column: "unit_code")).groupBy("unit_code").groupBy("rule").all(
            decoding: OpenViolationCount.self)
    }

    /// Stores new violations first seen `now`. Two checks of overlapping units at once (two writers
    /// on PostgreSQL) may both find one: the partial unique index keeps one open row, the other is skipped.
    func store(newViolations new: [Violation], separator: String, at now: Date) async throws {
        try await sqlDatabase.bulkInsert(
            into: ViolationRecord.schema,
            columns: ["rule", "article", "unit_code", "subject", "details", "first_seen"],
            rows: new.map {
                [$0.rule, $0.article, $0.unit.value, $0.subject, $0.details.joined(separator: separator), now]
            },
            ignoringConflicts: true)
    }
}

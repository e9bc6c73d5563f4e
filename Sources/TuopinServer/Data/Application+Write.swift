import Fluent
import Foundation
import Vapor

extension Application {
    /// One write transaction, serialised by the write gate. Services write only through this, with
    /// the transaction's access (system reach; a service narrows it with `scoped(_:)` to check what its
    /// user may reach), and append their audit entry inside it.
    func write<T: Sendable>(_ body: @escaping @Sendable (DataAccess) async throws -> T) async throws -> T {
        let db = self.db
        let queued = DispatchTime.now().uptimeNanoseconds, tally = AuditTally()
        return try await tuopin.gate.run {
            let started = DispatchTime.now().uptimeNanoseconds
            // Set inside the transaction's closure: Fluent runs it in a task of its own.
            let result = try await db.transaction { tx in
                try await AuditLog.$tally.withValue(tally) {
                    let access = DataAccess(db: tx, scope: .nobody, reach: .system)
                    let result = try await body(access)
                    // The registry's roll-ups change with the households, in the same transaction.
                    try await Rollups.refresh(on: access)
                    return result
                }
            }
            Telemetry.writeCommitted(waited: started - queued, took: DispatchTime.now().uptimeNanoseconds - started)
            Telemetry.auditCommitted(tally.count)
            return result
        }
    }
}

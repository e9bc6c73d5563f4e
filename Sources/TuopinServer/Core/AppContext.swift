import Fluent
import TuopinCore
import Vapor

/// What every service needs from the running app: settings, the data protector, the write gate
/// and the clock (injected by tests).
struct AppContext: Sendable {
    let settings: TuopinSettings
    let protector: DataProtector
    let gate: WriteGate
    var now: @Sendable () -> Date
    /// A real hash of a random secret, verified when a username is unknown so that a wrong
    /// username takes as long as a wrong password.
    let decoyHash: String
    /// The rules for new passwords, with the shipped list of common passwords.
    let passwordPolicy: PasswordPolicy
    /// Failed logins per client address.
    var loginThrottle = LoginThrottle()
}

extension Application {
    private struct ContextKey: StorageKey { typealias Value = AppContext }
    var tuopin: AppContext {
        get { storage[ContextKey.self]! }
        set { storage[ContextKey.self] = newValue }
    }

    /// One write transaction, serialised by the write gate. Services write only through this,
    /// and append their audit entry inside it.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let db = self.db
        let queued = DispatchTime.now().uptimeNanoseconds, tally = AuditTally()
        return try await tuopin.gate.run {
            let started = DispatchTime.now().uptimeNanoseconds
            // Set inside the transaction's closure: Fluent runs it in a task of its own.
            let result = try await db.transaction { tx in
                try await AuditLog.$tally.withValue(tally) {
                    let result = try await body(tx)
                    // The registry's roll-ups change with the households, in the same transaction.
                    try await Rollups.refresh(on: tx)
                    return result
                }
            }
            Telemetry.writeCommitted(waited: started - queued, took: DispatchTime.now().uptimeNanoseconds - started)
            Telemetry.auditCommitted(tally.count)
            return result
        }
    }
}

extension Request {
    var tuopin: AppContext { application.tuopin }
}

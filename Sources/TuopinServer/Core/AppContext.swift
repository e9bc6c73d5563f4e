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
}

extension Request {
    var tuopin: AppContext { application.tuopin }
}

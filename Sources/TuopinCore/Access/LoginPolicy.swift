import Foundation

/// Account lockout (DESIGN.md Access; 等保 2.0 login-failure handling): five wrong passwords in a
/// row lock the account for fifteen minutes. A correct password does not open a locked account.
public struct LoginPolicy: Sendable {
    public var maxFailures = 5
    public var lockDuration: TimeInterval = 15 * 60

    public init() {}

    public enum Outcome: Equatable, Sendable {
        case success
        case wrongPassword(remaining: Int)
        case locked(until: Date)
    }

    public struct Decision: Equatable, Sendable {
        public let outcome: Outcome
        public let failedLogins: Int
        public let lockedUntil: Date?
    }

    /// `secondFactorPending`: the password was the first of two factors, so the failure count is kept
    /// until the second passes (else each right password would buy five more guesses at the code).
    public func decide(
        passwordCorrect: Bool, failedLogins: Int, lockedUntil: Date?, now: Date, secondFactorPending: Bool = false
    ) -> Decision {
        if let until = lockedUntil, until > now {
            return Decision(outcome: .locked(until: until), failedLogins: failedLogins, lockedUntil: until)
        }
        // A lock that has run out starts a fresh count.
        let previous = lockedUntil == nil ? failedLogins : 0
        if passwordCorrect {
            return Decision(outcome: .success, failedLogins: secondFactorPending ? previous : 0, lockedUntil: nil)
        }
        let failures = previous + 1
        if failures >= maxFailures {
            let until = now.addingTimeInterval(lockDuration)
            return Decision(outcome: .locked(until: until), failedLogins: failures, lockedUntil: until)
        }
        return Decision(
            outcome: .wrongPassword(remaining: maxFailures - failures), failedLogins: failures, lockedUntil: nil)
    }
}

/// Failed logins per client address (等保: limit on failed attempts; ASVS 2.2.1): more than
/// `limit` failures from one address within `window` refuse every login from it until they age out,
/// whatever the username, so that guessing across many accounts is slowed too.
public struct AddressLoginRule: Sendable {
    public var limit = 20
    public var window: TimeInterval = 15 * 60
    public init() {}

    public func recent(_ failures: [Date], now: Date) -> [Date] {
        failures.filter { now.timeIntervalSince($0) < window }
    }
    public func isBlocked(_ failures: [Date], now: Date) -> Bool { recent(failures, now: now).count >= limit }
}

import Foundation
import TuopinCore
import Vapor

/// Failed logins per client address, kept in memory by each instance (behind several instances
/// each counts its own; the per-account lockout in the database holds across all of them).
actor LoginThrottle {
    private var failures: [String: [Date]] = [:]
    private let rule = AddressLoginRule()

    func isBlocked(_ address: String, now: Date) -> Bool {
        let recent = rule.recent(failures[address] ?? [], now: now)
        failures[address] = recent.isEmpty ? nil : recent
        return rule.isBlocked(recent, now: now)
    }

    /// Failed logins per unknown username, decided by the accounts' own policy: an unknown name is
    /// "locked" after as many failures as a real one, so the answers do not tell them apart
    /// (issue #22). Kept in memory; a restart forgets them, as it forgets the per-address counts.
    private var unknownNames: [String: (failures: Int, lockedUntil: Date?)] = [:]

    func failUnknown(_ username: String, policy: LoginPolicy, now: Date) -> LoginPolicy.Decision {
        let state = unknownNames[username] ?? (0, nil)
        let decision = policy.decide(
            passwordCorrect: false, failedLogins: state.failures, lockedUntil: state.lockedUntil, now: now)
        unknownNames[username] = (decision.failedLogins, decision.lockedUntil)
        if unknownNames.count > 50_000 {
            unknownNames = unknownNames.filter { ($0.value.lockedUntil ?? .distantPast) > now }
            // Bounded whatever is sent: past the cap even the locks are forgotten.
            if unknownNames.count > 50_000 { unknownNames.removeAll() }
        }
        return decision
    }

    func recordFailure(_ address: String, now: Date) {
        failures[address, default: []].append(now)
        if failures.count > 50_000 { failures = failures.filter { !rule.recent($0.value, now: now).isEmpty } }
    }
}

extension Request {
    /// Runs a login under the per-address limit: refused with 429 while blocked; failures counted.
    func throttledLogin<T>(_ body: () async throws -> T) async throws -> T {
        let throttle = tuopin.loginThrottle, now = tuopin.now(), address = clientAddress
        guard !(await throttle.isBlocked(address, now: now)) else { throw AppError.tooManyRequests }
        do {
            return try await body()
        } catch let error as AppError where error == .invalidCredentials || error == .invalidSecondFactor {
            await throttle.recordFailure(address, now: now)
            throw error
        }
    }
}

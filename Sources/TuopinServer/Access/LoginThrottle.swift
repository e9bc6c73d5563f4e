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

    func recordFailure(_ address: String, now: Date) {
        failures[address, default: []].append(now)
        if failures.count > 50_000 { failures = failures.filter { !rule.recent($0.value, now: now).isEmpty } }
    }
}

extension Request {
    /// The client's address as this server sees it (the proxy's, behind a proxy).
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

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

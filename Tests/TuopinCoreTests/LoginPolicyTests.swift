import Foundation
import Testing
@testable import TuopinCore

@Suite struct LoginPolicyTests {
    let policy = LoginPolicy()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func fifthWrongPasswordLocksForFifteenMinutes() {
        var failed = 0
        var locked: Date?
        for attempt in 1...5 {
            let d = policy.decide(passwordCorrect: false, failedLogins: failed, lockedUntil: locked, now: now)
            failed = d.failedLogins; locked = d.lockedUntil
            if attempt < 5 { #expect(d.outcome == .wrongPassword(remaining: 5 - attempt)) }
            else { #expect(d.outcome == .locked(until: now.addingTimeInterval(900))) }
        }
        // The right password while locked is still refused.
        let whileLocked = policy.decide(passwordCorrect: true, failedLogins: failed, lockedUntil: locked, now: now.addingTimeInterval(899))
        #expect(whileLocked.outcome == .locked(until: now.addingTimeInterval(900)))
        // After the lock the right password works and resets the count.
        let after = policy.decide(passwordCorrect: true, failedLogins: failed, lockedUntil: locked, now: now.addingTimeInterval(901))
        #expect(after == .init(outcome: .success, failedLogins: 0, lockedUntil: nil))
    }

    @Test func expiredLockStartsAFreshCount() {
        let d = policy.decide(passwordCorrect: false, failedLogins: 5, lockedUntil: now.addingTimeInterval(-1), now: now)
        #expect(d.outcome == .wrongPassword(remaining: 4))
    }
}

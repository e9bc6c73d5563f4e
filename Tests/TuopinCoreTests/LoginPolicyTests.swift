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
            if attempt < 5 {
                #expect(d.outcome == .wrongPassword(remaining: 5 - attempt))
            } else {
                #expect(d.outcome == .locked(until: now.addingTimeInterval(900)))
            }
        }
        // The right password while locked is still refused.
        let whileLocked = policy.decide(
            passwordCorrect: true, failedLogins: failed, lockedUntil: locked, now: now.addingTimeInterval(899))
        #expect(whileLocked.outcome == .locked(until: now.addingTimeInterval(900)))
        // After the lock the right password works and resets the count.
        let after = policy.decide(
            passwordCorrect: true, failedLogins: failed, lockedUntil: locked, now: now.addingTimeInterval(901))
        #expect(after == .init(outcome: .success, failedLogins: 0, lockedUntil: nil))
    }

    @Test func aRightPasswordBeforeTheSecondFactorKeepsTheCount() {
        let d = policy.decide(
            passwordCorrect: true, failedLogins: 3, lockedUntil: nil, now: now, secondFactorPending: true)
        #expect(d.outcome == .success && d.failedLogins == 3)
        #expect(policy.decide(passwordCorrect: true, failedLogins: 3, lockedUntil: nil, now: now).failedLogins == 0)
    }

    @Test func expiredLockStartsAFreshCount() {
        let d = policy.decide(
            passwordCorrect: false, failedLogins: 5, lockedUntil: now.addingTimeInterval(-1), now: now)
        #expect(d.outcome == .wrongPassword(remaining: 4))
    }
}

@Suite struct PasswordPolicyTests {
    @Test func rulesOf等保() {
        let p = PasswordPolicy()
        #expect(p.problems("Demo-pass-2026!", username: "clerk1").isEmpty)
        #expect(p.problems("short1!", username: "x") == [.tooShort])
        #expect(p.problems("onlyletterslong", username: "x") == [.needsDigit, .needsSymbol])
        #expect(p.problems("1234567890!!", username: "x") == [.needsLetter])
        #expect(p.problems("Clerk1-Pass", username: "clerk1-pass") == [.equalsUsername])
        #expect(p.problems("藏文密码很长的口令1!", username: "x").isEmpty)  // letters in any script
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(!p.isExpired(changedAt: now.addingTimeInterval(-89 * 86_400), now: now))
        #expect(p.isExpired(changedAt: now.addingTimeInterval(-90 * 86_400), now: now))
        #expect(!p.isExpired(changedAt: nil, now: now))
    }

    @Test func commonPasswordsAreRefusedWhateverTheCaseOrAddedSymbols() {
        let p = PasswordPolicy(common: PasswordPolicy.commonList("123456\npassword123\n\nqwerty12345\n"))
        #expect(p.problems("Password123!", username: "x") == [.common])
        #expect(p.problems("QWERTY-12345", username: "x") == [.common])
        #expect(p.problems("Demo-pass-2026!", username: "x").isEmpty)
    }

    /// Issue #22 M4, each rule at its bound.
    @Test func usernameInsideLeetFormsRepetitionAndLengthInBytes() {
        let p = PasswordPolicy(common: PasswordPolicy.commonList("password\nqwerty\n"))
        // The username inside (three characters or more), not only equal to it.
        #expect(p.problems("xclerk1-Pw9!", username: "clerk1") == [.containsUsername])
        #expect(p.problems("xCLERK1-Pw9!", username: "clerk1") == [.containsUsername])
        #expect(p.problems("xab-Pw9!zq", username: "ab").isEmpty)
        #expect(p.problems("xabc-Pw9!z", username: "abc") == [.containsUsername])
        // Leet forms and a year after a common password.
        for disguised in ["P@ssw0rd2024", "P@ssw0rd!", "pa$$word-2026", "Qw3rty!2024"] {
            #expect(p.problems(disguised, username: "x").contains(.common), "\(disguised)")
        }
        #expect(!p.problems("Demo-pass-2026!", username: "x").contains(.common))
        // Fewer than 5 different characters, or 4 in a row.
        #expect(p.problems("Aaaaaaaa1!", username: "x") == [.repetitive])
        #expect(p.problems("Ab1!Ab1!Ab1!", username: "x") == [.repetitive])  // 4 different
        #expect(p.problems("Ab1!cAb1!cAb1!", username: "x").isEmpty)  // 5 different
        #expect(p.problems("Xy1!zzzW9#", username: "x").isEmpty)  // 3 in a row
        #expect(p.problems("Xy1!zzzzW9#", username: "x") == [.repetitive])  // 4 in a row
        // 72 bytes pass, 73 do not (bcrypt reads 72); 24 Chinese characters are 72 bytes.
        let cycle = String((0..<68).map { Array("abcdefgh")[$0 % 8] })
        #expect(p.problems("Ab1!" + cycle, username: "x").isEmpty)
        #expect(p.problems("Ab1!" + cycle + "z", username: "x") == [.tooLong])
        #expect(p.problems("藏文密码很长的口令" + "1!", username: "x").isEmpty)
        #expect(p.problems(String(repeating: "藏文密码很长的口令一二三", count: 2) + "1!", username: "x") == [.tooLong])
    }
}

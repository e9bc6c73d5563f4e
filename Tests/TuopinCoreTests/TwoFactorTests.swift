import Foundation
import Testing
@testable import TuopinCore

@Suite struct TwoFactorTests {
    /// RFC 6238 appendix B, SHA-1, 8 digits.
    @Test func rfc6238Vectors() {
        var totp = TOTP(secret: Array("12345678901234567890".utf8))
        totp.digits = 8
        let vectors: [(TimeInterval, String)] = [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ]
        for (seconds, code) in vectors { #expect(totp.code(at: Date(timeIntervalSince1970: seconds)) == code) }
    }

    @Test func aCodeIsGoodOnceWithinOneStepOfDrift() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = totp.step(at: now)
        #expect(totp.match(totp.code(at: now), at: now, lastUsed: nil) == step)
        #expect(totp.match(totp.code(step: step - 1), at: now, lastUsed: nil) == step - 1)
        #expect(totp.match(totp.code(step: step - 2), at: now, lastUsed: nil) == nil)
        #expect(totp.match(totp.code(at: now), at: now, lastUsed: step) == nil)  // replay
        #expect(totp.match(" " + totp.code(at: now), at: now, lastUsed: step - 1) == step)
        #expect(totp.match("12345", at: now, lastUsed: nil) == nil)
        #expect(totp.match("１２３４５６", at: now, lastUsed: nil) == nil)  // full-width digits are not codes
    }

    @Test func base32RoundTripsAndReadsWhatPeopleType() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("mzxw 6ytb-oi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        let secret = (0..<20).map { UInt8($0 * 13 & 0xff) }
        #expect(Base32.decode(Base32.encode(secret)) == secret)
    }

    @Test func provisioningAddressNamesIssuerAndAccount() {
        let uri = TOTP(secret: Array("foobar".utf8)).provisioningURI(account: "region", issuer: "Tuopin")
        #expect(uri == "otpauth://totp/Tuopin:region?secret=MZXW6YTBOI&issuer=Tuopin&algorithm=SHA1&digits=6&period=30")
    }

    @Test func whoMustUseASecondFactor() {
        #expect(TwoFactorRule.isRequired(for: Scope(bindings: [RoleBinding(role: .regionHQ, unit: OrgCode("54")!)])))
        #expect(TwoFactorRule.isRequired(for: Scope(bindings: [RoleBinding(role: .auditAdmin, unit: OrgCode("54")!)])))
        #expect(
            !TwoFactorRule.isRequired(for: Scope(bindings: [RoleBinding(role: .clerk, unit: OrgCode("540102001")!)])))
        #expect(TwoFactorRule.normalisedRecoveryCode("abcde-fghij ") == "ABCDEFGHIJ")
        #expect(TwoFactorRule.recoveryCode(from: Array(repeating: 0, count: 8)) == "AAAAA-AAAAA")
    }

    @Test func theThreeAdministratorsAreSeparated() {
        #expect(Role.separationConflict(holding: [.systemAdmin], adding: .auditAdmin) == .systemAdmin)
        #expect(Role.separationConflict(holding: [.securityAdmin], adding: .securityAdmin) == nil)
        #expect(Role.separationConflict(holding: [.regionHQ, .clerk], adding: .systemAdmin) == nil)
        #expect(Role.separationConflict(holding: [.auditAdmin], adding: .regionHQ) == nil)
    }

    /// The symbol for "HELLO WORLD" (version 1-M, mask 4) module for module as segno 1.6 draws it.
    @Test func qrCodeMatchesAReferenceEncoder() throws {
        let expected = [
            "#######.##..#.#######",
            "#.....#....#..#.....#",
            "#.###.#..#.#..#.###.#",
            "#.###.#.#..#..#.###.#",
            "#.###.#.###.#.#.###.#",
            "#.....#.#..#..#.....#",
            "#######.#.#.#.#######",
            "........#..##........",
            "#...#.######.#####..#",
            "...#....#.###....####",
            "..######..##.##.#..#.",
            "#####...##...#.......",
            "#####.#.#.#.#.##..##.",
            "........#.#.####.#.##",
            "#######.###.#.#.##.#.",
            "#.....#..#.###.##..##",
            "#.###.#.##.#.##...##.",
            "#.###.#..#..#...##.##",
            "#.###.#..###...###...",
            "#.....#....#.#.......",
            "#######.#########.#.#",
        ]
        let qr = try QRCode(text: "HELLO WORLD")
        #expect(qr.version == 1 && qr.mask == 4)
        #expect(qr.modules.map { String($0.map { $0 ? "#" : "." }) } == expected)
        #expect(try QRCode(bytes: Array(repeating: 0x7a, count: 213)).version == 10)
        #expect(throws: QRCode.Problem.tooLong(214)) { try QRCode(bytes: Array(repeating: 0x7a, count: 214)) }
        let svg = qr.svg(title: "<code>")
        #expect(svg.hasPrefix("<svg") && svg.contains("viewBox=\"0 0 29 29\"") && svg.contains("&lt;code>"))
    }
}

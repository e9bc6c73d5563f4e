import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the second
/// factor of 等保 level 3 for administrators and region HQ users.
public struct TOTP: Sendable {
    public let secret: [UInt8]
    public var digits = 6
    public var period: TimeInterval = 30

    public init(secret: [UInt8]) { self.secret = secret }

    /// The time step a moment falls in.
    public func step(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / period).rounded(.down)) }

    /// The code of one time step (RFC 4226 dynamic truncation).
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(binary % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    public func code(at date: Date) -> String { code(step: step(at: date)) }

    /// The step whose code this is, allowing one step of clock drift either way, and never a step
    /// at or before `lastUsed` (a code is good once: RFC 6238 §5.2). Nil when the code is not good.
    public func match(_ input: String, at date: Date, lastUsed: Int64?) -> Int64? {
        let typed = input.filter { !$0.isWhitespace }
        guard typed.count == digits, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) else { return nil }
        let now = step(at: date)
        for candidate in [now, now - 1, now + 1] where candidate > (lastUsed ?? Int64.min) {
            if constantTimeEqual(code(step: candidate), typed) { return candidate }
        }
        return nil
    }

    /// The `otpauth://` address an authenticator app reads from the enrolment QR code.
    public func provisioningURI(account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label =
            "\(issuer):\(account)".addingPercentEncoding(
                withAllowedCharacters: allowed.union(CharacterSet(charactersIn: ":"))) ?? account
        let issuerParam = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParam)"
            + "&algorithm=SHA1&digits=\(digits)&period=\(Int(period))"
    }
}

/// Compares two strings without stopping at the first difference.
public func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in x.indices { diff |= x[i] ^ y[i] }
    return diff == 0
}

/// RFC 4648 base32 without padding, as authenticator apps expect.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte); bits += 8
            while bits >= 5 { out.append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5 }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes, ignoring spaces, hyphens, padding and case; nil for any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for char in text.uppercased().utf8 where char != 0x20 && char != 0x2d && char != 0x3d {
            guard let value = alphabet.firstIndex(of: char) else { return nil }
            buffer = ((buffer << 5) | value) & 0xffff; bits += 5
            if bits >= 8 { out.append(UInt8((buffer >> (bits - 8)) & 0xff)); bits -= 8 }
        }
        return out
    }
}

/// Who must use a second factor: the three administrators and region HQ users (等保 level 3).
public enum TwoFactorRule {
    public static let requiredRoles: Set<Role> = Role.separatedAdministrators.union([.regionHQ, .evaluator])

    public static func isRequired(for scope: Scope) -> Bool {
        scope.bindings.contains { requiredRoles.contains($0.role) }
    }

    /// Recovery codes: ten single-use codes of ten base32 characters, shown once, grouped 5-5.
    public static let recoveryCodeCount = 10

    public static func recoveryCode(from random: [UInt8]) -> String {
        let text = String(Base32.encode(random).prefix(10))
        return text.prefix(5) + "-" + text.suffix(5)
    }

    /// What a typed recovery code is compared as: capitals, no spaces or hyphens.
    public static func normalisedRecoveryCode(_ input: String) -> String {
        String(input.uppercased().filter { $0 != " " && $0 != "-" })
    }
}

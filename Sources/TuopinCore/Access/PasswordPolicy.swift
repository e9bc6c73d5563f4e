import Foundation

/// Password rules of 等保 2.0 (identification and authentication): at least 10 characters with
/// letters, digits and symbols, not the username, not one of the most common passwords, and
/// changed every 90 days (configurable). Where OWASP ASVS advises against composition rules and
/// rotation, 等保 wins (SECURITY.md).
public struct PasswordPolicy: Sendable {
    public var minLength = 10
    public var maxAgeDays = 90
    /// Lower-cased common passwords (the server ships the 10,000 most common, `Resources/Data/common-passwords.txt`).
    public var common: Set<String>

    public init(maxAgeDays: Int = 90, common: Set<String> = []) { self.maxAgeDays = maxAgeDays; self.common = common }

    /// Reads a list of one password per line (blank lines ignored), lower-cased.
    public static func commonList(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
    }

    public enum Problem: String, Sendable, CaseIterable {
        case tooShort, needsLetter, needsDigit, needsSymbol, equalsUsername, tooLong, common
        public var key: String { "pw_\(rawValue)" }
    }

    /// A common password with symbols added ("password123!" → "password123") or in capitals is still common.
    public func isCommon(_ password: String) -> Bool {
        let lower = password.lowercased()
        return common.contains(lower) || common.contains(String(lower.filter { $0.isLetter || $0.isNumber }))
    }

    public func problems(_ password: String, username: String) -> [Problem] {
        var out: [Problem] = []
        if password.count < minLength { out.append(.tooShort) }
        if password.count > 256 { out.append(.tooLong) }
        if !password.contains(where: { $0.isLetter }) { out.append(.needsLetter) }
        if !password.contains(where: { $0.isNumber }) { out.append(.needsDigit) }
        if !password.contains(where: { !$0.isLetter && !$0.isNumber && !$0.isWhitespace }) { out.append(.needsSymbol) }
        if password.lowercased() == username.lowercased() { out.append(.equalsUsername) }
        if isCommon(password) { out.append(.common) }
        return out
    }

    /// A password set at `changedAt` must be changed once it is `maxAgeDays` old; an unknown date never expires.
    public func isExpired(changedAt: Date?, now: Date) -> Bool {
        guard let changedAt else { return false }
        return now.timeIntervalSince(changedAt) >= Double(maxAgeDays) * 86_400
    }
}

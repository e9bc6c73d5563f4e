import Foundation

/// Password rules of 等保 2.0 (identification and authentication): at least 10 characters with
/// letters, digits and symbols, not the username, and changed every 90 days (configurable).
/// Where OWASP ASVS advises against composition rules and rotation, 等保 wins (README).
public struct PasswordPolicy: Sendable {
    public var minLength = 10
    public var maxAgeDays = 90

    public init(maxAgeDays: Int = 90) { self.maxAgeDays = maxAgeDays }

    public enum Problem: String, Sendable, CaseIterable {
        case tooShort, needsLetter, needsDigit, needsSymbol, equalsUsername, tooLong
        public var key: String { "pw_\(rawValue)" }
    }

    public func problems(_ password: String, username: String) -> [Problem] {
        var out: [Problem] = []
        if password.count < minLength { out.append(.tooShort) }
        if password.count > 256 { out.append(.tooLong) }
        if !password.contains(where: { $0.isLetter }) { out.append(.needsLetter) }
        if !password.contains(where: { $0.isNumber }) { out.append(.needsDigit) }
        if !password.contains(where: { !$0.isLetter && !$0.isNumber && !$0.isWhitespace }) { out.append(.needsSymbol) }
        if password.lowercased() == username.lowercased() { out.append(.equalsUsername) }
        return out
    }

    /// A password set at `changedAt` must be changed once it is `maxAgeDays` old; an unknown date never expires.
    public func isExpired(changedAt: Date?, now: Date) -> Bool {
        guard let changedAt else { return false }
        return now.timeIntervalSince(changedAt) >= Double(maxAgeDays) * 86_400
    }
}

import Foundation

/// Password rules of 等保 2.0 (identification and authentication): at least 10 characters with
/// letters, digits and symbols, not containing the username, not one of the most common passwords
/// even in disguise (capitals, symbols, leet digits, a year added), not repetitive, none of the
/// last 5, at most 72 bytes (bcrypt reads no further), and changed every 90 days (configurable).
/// The numbers 5, 4 and 72 are local practice (issue #22 M4), not an article's. Where OWASP ASVS advises against
/// composition rules and
/// rotation, 等保 wins (SECURITY.md).
public struct PasswordPolicy: Sendable {
    public var minLength = 10
    public var maxAgeDays = 90
    /// bcrypt hashes the first 72 bytes only: a longer password would be partly ignored.
    public var maxBytes = 72
    /// At least this many different characters…
    public var minDistinct = 5
    /// …and no character this many times in a row.
    public var maxRun = 4
    /// A new password may not be any of this many previous ones (the current one included).
    public var historyDepth = 5
    /// Lower-cased common passwords (the server ships the 10,000 most common, `Resources/Data/common-passwords.txt`).
    public var common: Set<String>

    public init(maxAgeDays: Int = 90, common: Set<String> = []) { self.maxAgeDays = maxAgeDays; self.common = common }

    /// Reads a list of one password per line (blank lines ignored), lower-cased.
    public static func commonList(_ text: String) -> Set<String> {
        Set(
            text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter
            { !$0.isEmpty })
    }

    public enum Problem: String, Sendable, CaseIterable {
        case tooShort, needsLetter, needsDigit, needsSymbol, equalsUsername, containsUsername, tooLong, common,
            repetitive, reused
        public var key: String { "pw_\(rawValue)" }
    }

    /// A common password with symbols added ("password123!" → "password123"), in capitals, with
    /// leet digits and symbols ("P@ssw0rd" → "password") or with digits (a year) after it
    /// ("P@ssw0rd2024" → "password") is still common.
    public func isCommon(_ password: String) -> Bool {
        let lower = password.lowercased()
        func plain(_ text: String) -> String { String(text.filter { $0.isLetter || $0.isNumber }) }
        func unleet(_ text: String) -> String {
            String(text.compactMap { Self.leet[$0] ?? (($0.isLetter || $0.isNumber) ? $0 : nil) })
        }
        // What comes before the digits and symbols at the end ("P@ssw0rd2024!" → "p@ssw0rd").
        let stem = String(lower.reversed().drop { !$0.isLetter }.reversed())
        let candidates = [lower, plain(lower), unleet(lower), plain(stem), unleet(stem)]
        return candidates.contains { !$0.isEmpty && common.contains($0) }
    }

    /// Symbols and digits written for letters.
    static let leet: [Character: Character] = [
        "@": "a", "4": "a", "8": "b", "(": "c", "3": "e", "6": "g", "#": "h", "1": "i", "!": "i",
        "0": "o", "$": "s", "5": "s", "7": "t", "+": "t", "2": "z",
    ]

    /// Fewer than `minDistinct` different characters, or one character `maxRun` times in a row.
    public func isRepetitive(_ password: String) -> Bool {
        if Set(password.lowercased()).count < minDistinct { return true }
        var run = 0
        var previous: Character?
        for c in password {
            run = c == previous ? run + 1 : 1
            previous = c
            if run >= maxRun { return true }
        }
        return false
    }

    public func problems(_ password: String, username: String) -> [Problem] {
        var out: [Problem] = []
        if password.count < minLength { out.append(.tooShort) }
        if password.utf8.count > maxBytes { out.append(.tooLong) }
        if !password.contains(where: { $0.isLetter }) { out.append(.needsLetter) }
        if !password.contains(where: { $0.isNumber }) { out.append(.needsDigit) }
        if !password.contains(where: { !$0.isLetter && !$0.isNumber && !$0.isWhitespace }) { out.append(.needsSymbol) }
        let name = username.lowercased()
        if password.lowercased() == name {
            out.append(.equalsUsername)
        } else if name.count >= 3, password.lowercased().contains(name) {
            out.append(.containsUsername)
        }
        if isCommon(password) { out.append(.common) }
        if isRepetitive(password) { out.append(.repetitive) }
        return out
    }

    /// A password set at `changedAt` must be changed once it is `maxAgeDays` old; an unknown date never expires.
    public func isExpired(changedAt: Date?, now: Date) -> Bool {
        guard let changedAt else { return false }
        return now.timeIntervalSince(changedAt) >= Double(maxAgeDays) * 86_400
    }
}

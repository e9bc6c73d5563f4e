/// The five levels of the responsibility chain (article 3): region, prefecture, county,
/// township, village.
public enum OrgLevel: Int, Codable, Sendable, CaseIterable, Comparable {
    case region = 1, prefecture, county, township, village

    /// Number of significant digits of a code at this level (national statistical division codes).
    public var codeLength: Int {
        switch self {
        case .region: 2
        case .prefecture: 4
        case .county: 6
        case .township: 9
        case .village: 12
        }
    }

    public init?(codeLength: Int) {
        guard let level = OrgLevel.allCases.first(where: { $0.codeLength == codeLength }) else { return nil }
        self = level
    }

    public var child: OrgLevel? { OrgLevel(rawValue: rawValue + 1) }

    public static func < (lhs: OrgLevel, rhs: OrgLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A division code, kept as its significant digits: `54` region, `5401` prefecture,
/// `540102` county, `540102001` township, `540102001201` village.
public struct OrgCode: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let value: String

    public init?(_ value: String) {
        guard OrgLevel(codeLength: value.count) != nil,
            value.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        self.value = value
    }

    /// Parses the 6-digit form used by the statistical tables (`540100` → `5401`, `540000` → `54`).
    public init?(sixDigit: String) {
        guard sixDigit.count == 6, sixDigit.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var digits = sixDigit
        if digits.hasSuffix("0000") { digits.removeLast(4) } else if digits.hasSuffix("00") { digits.removeLast(2) }
        self.init(digits)
    }

    public var level: OrgLevel { OrgLevel(codeLength: value.count)! }

    public var parent: OrgCode? {
        guard let parentLevel = OrgLevel(rawValue: level.rawValue - 1) else { return nil }
        return OrgCode(String(value.prefix(parentLevel.codeLength)))
    }

    /// Codes from the region down to this one.
    public var lineage: [OrgCode] {
        OrgLevel.allCases.filter { $0 <= level }.compactMap { OrgCode(String(value.prefix($0.codeLength))) }
    }

    /// Materialised path: `54/5401/540102/540102001/540102001201`.
    public var path: String { lineage.map(\.value).joined(separator: "/") }

    /// The ancestor (or self) at the given level, if this code is at or below it.
    public func ancestor(at level: OrgLevel) -> OrgCode? {
        guard level <= self.level else { return nil }
        return OrgCode(String(value.prefix(level.codeLength)))
    }

    public func isSelfOrDescendant(of other: OrgCode) -> Bool {
        value.hasPrefix(other.value) && value.count >= other.value.count
    }

    /// The 6-digit statistical form for region, prefecture and county codes.
    public var sixDigit: String {
        value.count < 6 ? value + String(repeating: "0", count: 6 - value.count) : value
    }

    public var description: String { value }
    public static func < (lhs: OrgCode, rhs: OrgCode) -> Bool { lhs.value < rhs.value }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let code = OrgCode(raw) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid org code \(raw)"))
        }
        self = code
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

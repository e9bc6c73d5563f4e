/// An amount of money in fen (1/100 元). Amounts are never `Double`.
public struct Money: Hashable, Sendable, Codable, Comparable, AdditiveArithmetic, CustomStringConvertible {
    public var fen: Int64
    public init(fen: Int64) { self.fen = fen }
    public init(yuan: Int64) { self.fen = yuan * 100 }
    public static let zero = Money(fen: 0)
    public static func + (a: Money, b: Money) -> Money { Money(fen: a.fen + b.fen) }
    public static func - (a: Money, b: Money) -> Money { Money(fen: a.fen - b.fen) }
    public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }

    /// `1234.50` (元, two decimals).
    public var description: String {
        let sign = fen < 0 ? "-" : ""
        let abs = fen.magnitude
        return "\(sign)\(abs / 100).\(String(format2: Int(abs % 100)))"
    }

    public init(from decoder: Decoder) throws { fen = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(fen) }
}

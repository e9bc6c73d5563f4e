import Foundation
/// A resident identity number per GB 11643-1999: 6-digit area code, 8-digit birth date,
/// 3-digit sequence (odd for men, even for women) and a MOD 11-2 check character.
public struct ResidentID: Hashable, Sendable, CustomStringConvertible {
    public enum Sex: String, Codable, Sendable { case male, female }

    public enum Problem: Error, Equatable, Sendable {
        case length, characters, birthDate, checkCharacter
    }

    public let value: String

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = Array("10X98765432")

    /// Validates `raw` (a lowercase `x` is accepted and upper-cased). `today` bounds the birth date.
    public init(_ raw: String, today: CivilDate) throws(Problem) {
        // On the UTF-8 bytes: an import validates a million of these.
        var bytes = Array(raw.utf8)
        guard bytes.count == 18 else { throw raw.uppercased().count == 18 ? .characters : .length }
        if bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        guard bytes[0..<17].allSatisfy(isDigit), isDigit(bytes[17]) || bytes[17] == UInt8(ascii: "X") else {
            throw .characters
        }
        func digit(_ i: Int) -> Int { Int(bytes[i] - UInt8(ascii: "0")) }
        guard
            let birth = CivilDate(
                year: digit(6) * 1000 + digit(7) * 100 + digit(8) * 10 + digit(9),
                month: digit(10) * 10 + digit(11), day: digit(12) * 10 + digit(13)),
            birth.year >= 1900, birth <= today
        else { throw .birthDate }
        var sum = 0
        for i in 0..<17 { sum += digit(i) * Self.weights[i] }
        guard Self.checkCharacters[sum % 11] == Character(Unicode.Scalar(bytes[17])) else { throw .checkCharacter }
        self.value = String(decoding: bytes, as: UTF8.self)
    }

    /// The check character for the first 17 digits.
    public static func checkCharacter(for first17: String) -> Character {
        let sum = zip(first17, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return checkCharacters[sum % 11]
    }

    public var birthDate: CivilDate { CivilDate(yyyymmdd: String(value.dropFirst(6).prefix(8)))! }
    public var sex: Sex { Array(value.utf8)[16] % 2 == 1 ? .male : .female }
    public var areaCode: String { String(value.prefix(6)) }

    /// Shown form for roles that may not see the full number: `540102***********X`, the region
    /// code and the check character only. With the sex and the age a role sees, that leaves about
    /// 365 × 500 / 11 ≈ 16,600 numbers (issue #22, C1: the old mask hid only the 8 birth-date
    /// digits, and the birth date was shown beside it).
    public var masked: String { Self.mask(value) }

    public static func mask(_ value: String) -> String {
        guard value.count == 18 else { return String(repeating: "*", count: value.count) }
        return String(value.prefix(6)) + String(repeating: "*", count: 11) + String(value.suffix(1))
    }

    /// `text` with every mask of the old form (`540102********0016`, which kept three sequence
    /// digits) shortened to the current one (`540102***********6`). The audit log's entries are
    /// chained and never rewritten; roles without full identity read them through this.
    public static func redactOldMasks(in text: String) -> String {
        guard text.contains("********") else { return text }
        return text.replacing(/(\d{6})\*{8}\d{3}([\dXx])/) { match in "\(match.1)***********\(match.2)" }
    }

    /// The birth date written in an 18-character number, unchecked (nil when it is not a date).
    public static func birthDate(of value: String) -> CivilDate? {
        guard value.utf8.count == 18 else { return nil }
        return CivilDate(yyyymmdd: String(value.dropFirst(6).prefix(8)))
    }

    public var description: String { masked }
}

/// A calendar date without time zone, as the registry records birth dates and deadlines.
public struct CivilDate: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    public init?(yyyymmdd: String) {
        guard yyyymmdd.count == 8, let y = Int(yyyymmdd.prefix(4)),
            let m = Int(yyyymmdd.dropFirst(4).prefix(2)), let d = Int(yyyymmdd.suffix(2))
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var yyyymmdd: String {
        String(format4: year) + String(format2: month) + String(format2: day)
    }

    /// ISO form `2026-11-27`, the way every page shows dates.
    public var description: String {
        "\(String(format4: year))-\(String(format2: month))-\(String(format2: day))"
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Encoded as its ISO form (`2026-11-27`): how the database stores a day and JSON shows one.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a day: \(text)")
        }
        self = date
    }

    /// `2026-11-27` or `20261127`.
    public init?(iso text: String) {
        // The stored form `2026-11-27`, read without copies (a check reads a million birth dates).
        let b = Array(text.utf8)
        if b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b.indices.allSatisfy({ $0 == 4 || $0 == 7 || (b[$0] >= UInt8(ascii: "0") && b[$0] <= UInt8(ascii: "9")) })
        {
            func n(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[$1] - UInt8(ascii: "0")) } }
            self.init(year: n(0..<4), month: n(5..<7), day: n(8..<10))
            return
        }
        let digits = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: "")
        guard text.trimmingCharacters(in: .whitespaces).count == 10 || digits.count == 8 else { return nil }
        self.init(yyyymmdd: digits)
    }

    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0); self.month = m; self.day = d
    }

    public func daysSince(_ other: CivilDate) -> Int { dayNumber - other.dayNumber }
    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }
}

extension String {
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
    init(format4 n: Int) { self = Self.zeroPadded(n, width: 4) }

    static func zeroPadded(_ n: Int, width: Int) -> String {
        let digits = "\(n)"
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

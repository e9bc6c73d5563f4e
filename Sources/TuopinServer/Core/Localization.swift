import Leaf
import LeafKit
import TuopinCore
import Vapor

/// The three interface languages. Simplified Chinese is the default.
enum Language: String, CaseIterable, Sendable, Codable {
    case zh = "zh-Hans", bo, en

    var htmlTag: String { self == .zh ? "zh-Hans" : rawValue }

    init?(tag: String) {
        let lower = tag.lowercased()
        if lower.hasPrefix("zh") {
            self = .zh
        } else if lower.hasPrefix("bo") {
            self = .bo
        } else if lower.hasPrefix("en") {
            self = .en
        } else {
            return nil
        }
    }
}

/// The strings of one language; a missing key falls back to Chinese, then to the key itself
/// (the locale test fails on any such gap).
struct Translations: Sendable {
    let language: Language
    let table: [String: String]
    let fallback: [String: String]

    subscript(key: String) -> String { table[key] ?? fallback[key] ?? key }

    /// The text of `key` when there is one (in this language or Chinese), else nil: for labels that
    /// fall back to something better than the key itself.
    func ifAny(_ key: String) -> String? { table[key] ?? fallback[key] }

    /// An official registry value in this language (`v_<list>_<raw>`).
    func vocab<T: OfficialValue>(_ value: T) -> String { self["v_\(T.vocabularyKey)_\(value.rawValue)"] }
    func vocab<T: OfficialValue>(_ type: T.Type, raw: String) -> String { T(rawValue: raw).map { vocab($0) } ?? raw }

    func format(_ key: String, arguments: [String]) -> String {
        var text = self[key]
        for arg in arguments { if let r = text.range(of: "%@") { text.replaceSubrange(r, with: arg) } }
        return text
    }

    func format(_ key: String, _ args: CVarArg...) -> String {
        var text = self[key]
        for arg in args { if let r = text.range(of: "%@") { text.replaceSubrange(r, with: "\(arg)") } }
        return text
    }
}

/// All three tables, loaded once from `Resources/Locales/<language>.json`.
struct Localizer: Sendable {
    let tables: [Language: [String: String]]
    /// Each language's strings for the templates (`t.key`), Chinese where a key is missing,
    /// converted for Leaf once instead of on every page.
    let pageStrings: [Language: PageStrings]

    init(tables: [Language: [String: String]]) {
        self.tables = tables
        let zh = tables[.zh] ?? [:]
        pageStrings = Dictionary(
            uniqueKeysWithValues: Language.allCases.map { ($0, PageStrings(zh.merging(tables[$0] ?? [:]) { $1 })) })
    }

    static func load(from directory: String) throws -> Localizer {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = URL(fileURLWithPath: directory).appendingPathComponent("\(language.rawValue).json")
            tables[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        return Localizer(tables: tables)
    }

    func translations(_ language: Language) -> Translations {
        Translations(language: language, table: tables[language] ?? [:], fallback: tables[.zh] ?? [:])
    }
}

extension Application {
    private struct LocalizerKey: StorageKey { typealias Value = Localizer }
    var localizer: Localizer {
        get { storage[LocalizerKey.self]! }
        set { storage[LocalizerKey.self] = newValue }
    }
}

extension Request {
    static let languageCookie = "tuopin_lang"

    /// The cookie the user chose, else the browser's Accept-Language, else Chinese.
    var language: Language {
        if let raw = cookies[Self.languageCookie]?.string, let lang = Language(rawValue: raw) { return lang }
        for part in headers.first(name: .acceptLanguage)?.split(separator: ",") ?? [] {
            let tag = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if let lang = Language(tag: tag) { return lang }
        }
        return .zh
    }

    var t: Translations { application.localizer.translations(language) }
}

extension OfficialValue {
    /// The list's name in message keys: `HouseholdAttribute` → `householdattribute`.
    static var vocabularyKey: String { String(describing: Self.self).lowercased() }
}

/// A language's template strings, handed to Leaf as ready-made data.
struct PageStrings: Encodable, LeafDataRepresentable, @unchecked Sendable {
    let table: [String: String]
    let leafData: LeafData
    init(_ table: [String: String]) {
        self.table = table
        leafData = .dictionary(table.mapValues { .string($0) })
    }
    func encode(to encoder: any Encoder) throws { try table.encode(to: encoder) }
}

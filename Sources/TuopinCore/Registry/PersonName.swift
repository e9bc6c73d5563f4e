import Foundation

/// A person's name as the registry keeps it: trimmed, 1 to `maxLength` characters, and none that
/// would hide or reorder what is shown — control characters (NUL included), format characters
/// (bidi overrides such as U+202E, zero-width spaces and joiners), private-use, unassigned and
/// line or paragraph separators. Chinese, Tibetan (with its combining marks and tsheg) and Latin
/// names with spaces or the middle dot `·` pass. Local practice: the registry's own field length,
/// not a policy article.
public enum PersonName {
    public static let maxLength = 50

    /// The trimmed name, or nil when it is empty, too long or holds a hidden character.
    public static func validated(_ raw: String) -> String? {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= maxLength, !hasHiddenCharacters(name) else { return nil }
        return name
    }

    public static func hasHiddenCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate, .unassigned, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
    }
}

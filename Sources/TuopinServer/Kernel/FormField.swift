import Foundation
import TuopinCore

/// The one parser per kind of form field (issue #23): text, dates and money. Each refuses with the
/// field's name — `missingField` when nothing was typed, `invalidField` when what was typed is not one —
/// so that the form shows the message beside that field.
enum FormField {
    /// Trimmed text of at most `max` characters, without control characters; required.
    static func text(_ value: String?, _ field: String, max: Int = 100) throws -> String {
        let t = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { throw AppError.missingField(field) }
        guard t.count <= max, !TextInput.hasControlCharacters(t) else { throw AppError.invalidField(field) }
        return t
    }

    /// A day written `YYYY-MM-DD` (what a date input sends); required.
    static func date(_ value: String?, _ field: String) throws -> CivilDate {
        guard let v = value?.trimmingCharacters(in: .whitespaces), !v.isEmpty else {
            throw AppError.missingField(field)
        }
        guard let d = CivilDate(iso: v) else { throw AppError.invalidField(field) }
        return d
    }

    /// What to do when a money field was left empty.
    enum Empty { case missing, invalid, counts(Money) }

    /// A sum in 元 with at most two decimals (`IncomesTemplate.parseYuan`, as the import reads it).
    static func money(_ value: String?, _ field: String, empty: Empty = .missing) throws -> Money {
        guard let t = value?.trimmingCharacters(in: .whitespaces), !t.isEmpty else {
            switch empty {
            case .missing: throw AppError.missingField(field)
            case .invalid: throw AppError.invalidField(field)
            case .counts(let money): return money
            }
        }
        guard let m = IncomesTemplate.parseYuan(t) else { throw AppError.invalidField(field) }
        return m
    }

    /// An amount paid, lent or budgeted: above zero and within the ledger's bound (`AmountInput`).
    static func amount(_ value: String?, _ field: String) throws -> Money {
        guard let t = value?.trimmingCharacters(in: .whitespaces), !t.isEmpty else {
            throw AppError.missingField(field)
        }
        guard let m = AmountInput.parse(t) else { throw AppError.invalidField(field) }
        return m
    }
}

import Leaf

/// `#money(value)` in a template: an amount such as `2436000.00` shown as `2,436,000.00`, so that
/// a page's large sums can be read at a glance (the API keeps the plain digits). Anything that is
/// not a plain amount is shown as it is.
struct MoneyTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        .string(Self.grouped(ctx.parameters.first?.string ?? ""))
    }

    static func grouped(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
            parts.count == 1 || parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return text }
        var digits = Array(whole), out = ""
        while digits.count > 3 {
            out = "," + String(digits.suffix(3)) + out
            digits.removeLast(3)
        }
        out = String(digits) + out
        return (negative ? "-" : "") + out + (parts.count == 2 ? "." + parts[1] : "")
    }
}

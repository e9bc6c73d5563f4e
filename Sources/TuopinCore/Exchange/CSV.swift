/// RFC 4180 CSV: quoted fields, doubled quotes, CR LF or LF line ends. Reading never fails: a
/// stray quote is kept as text, so every row can still be reported on.
public enum CSV {
    public static func parse(_ text: String) -> [[String]] { Array(CSVRows(text)) }

    /// One line (with CR LF). Cells that a spreadsheet would run as a formula get a leading `'`.
    public static func line(_ cells: [String]) -> String {
        cells.map { quote(escapeFormula($0)) }.joined(separator: ",") + "\r\n"
    }

    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
    }

    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    public static func escapeFormula(_ cell: String) -> String {
        guard let first = cell.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }

    /// Undoes `escapeFormula` when a file exported by Tuopin comes back.
    public static func unescapeFormula(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let second = cell.dropFirst().first, formulaStarts.contains(second) else { return cell }
        return String(cell.dropFirst())
    }
}

/// The rows of a CSV text, read one at a time (an import of a million rows never holds them all);
/// blank lines are skipped and a leading byte-order mark is ignored.
public struct CSVRows: Sequence, Sendable {
    let text: String
    public init(_ text: String) { self.text = text }

    public func makeIterator() -> Iterator { Iterator(text) }

    public struct Iterator: IteratorProtocol {
        private var scalars: String.UnicodeScalarView.Iterator
        private var pending: Unicode.Scalar?

        init(_ text: String) {
            scalars = text.unicodeScalars.makeIterator()
            if let first = scalars.next(), first != "\u{FEFF}" { pending = first }
        }

        private mutating func nextScalar() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return scalars.next()
        }

        public mutating func next() -> [String]? {
            while let row = readRow() {
                if !(row.count == 1 && row[0].isEmpty) { return row }
            }
            return nil
        }

        private mutating func readRow() -> [String]? {
            var row: [String] = []
            var field = ""
            var inQuotes = false
            while let c = nextScalar() {
                if inQuotes {
                    if c == "\"" {
                        if let n = nextScalar() {
                            if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                        } else { inQuotes = false }
                    } else {
                        field.unicodeScalars.append(c)
                    }
                    continue
                }
                switch c {
                case "\"" where field.isEmpty: inQuotes = true
                case ",": row.append(field); field = ""
                case "\r", "\n":
                    if c == "\r", let n = nextScalar(), n != "\n" { pending = n }
                    row.append(field)
                    return row
                default: field.unicodeScalars.append(c)
                }
            }
            if !field.isEmpty || !row.isEmpty { row.append(field); return row }
            return nil
        }
    }
}

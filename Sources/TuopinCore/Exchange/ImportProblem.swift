import Foundation

/// The error codes of a registry import, with the spreadsheet row (the header is row 1) and the column.
public enum ImportErrorCode: String, Sendable, CaseIterable, Codable {
    case required = "E-REQUIRED"
    case enumValue = "E-ENUM"
    case number = "E-NUMBER"
    case idFormat = "E-ID-FORMAT"
    case idChecksum = "E-ID-CHECKSUM"
    case idBirth = "E-ID-BIRTH"
    case idDuplicate = "E-ID-DUPLICATE"
    case villageUnknown = "E-VILLAGE-UNKNOWN"
    case scope = "E-SCOPE"
    case head = "E-HEAD"
    case householdSplit = "E-HOUSEHOLD-SPLIT"
    /// An income row for a household that is neither in the registry nor in a members file.
    case householdUnknown = "E-HOUSEHOLD-UNKNOWN"
    /// The header row is not the template's.
    case header = "E-HEADER"
    /// The file cannot be read at all: not CSV text or a workbook, too large, or a workbook
    /// beyond the reader's bounds (rows, columns, inflated size) or malformed.
    case file = "E-FILE"
    /// A name holding a hidden character: control (NUL too), bidi override, zero-width, private use.
    case text = "E-TEXT"
}

public struct ImportProblem: Sendable, Equatable, Codable {
    public let row: Int
    public let column: String
    public let code: ImportErrorCode
    public let message: String
    public init(row: Int, column: String, code: ImportErrorCode, message: String) {
        self.row = row; self.column = column; self.code = code; self.message = message
    }

    public static let reportHeader = ["行号", "列", "错误代码", "说明"]
    public var reportCells: [String] { [String(row), column, code.rawValue, message] }
}

/// What both templates do to their rows before reading values.
enum TemplateRows {
    /// A problem when the first row is not exactly `header`.
    static func headerProblem(_ first: [String]?, header: [String]) -> ImportProblem? {
        guard let first, first.map({ $0.trimmingCharacters(in: .whitespaces) }) == header else {
            return ImportProblem(row: 1, column: "", code: .header, message: "表头应为：" + header.joined(separator: ","))
        }
        return nil
    }

    /// The row's cells, as many as the header has, trimmed and with export's formula guard removed.
    static func cells(_ raw: [String], width: Int) -> [String] {
        (0..<width).map { i in i < raw.count ? CSV.unescapeFormula(raw[i]).trimmedSpaces : "" }
    }
}

extension String {
    /// Without leading and trailing spaces; the common case (none) costs no copy.
    public var trimmedSpaces: String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last,
            CharacterSet.whitespaces.contains(first) || CharacterSet.whitespaces.contains(last)
        else { return self }
        return trimmingCharacters(in: .whitespaces)
    }
}

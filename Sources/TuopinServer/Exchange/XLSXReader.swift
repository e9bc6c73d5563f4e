import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the first worksheet of an uploaded workbook, within bounds set before reading: the
/// inflated size of every part, the rows and the columns. Any input — truncated, bombed, with
/// row 0, negative or huge indexes — gives rows or a `Problem` (reported as E-FILE), never a trap.
struct XLSXReader {
    /// The bounds: a workbook beyond any of them is refused with the reason.
    struct Limits: Sendable {
        /// Inflated bytes of all parts read together.
        var inflatedBytes: Int
        /// A worksheet's rows (Excel's own maximum).
        var rows = 1_048_576
        /// Columns per row: the templates have fewer than 30.
        var columns = 256

        /// A workbook may inflate to 50 times its size (spreadsheet XML packs 5–15 times), at least
        /// 16 MiB and at most 1 GiB.
        static func forArchive(of bytes: Int) -> Limits {
            Limits(inflatedBytes: min(1 << 30, max(16 << 20, bytes.multipliedReportingOverflow(by: 50).partialValue)))
        }
    }

    enum Problem: Error, Equatable, CustomStringConvertible {
        case notWorkbook
        case tooLarge(limit: Int)
        case declarations
        case notUTF8
        case rowNumber(String)
        case tooManyRows(limit: Int)
        case cellReference(String)
        case tooManyColumns(limit: Int)
        case sharedString(String)
        case malformed(line: Int)

        var description: String {
            switch self {
            case .notWorkbook: "不是有效的 XLSX 文件"
            case .tooLarge(let limit): "解压后超过 \(limit >> 20) MB，可能是压缩炸弹"
            case .declarations: "文件含有 DTD 或实体声明，不予读取"
            case .notUTF8: "工作簿的 XML 不是 UTF-8 编码"
            case .rowNumber(let r): "行号“\(r.prefix(20))”无效或未按顺序"
            case .tooManyRows(let limit): "超过 \(limit) 行"
            case .cellReference(let r): "单元格引用“\(r.prefix(20))”无效"
            case .tooManyColumns(let limit): "超过 \(limit) 列"
            case .sharedString(let i): "共享字符串编号“\(i.prefix(20))”不存在"
            case .malformed(let line): "工作表 XML 有误（第 \(line) 行）"
            }
        }
    }

    let limits: Limits

    /// The first worksheet's rows, as text (shared and inline strings, numbers as written).
    func read(_ data: Data) throws(Problem) -> [[String]] {
        guard data.starts(with: [0x50, 0x4B]) else { throw .notWorkbook }
        let archive: ZipParts
        do { archive = try ZipParts(data) } catch { throw .notWorkbook }
        var budget = limits.inflatedBytes
        var shared: [String] = []
        if let part = archive["xl/sharedStrings.xml"] {
            shared = try SharedStrings.parse(try inflate(part, from: archive, budget: &budget))
        }
        let sheets = archive.parts.map(\.path).filter { $0.hasPrefix("xl/worksheets/") && $0.hasSuffix(".xml") }
            .sorted()
        guard let path = sheets.first, let part = archive[path] else { throw .notWorkbook }
        return try Sheet(limits: limits, shared: shared).parse(try inflate(part, from: archive, budget: &budget))
    }

    /// A part's bytes, stopping as soon as they pass what is left of the budget.
    private func inflate(_ part: ZipParts.Part, from archive: ZipParts, budget: inout Int) throws(Problem) -> Data {
        let out: Data
        do {
            out = try archive.read(part, limit: budget)
        } catch .tooLarge {
            throw .tooLarge(limit: limits.inflatedBytes)
        } catch {
            throw .notWorkbook
        }
        budget -= out.count
        // Foundation's XMLParser traps on an element name that is not UTF-8: check every byte first.
        guard String(validating: out, as: UTF8.self) != nil else { throw .notUTF8 }
        // Workbook parts never declare a DTD; one that does may expand entities without bound.
        if out.range(of: Data("<!DOCTYPE".utf8)) != nil || out.range(of: Data("<!ENTITY".utf8)) != nil {
            throw .declarations
        }
        return out
    }

    // MARK: Parts

    private final class SharedStrings: NSObject, XMLParserDelegate {
        var strings: [String] = []
        var current = ""
        var inText = false

        static func parse(_ data: Data) throws(Problem) -> [String] {
            let delegate = SharedStrings()
            let parser = XMLParser(data: data)
            parser.delegate = delegate
            guard parser.parse() else { throw .malformed(line: parser.lineNumber) }
            return delegate.strings
        }
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if name == "si" { current = "" } else if name == "t" { inText = true }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "t" { inText = false } else if name == "si" { strings.append(current) }
        }
    }

    private final class Sheet: NSObject, XMLParserDelegate {
        let limits: Limits
        let shared: [String]
        var rows: [[String]] = []
        var cells: [Int: String] = [:]
        var row = 0, column = 0, nextColumn = 0
        var type = "", text = ""
        var collecting = false
        var problem: Problem?

        init(limits: Limits, shared: [String]) { self.limits = limits; self.shared = shared }

        func parse(_ data: Data) throws(Problem) -> [[String]] {
            let parser = XMLParser(data: data)
            parser.delegate = self
            let parsed = parser.parse()
            if let problem { throw problem }
            guard parsed else { throw .malformed(line: parser.lineNumber) }
            return rows
        }

        private func fail(_ problem: Problem, _ parser: XMLParser) {
            if self.problem == nil { self.problem = problem }
            parser.abortParsing()
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard problem == nil else { return }
            switch name {
            case "row":
                // Rows are numbered from 1, in increasing order; a gap is empty rows.
                let number: Int
                if let raw = attributes["r"] {
                    guard let n = Int(raw), n > row, n >= 1 else { return fail(.rowNumber(raw), parser) }
                    number = n
                } else {
                    number = row + 1
                }
                guard number <= limits.rows else { return fail(.tooManyRows(limit: limits.rows), parser) }
                while rows.count < number - 1 { rows.append([]) }
                row = number; nextColumn = 0; cells = [:]
            case "c":
                guard row > 0 else { return fail(.rowNumber("0"), parser) }
                if let reference = attributes["r"] {
                    guard let parsed = Self.reference(reference) else { return fail(.cellReference(reference), parser) }
                    guard parsed.column < limits.columns else {
                        return fail(.tooManyColumns(limit: limits.columns), parser)
                    }
                    guard parsed.row == nil || parsed.row == row else { return fail(.cellReference(reference), parser) }
                    column = parsed.column
                } else {
                    guard nextColumn < limits.columns else {
                        return fail(.tooManyColumns(limit: limits.columns), parser)
                    }
                    column = nextColumn
                }
                type = attributes["t"] ?? "n"
                text = ""
            case "v", "t": collecting = true
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if collecting, problem == nil { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard problem == nil else { return }
            switch name {
            case "v", "t": collecting = false
            case "c":
                var value = text
                if type == "s" {
                    guard let index = Int(text.trimmingCharacters(in: .whitespaces)), index >= 0, index < shared.count
                    else {
                        return fail(.sharedString(text), parser)
                    }
                    value = shared[index]
                }
                cells[column] = value
                nextColumn = column + 1
            case "row":
                let width = (cells.keys.max() ?? -1) + 1
                rows.append((0..<width).map { cells[$0] ?? "" })
                cells = [:]
            default: break
            }
        }

        /// `B12` → column 1 (from 0) and row 12; letters only (`B`) → row nil. Nil when malformed:
        /// at most three letters A–Z (XFD is Excel's last column) and at most seven digits.
        static func reference(_ text: String) -> (column: Int, row: Int?)? {
            let bytes = Array(text.utf8)
            var i = 0, column = 0
            while i < bytes.count, i < 3, (0x41...0x5A).contains(bytes[i]) || (0x61...0x7A).contains(bytes[i]) {
                column = column * 26 + Int((bytes[i] & 0xDF) - 0x40)
                i += 1
            }
            guard i > 0 else { return nil }
            let digits = bytes[i...]
            guard digits.count <= 7, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            let row = digits.isEmpty ? nil : Int(String(decoding: digits, as: UTF8.self))
            if let row, row < 1 { return nil }
            return (column - 1, row)
        }
    }
}

import Foundation
import TuopinCore
import ZIPFoundation

/// Reads and writes one-sheet workbooks. The import and export templates are written as inline
/// strings, so codes and ID numbers keep their digits exactly; a report (`title`) gets a title row,
/// column widths, a bold header, and numbers as numbers (`numericColumns`) so that SUM works.
enum XLSX {
    enum Problem: Error, CustomStringConvertible {
        case notWorkbook
        var description: String { "不是有效的 XLSX 文件" }
    }

    // MARK: Writing

    /// `title`: a first row naming the table (unit, year, table, date) above the header row, column
    /// widths from the contents, and the header row bold. Without it the rows are written as they are.
    static func write(_ rows: [[String]], sheetName: String = "Sheet1", title: String? = nil) throws -> Data {
        let archive = try Archive(accessMode: .create)
        try addParts(to: archive, sheetName: sheetName)
        try add("xl/worksheets/sheet1.xml", sheetXML(rows, title: title), to: archive)
        guard let data = archive.data else { throw Problem.notWorkbook }
        return data
    }

    static func add(_ path: String, _ text: String, to archive: Archive) throws {
        let data = Data(text.utf8)
        try archive.addEntry(
            with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
        ) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }

    /// Every part of a one-sheet workbook but the sheet itself (`xl/worksheets/sheet1.xml`).
    static func addParts(to archive: Archive, sheetName: String) throws {
        func add(_ path: String, _ text: String) throws { try XLSX.add(path, text, to: archive) }
        try add(
            "[Content_Types].xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" \
            ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" \
            ContentType="application/xml"/><Override PartName="/xl/workbook.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override \
            PartName="/xl/worksheets/sheet1.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override \
            PartName="/xl/styles.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
            """)
        try add(
            "_rels/.rels",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship \
            Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="xl/workbook.xml"/></Relationships>
            """)
        try add(
            "xl/workbook.xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet \
            name="\(escape(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>
            """)
        try add(
            "xl/_rels/workbook.xml.rels",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship \
            Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
            Target="worksheets/sheet1.xml"/><Relationship Id="rId2" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
            Target="styles.xml"/></Relationships>
            """)
        try add(
            "xl/styles.xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz \
            val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill \
            patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs \
            count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf xfId="0"/></cellXfs><cellStyles count="1"><cellStyle \
            name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
            """.replacingOccurrences(
                of: #"<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>"#,
                with: #"<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/>"#
                    + #"<name val="Calibri"/></font><font><b/><sz val="13"/><name val="Calibri"/></font></fonts>"#
            )
            .replacingOccurrences(
                of: #"<cellXfs count="1"><xf xfId="0"/></cellXfs>"#,
                with: #"<cellXfs count="4"><xf xfId="0"/><xf xfId="0" fontId="1" applyFont="1"/>"#
                    + #"<xf xfId="0" fontId="2" applyFont="1"/>"#
                    + #"<xf xfId="0" numFmtId="4" applyNumberFormat="1"/></cellXfs>"#
            ))
    }

    /// Style indexes of `styles.xml`.
    private enum Style: Int { case plain = 0, header, title, decimal }

    static func sheetXML(_ rows: [[String]], title: String?) -> String {
        let report = title != nil
        let numeric = report ? numericColumns(rows) : []
        let all = (title.map { [[$0]] } ?? []) + rows
        var sheet =
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        if report, let header = rows.first {
            sheet += "<cols>"
            for c in header.indices {
                let widest = rows.map { c < $0.count ? displayWidth($0[c]) : 0 }.max() ?? 8
                sheet +=
                    "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(min(max(widest + 2, 8), 60))\" "
                    + "customWidth=\"1\"/>"
            }
            sheet += "</cols>"
        }
        sheet += "<sheetData>"
        for (r, row) in all.enumerated() {
            if !report {
                sheet += rowXML(row, number: r + 1)
                continue
            }
            sheet += "<row r=\"\(r + 1)\">"
            let style: Style = report && r == 0 ? .title : report && r == 1 ? .header : .plain
            for (c, cell) in row.enumerated() where !cell.isEmpty {
                let ref = "\(columnName(c))\(r + 1)"
                if report, r > 1, numeric.contains(c), let number = Decimal(string: cell, locale: nil) {
                    // Amounts (with decimals) show thousands separators; counts and years as they are.
                    let s = cell.contains(".") ? " s=\"\(Style.decimal.rawValue)\"" : ""
                    sheet += "<c r=\"\(ref)\"\(s)><v>\(number)</v></c>"
                    continue
                }
                let s = style == .plain ? "" : " s=\"\(style.rawValue)\""
                sheet +=
                    "<c r=\"\(ref)\"\(s) t=\"inlineStr\"><is><t "
                    + "xml:space=\"preserve\">\(escape(CSV.escapeFormula(cell)))</t></is></c>"
            }
            sheet += "</row>"
        }
        return sheet + "</sheetData></worksheet>"
    }

    static let sheetStart =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
    static let sheetEnd = "</sheetData></worksheet>"

    /// One row of a plain sheet (every cell an inline string), as a template's rows are written.
    static func rowXML(_ row: [String], number: Int) -> String {
        var xml = "<row r=\"\(number)\">"
        for (c, cell) in row.enumerated() where !cell.isEmpty {
            xml +=
                "<c r=\"\(columnName(c))\(number)\" t=\"inlineStr\"><is><t "
                + "xml:space=\"preserve\">\(escape(CSV.escapeFormula(cell)))</t></is></c>"
        }
        return xml + "</row>"
    }

    /// Columns whose every value below the header is a plain number (`-12`, `3.50`) and whose header
    /// does not name a code or number (unit codes, household and ID numbers stay text).
    static func numericColumns(_ rows: [[String]]) -> Set<Int> {
        guard let header = rows.first else { return [] }
        let codeWords = ["代码", "编号", "号码", "身份证", "户号", "序号", "code", "number", "№", "ཨང"]
        var columns = Set<Int>()
        for c in header.indices where !codeWords.contains(where: header[c].lowercased().contains) {
            let values = rows.dropFirst().compactMap { c < $0.count ? $0[c] : nil }.filter { !$0.isEmpty }
            if !values.isEmpty, values.allSatisfy(isPlainNumber) { columns.insert(c) }
        }
        return columns
    }

    static func isPlainNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) }), parts[0].count <= 15,
            parts[0] == "0" || !parts[0].hasPrefix("0")
        else { return false }
        return true
    }

    /// Width in Excel's character units: a Chinese or Tibetan character counts as two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value < 0x1100 ? 1 : 2) }
    }

    static func columnName(_ index: Int) -> String {
        var n = index + 1, name = ""
        while n > 0 { let r = (n - 1) % 26; name = String(UnicodeScalar(65 + r)!) + name; n = (n - 1) / 26 }
        return name
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // Characters XML 1.0 cannot carry are dropped rather than corrupting the file.
            case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: Reading

    /// The first worksheet's rows, as text, within bounds that depend on the file's size (`XLSXReader`).
    static func read(_ data: Data) throws(XLSXReader.Problem) -> [[String]] {
        try XLSXReader(limits: .forArchive(of: data.count)).read(data)
    }
}

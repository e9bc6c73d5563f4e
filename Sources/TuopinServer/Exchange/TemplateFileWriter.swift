import Foundation
import TuopinCore
import ZIPFoundation

/// Writes a template's rows to a `.csv` or `.xlsx` file as they come (issue #27 item 4): an export of a
/// million households holds one page of rows, never the file. CSV is UTF-8 with a BOM, like
/// `FileReading.csvData`; a workbook's sheet is written to a side file first and then deflated into
/// the archive from disk in chunks.
final class TemplateFileWriter {
    let url: URL
    let isWorkbook: Bool
    private let handle: FileHandle
    private let sheetURL: URL?
    private var buffer = Data()
    private(set) var rows = 0

    /// `rows` counts the rows written, the header included.
    init(url: URL) throws {
        self.url = url
        isWorkbook = url.pathExtension.lowercased() == "xlsx"
        sheetURL = isWorkbook ? url.appendingPathExtension("sheet.xml") : nil
        let target = sheetURL ?? url
        try? FileManager.default.removeItem(at: target)
        guard FileManager.default.createFile(atPath: target.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: target.path])
        }
        handle = try FileHandle(forWritingTo: target)
        buffer.append(contentsOf: isWorkbook ? Array(XLSX.sheetStart.utf8) : [0xEF, 0xBB, 0xBF])
    }

    func write(_ rows: [[String]]) throws {
        for row in rows {
            self.rows += 1
            buffer.append(contentsOf: Array((isWorkbook ? XLSX.rowXML(row, number: self.rows) : CSV.line(row)).utf8))
        }
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Closes the file; a workbook is zipped now (its side file removed).
    func finish() throws {
        if isWorkbook { buffer.append(contentsOf: Array(XLSX.sheetEnd.utf8)) }
        try flush()
        try handle.close()
        guard let sheetURL else { return }
        defer { try? FileManager.default.removeItem(at: sheetURL) }
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        try XLSX.addParts(to: archive, sheetName: "Sheet1")
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", fileURL: sheetURL, compressionMethod: .deflate)
    }

    /// Removes what was written (an export that failed leaves no half file).
    func discard() {
        try? handle.close()
        if let sheetURL { try? FileManager.default.removeItem(at: sheetURL) }
        try? FileManager.default.removeItem(at: url)
    }
}

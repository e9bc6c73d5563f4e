import Foundation
import TuopinCore

/// Turns an uploaded or named file into rows: CSV in UTF-8 (with or without BOM) or GB18030/GBK,
/// or XLSX. Anything else is refused with a clear message before any row is read.
enum FileReading {
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    enum Problem: Error, CustomStringConvertible {
        case tooLarge(Int), notText, unsupported(String)
        var description: String {
            switch self {
            case .tooLarge(let max): "文件超过 \(max >> 20) MB 上限"
            case .notText: "无法识别文件编码（应为 UTF-8 或 GBK/GB18030 的 CSV）"
            case .unsupported(let name): "不支持的文件类型：\(name)（应为 .csv 或 .xlsx）"
            }
        }
    }

    static func rows(from data: Data, filename: String, maxBytes: Int = 64 << 20) throws -> [[String]] {
        if let text = try csvText(from: data, filename: filename, maxBytes: maxBytes) { return CSV.parse(text) }
        return try XLSX.read(data)
    }

    /// The text of a CSV file (to be read row by row with `CSVRows`), or nil for a workbook.
    static func csvText(from data: Data, filename: String, maxBytes: Int = 64 << 20) throws -> String? {
        guard data.count <= maxBytes else { throw Problem.tooLarge(maxBytes) }
        let lower = filename.lowercased()
        if lower.hasSuffix(".xlsx") || data.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return nil }
        guard lower.hasSuffix(".csv") || lower.hasSuffix(".txt") || !lower.contains(".") else {
            throw Problem.unsupported(filename)
        }
        return try text(data)
    }

    /// Whether the file is UTF-8 text without NUL bytes, read a megabyte at a time (a CSV that is
    /// can be parsed straight from disk; GBK is decoded whole).
    static func isUTF8Text(_ url: URL) throws -> Bool {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var carry: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            var bytes = carry + chunk
            if bytes.contains(0) { return false }
            // A character cut at the chunk's end is finished by the next chunk.
            var end = bytes.count
            while end > 0, bytes.count - end < 3, bytes[end - 1] & 0xC0 == 0x80 { end -= 1 }
            if end > 0, bytes[end - 1] >= 0xC0 { end -= 1 }
            carry = Array(bytes[end...])
            bytes.removeSubrange(end...)
            guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        }
        return String(validating: carry, as: UTF8.self) != nil
    }

    static func text(_ data: Data) throws -> String {
        if data.contains(0) { throw Problem.notText }
        if let utf8 = String(data: data, encoding: .utf8) { return utf8 }
        if let gbk = String(data: data, encoding: gb18030) { return gbk }
        throw Problem.notText
    }

    /// CSV as written for people: UTF-8 with a BOM, so that spreadsheet programs read the Chinese.
    static func csvData(_ rows: [[String]]) -> Data {
        var out = Data([0xEF, 0xBB, 0xBF])
        for row in rows { out.append(contentsOf: Array(CSV.line(row).utf8)) }
        return out
    }
}

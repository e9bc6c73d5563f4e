import Foundation
import Testing
import TuopinCore
import ZIPFoundation
@testable import TuopinServer

/// The workbook reader against hostile input (issue #22, H1 and H2): the probe's crashing files, a
/// decompression bomb and thousands of mutated workbooks each give rows or an `XLSXReader.Problem`,
/// never a trap (which would end this test process) and never an allocation beyond the bounds.
@Suite struct XLSXFuzzTests {
    /// A workbook of one sheet with the given XML, and optionally shared strings.
    static func workbook(sheet: String, shared: String? = nil, method: CompressionMethod = .deflate) throws -> Data {
        // Built in a file: ZIPFoundation's in-memory archives trap on entries of tens of megabytes.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tuopin-fuzz-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ data: Data) throws {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: method
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try add("[Content_Types].xml", Data("<Types/>".utf8))
        try add("xl/workbook.xml", Data("<workbook/>".utf8))
        if let shared { try add("xl/sharedStrings.xml", Data(shared.utf8)) }
        try add("xl/worksheets/sheet1.xml", Data(sheet.utf8))
        return try Data(contentsOf: url)
    }

    static func sheet(_ rows: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8"?>"#
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
            + rows + "</sheetData></worksheet>"
    }

    static let sst =
        #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>户编号</t></si><si><t>格桑</t>"#
            + #"</si></sst>"#

    /// Reads `data`; a problem is a fine answer, anything else fails the test.
    @discardableResult
    static func answer(_ data: Data) -> Result<[[String]], XLSXReader.Problem> {
        Result { () throws(XLSXReader.Problem) in try XLSX.read(data) }
    }

    @Test func theProbesFilesAreProblemsNotCrashes() throws {
        // Row 0 took the server down; a negative shared-string index; a column reference that overflowed.
        let cases: [(String, XLSXReader.Problem)] = [
            (#"<row r="0"><c r="A0"><v>1</v></c></row>"#, .rowNumber("0")),
            (#"<row r="1"><c r="A1" t="s"><v>-1</v></c></row>"#, .sharedString("-1")),
            (#"<row r="1"><c r="A1" t="s"><v>2</v></c></row>"#, .sharedString("2")),
            (#"<row r="1"><c r="ZZZZZZZZZZZZZZZZZZZZ1"><v>1</v></c></row>"#, .cellReference("ZZZZZZZZZZZZZZZZZZZZ1")),
            (#"<row r="1"><c r="中1"><v>1</v></c></row>"#, .cellReference("中1")),
            (#"<row r="50000000"><c><v>1</v></c></row>"#, .tooManyRows(limit: 1_048_576)),
            (#"<row r="2"/><row r="1"/>"#, .rowNumber("1")),
            (#"<row r="1"><c r="IW1"><v>1</v></c></row>"#, .tooManyColumns(limit: 256)),
            (#"<row r="1"><c r="A2"><v>1</v></c></row>"#, .cellReference("A2")),
        ]
        for (rows, expected) in cases {
            let result = Self.answer(try Self.workbook(sheet: Self.sheet(rows), shared: Self.sst))
            #expect(result == .failure(expected), "\(rows)")
        }
        // Within the bounds, gaps are empty rows and cells, and shared strings resolve.
        let fine = Self.answer(
            try Self.workbook(
                sheet: Self.sheet(#"<row r="2"><c r="B2" t="s"><v>1</v></c><c><v>7</v></c></row>"#), shared: Self.sst))
        #expect(fine == .success([[], ["", "格桑", "7"]]))
        // A DTD (entity expansion) is refused before parsing.
        let laughs =
            #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><worksheet><sheetData><row r="1">"#
                + #"<c t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>"#
        #expect(Self.answer(try Self.workbook(sheet: laughs)) == .failure(.declarations))
        #expect(Self.answer(Data("PK not a zip".utf8)) == .failure(.notWorkbook))
        #expect(Self.answer(Data()) == .failure(.notWorkbook))
    }

    @Test func aDecompressionBombStopsAtItsBound() throws {
        // 40 MiB of one character packs into about 40 KiB: the reader stops after 16 MiB.
        let bomb = try Self.workbook(
            sheet: Self.sheet(
                "<row r=\"1\"><c t=\"inlineStr\"><is><t>" + String(repeating: "0", count: 40 << 20)
                    + "</t></is></c></row>"))
        #expect(bomb.count < 1 << 20)
        #expect(Self.answer(bomb) == .failure(.tooLarge(limit: 16 << 20)))
    }

    /// Thousands of workbooks: the template's cells with their XML mutated (row numbers, cell
    /// references, types, shared-string indexes, truncation, stray markup) and their ZIP bytes
    /// flipped. Every one reads or is refused with a problem.
    @Test func mutatedWorkbooksGiveRowsOrProblems() throws {
        var rng = SplitMix64(seed: 22)
        let numbers = [
            "0", "1", "2", "-1", "-2147483649", "1048576", "1048577", "99999999999999999999", "1e3", "", " 3", "0x10",
            "３",
        ]
        let references = [
            "A1", "A0", "B", "XFD1", "XFE1", "AAAA1", "a1", "1A", "", "A-1", "中1", "ZZ9999999", "A99999999", "A1048577",
            "Ω1",
        ]
        let types = ["s", "n", "inlineStr", "str", "b", "e", "", "s\u{0}"]
        var read = 0, refused = 0
        for round in 0..<2_500 {
            var rows = ""
            var row = 0
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                row += Int.random(in: 0...2, using: &rng)
                let r = Int.random(in: 0..<4, using: &rng) == 0 ? numbers.randomElement(using: &rng)! : String(row)
                rows += Int.random(in: 0..<6, using: &rng) == 0 ? "<row>" : "<row r=\"\(r)\">"
                for c in 0..<Int.random(in: 0...5, using: &rng) {
                    let ref =
                        Int.random(in: 0..<3, using: &rng) == 0
                        ? references.randomElement(using: &rng)! : "\(XLSX.columnName(c))\(r)"
                    let type = types.randomElement(using: &rng)!
                    let value = type == "s" ? numbers.randomElement(using: &rng)! : "格桑&amp;\(c)"
                    rows +=
                        type == "inlineStr"
                        ? "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(value)</t></is></c>"
                        : "<c r=\"\(ref)\" t=\"\(type)\"><v>\(value)</v></c>"
                }
                rows += "</row>"
            }
            var xml = Self.sheet(rows)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: xml = String(xml.prefix(Int.random(in: 0...xml.count, using: &rng)))
            case 1: xml = xml.replacingOccurrences(of: "</c>", with: "<c><c><v>1</v></c>")
            case 2:
                xml = xml.replacingOccurrences(
                    of: "<sheetData>", with: "<sheetData>" + String(repeating: "<x>", count: 300))
            default: break
            }
            var data = try Self.workbook(
                sheet: xml, shared: round % 3 == 0 ? nil : Self.sst, method: round % 2 == 0 ? .deflate : .none)
            // Some archives damaged after packing: a flipped byte, a cut, a stretch of garbage.
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: data[Int.random(in: 0..<data.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            case 1: data = data.prefix(Int.random(in: 0..<data.count, using: &rng))
            case 2:
                let at = Int.random(in: 0..<data.count, using: &rng)
                for i in at..<min(data.count, at + 16) { data[i] = UInt8.random(in: 0...255, using: &rng) }
            default: break
            }
            switch Self.answer(data) {
            case .success(let result):
                read += 1
                #expect(result.count <= 1_048_576 && result.allSatisfy { $0.count <= 256 })
            case .failure: refused += 1
            }
        }
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        #expect(read > 100 && refused > 100, "read \(read), refused \(refused)")
    }
}

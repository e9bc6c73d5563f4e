import Foundation
import Testing
import ZIPFoundation
@testable import TuopinServer

/// Reports as spreadsheets (issue #24 item 15): a title row above the header, column widths, and
/// numbers as numeric cells so that SUM works — while codes and ID numbers stay text.
@Suite struct XLSXReportTests {
    func sheet(_ data: Data) throws -> String {
        let archive = try Archive(data: data, accessMode: .read)
        let entry = try #require(archive["xl/worksheets/sheet1.xml"])
        var xml = Data()
        _ = try archive.extract(entry) { xml.append($0) }
        return String(decoding: xml, as: UTF8.self)
    }

    @Test func aReportHasATitleRowWidthsAndNumericCells() throws {
        let rows = [
            ["单位代码", "单位", "年度", "户数", "金额（元）", "身份证号码"],
            ["540102001", "蔡公堂乡", "2026", "12", "2436000.50", "540102198803031234"],
            ["540102002", "纳金乡", "2026", "0", "-3.00", "540102198803031235"],
        ]
        let data = try XLSX.write(rows, sheetName: "2026", title: "城关区 · 2026 · 资金流向表")
        let xml = try sheet(data)
        #expect(xml.contains("<cols>"))
        #expect(xml.contains(#"<c r="A1" s="2" t="inlineStr"><is><t xml:space="preserve">城关区 · 2026"#))
        #expect(xml.contains(#"<c r="B2" s="1" t="inlineStr">"#))
        #expect(xml.contains(#"<c r="C3"><v>2026</v></c>"#))
        #expect(xml.contains(#"<c r="D4"><v>0</v></c>"#))
        #expect(xml.contains(#"<c r="E3" s="3"><v>2436000.5</v></c>"#))
        #expect(xml.contains(#"<c r="E4" s="3"><v>-3</v></c>"#))
        // Codes and ID numbers are text, by their header.
        #expect(xml.contains(#"<c r="A3" t="inlineStr">"#) && xml.contains(#"<c r="F3" t="inlineStr">"#))
        #expect(try XLSX.read(data).first == ["城关区 · 2026 · 资金流向表"])
        // Without a title (the import template) every cell stays text, as before.
        let plain = try sheet(try XLSX.write(rows))
        #expect(!plain.contains("<v>") && !plain.contains("<cols>"))
    }

    @Test func onlyPlainNumbersAreNumbers() {
        for yes in ["0", "7", "-12", "3.50", "0.5", "123456789012345", "123456789012345.25"] {
            #expect(XLSX.isPlainNumber(yes), "\(yes)")
        }
        for no in ["", "-", "012", "1,000", "1.2.3", "9.26%", "1e5", ".5", "5.", "1234567890123456", "٣", "１２"] {
            #expect(!XLSX.isPlainNumber(no), "\(no)")
        }
        // One value that is not a number keeps the whole column text.
        #expect(XLSX.numericColumns([["户数", "说明"], ["1", "2"], ["x", "3"]]) == [1])
    }
}

/// Amounts on pages with thousands separators (issue #24 item 15).
@Suite struct MoneyTagTests {
    @Test func amountsAreGroupedByThousands() {
        let cases = [
            ("0.00", "0.00"), ("999.50", "999.50"), ("1000.00", "1,000.00"), ("2436000.00", "2,436,000.00"),
            ("-1234567", "-1,234,567"), ("100000", "100,000"), ("—", "—"), ("", ""), ("12a", "12a"),
        ]
        for (raw, shown) in cases { #expect(MoneyTag.grouped(raw) == shown, "\(raw)") }
    }
}

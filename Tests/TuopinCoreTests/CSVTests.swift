import Testing
@testable import TuopinCore

/// Reading CSV files as imports need it: quotes, line ends, a byte-order mark, blank lines, and
/// malformed text that is still read so that every row can be reported on.
@Suite struct CSVTests {
    @Test func quotedCellsAndLineEnds() {
        #expect(CSV.parse("a,\"b,\"\"c\"\"\"\r\nd,e\n") == [["a", "b,\"c\""], ["d", "e"]])
        #expect(CSV.parse("a,\"line\r\nbreak\",c\r\n") == [["a", "line\r\nbreak", "c"]])
        #expect(CSV.parse("户编号,姓名\r\n5401,扎西\r\n") == [["户编号", "姓名"], ["5401", "扎西"]])
    }

    @Test func aByteOrderMarkAndBlankLinesAreNotRows() {
        #expect(CSV.parse("\u{FEFF}a,b\r\n\r\n1,2\r\n\r\n") == [["a", "b"], ["1", "2"]])
        #expect(CSV.parse("\u{FEFF}") == [])
        #expect(CSV.parse("") == [])
        // Only the first cell of the first row loses a mark.
        #expect(CSV.parse("a,\u{FEFF}b\r\n\u{FEFF}c\r\n") == [["a", "\u{FEFF}b"], ["\u{FEFF}c"]])
    }

    @Test func malformedTextIsStillRead() {
        #expect(CSV.parse("a,b\"c,d\r\n1,2,3\r\n") == [["a", "b\"c", "d"], ["1", "2", "3"]])
        #expect(CSV.parse("a,\"b\r\n1,2\r\n") == [["a", "b\r\n1,2\r\n"]])
    }

    @Test func writtenLinesReadBack() {
        let cells = ["=1+1", "a,b", "say \"hi\"", "多行\n文本", "+86", ""]
        #expect(CSV.parse(CSV.line(cells)).first?.map(CSV.unescapeFormula) == cells)
    }
}

import Foundation

/// The incomes template: one row per household and year, amounts in 元 with two decimals.
public enum IncomesTemplate {
    public static let header = ["户编号", "年度", "工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出"]

    public struct Record: Sendable, Equatable {
        public var number: String
        public var income: IncomeFacts
        public var row: Int
        public init(number: String, income: IncomeFacts, row: Int = 0) {
            self.number = number; self.income = income; self.row = row
        }
    }

    public struct Parsed: Sendable {
        public var records: [Record] = []
        public var problems: [ImportProblem] = []
    }

    public static func parse(_ rows: [[String]], today: CivilDate) -> Parsed {
        var out = Parsed()
        if let problem = TemplateRows.headerProblem(rows.first, header: header) {
            out.problems.append(problem)
            return out
        }
        var seen: [String: Int] = [:]
        for (index, raw) in rows.dropFirst().enumerated() {
            let rowNumber = index + 2
            let cells = TemplateRows.cells(raw, width: header.count)
            var problems: [ImportProblem] = []
            func fail(_ column: Int, _ code: ImportErrorCode, _ message: String) {
                problems.append(ImportProblem(row: rowNumber, column: header[column], code: code, message: message))
            }
            let number = cells[0]
            if number.isEmpty { fail(0, .required, "必填") }
            var year: Int?
            if cells[1].isEmpty {
                fail(1, .required, "必填")
            } else if let y = Int(cells[1]), (2000...today.year).contains(y) {
                year = y
            } else {
                fail(1, .number, "应为 2000–\(today.year) 的年份")
            }
            var amounts: [Money] = []
            for column in 2..<header.count {
                if cells[column].isEmpty { fail(column, .required, "必填"); continue }
                guard let money = parseYuan(cells[column]) else { fail(column, .number, "应为金额（元），最多两位小数"); continue }
                amounts.append(money)
            }
            if let year, !number.isEmpty {
                let key = "\(number)|\(year)"
                if let first = seen[key] {
                    fail(1, .householdSplit, "与第 \(first) 行是同一户同一年度")
                } else {
                    seen[key] = rowNumber
                }
            }
            out.problems += problems
            guard problems.isEmpty, let year, amounts.count == 5 else { continue }
            out.records.append(
                Record(
                    number: number,
                    income: IncomeFacts(
                        year: year, wage: amounts[0], business: amounts[1],
                        property: amounts[2], transfer: amounts[3], costs: amounts[4]),
                    row: rowNumber))
        }
        return out
    }

    /// `1234.5` or `1,234.50` → 123450 fen. Negative amounts parse (the quality check reports them).
    public static func parseYuan(_ text: String) -> Money? {
        var t = text.replacingAll(",", with: "")
        let negative = t.hasPrefix("-")
        if negative { t.removeFirst() }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12,
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(parts[0])
        else { return nil }
        var fen = whole * 100
        if parts.count == 2 {
            let frac = parts[1]
            guard (1...2).contains(frac.count), frac.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            fen += Int64(frac.count == 1 ? String(frac) + "0" : String(frac))!
        }
        return Money(fen: negative ? -fen : fen)
    }

    public static func cells(number: String, income i: IncomeFacts) -> [String] {
        [
            number, String(i.year), i.wage.description, i.business.description, i.property.description,
            i.transfer.description, i.costs.description,
        ]
    }
}

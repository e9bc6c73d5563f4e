import TuopinCore

/// A small server-rendered bar chart of per-capita net income by year, with the poverty line.
enum IncomeChart {
    struct Bar: Encodable {
        let x: Int; let y: Int; let height: Int; let label: String; let value: String; let below: Bool; let labelY: Int
    }
    struct View: Encodable {
        let bars: [Bar]; let lineY: Int?; let width: Int; let height: Int; let hasBars: Bool
        /// The years shown without a poverty line, because region HQ has not set that year's standard ("2021、2022").
        let missingYears: String?
    }

    static func view(_ points: [(year: Int, perCapita: String)], line: (Int) -> Money?) -> View {
        let values = points.map { (year: $0.year, fen: IncomesTemplate.parseYuan($0.perCapita)?.fen ?? 0) }
        let lastLine = values.last.flatMap { line($0.year) }?.fen
        let top = max(values.map(\.fen).max() ?? 1, lastLine ?? 1, 1)
        let chartHeight = 120, barWidth = 36, gap = 14
        let bars = values.enumerated().map { i, v in
            let h = Int(Int64(chartHeight) * max(v.fen, 0) / top)
            return Bar(
                x: 10 + i * (barWidth + gap), y: 10 + chartHeight - h, height: h, label: String(v.year),
                value: Money(fen: v.fen).description, below: line(v.year).map { v.fen < $0.fen } ?? false,
                labelY: chartHeight + 28)
        }
        let lineY = lastLine.map { 10 + chartHeight - Int(Int64(chartHeight) * $0 / top) }
        let missing = values.map(\.year).filter { line($0) == nil }.map(String.init)
        return View(
            bars: bars, lineY: lineY, width: 20 + values.count * (barWidth + gap), height: chartHeight + 40,
            hasBars: !bars.isEmpty, missingYears: missing.isEmpty ? nil : missing.joined(separator: "、"))
    }
}

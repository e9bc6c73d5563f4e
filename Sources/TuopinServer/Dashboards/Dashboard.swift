import Fluent
import SQLKit
import TuopinCore
import Vapor

/// The dashboard at the top of every unit page: the registry's figures from the roll-ups, open
/// violations, and charts as server-rendered SVG, each with its numbers in a table beside it.
enum Dashboard {
    struct Figure: Encodable { let key: String; let label: String; let households: Int; let people: Int }
    struct View: Encodable {
        let figures: [Figure]
        /// 贫困发生率, e.g. "3.12"; nil when the villages' rural population is not kept.
        let incidence: String?
        let ruralPopulation: Int
        let openViolations: Int
        /// Progress reports past their due date and not submitted (R-04-2, R-10-2), under the unit.
        let overdueReports: Int
        /// Inspection findings past their deadline without an accepted rectification (R-39-1).
        let overdueFindings: Int
        /// Disputes of the townships below not closed by their deadline (article 26).
        let overdueDisputes: Int
        let years: YearChart
        /// Causes of poverty, household attributes, this year's funds by source.
        let charts: [Chart]
    }
    struct Chart: Encodable { let key: String; let title: String; let bars: BarChart }

    /// The caller has made the roll-ups current (`Rollups.ensureCurrent`).
    static func view(_ req: Request, code: OrgCode, today: CivilDate) async throws -> View {
        let data = req.data, t = req.t
        let figures = try await data.figures(of: code)
        let cells = try await Rollups.cells(of: code.value, on: req.data)
        let population = try await ruralPopulation(under: code, on: req.data)
        let years = PovertyFigures.byYear(cells, years: PovertyFigures.chartYears(cells, through: today.year))
        func categoryBars(_ dim: Rollups.Dimension, label: (String) -> String) async throws -> BarChart {
            var totals: [String: Int] = [:]
            for row in try await Rollups.categories(of: code.value, dim, on: req.data)
            where HouseholdStatus(rawValue: row.status)?.isRegistered ?? false {
                totals[row.category, default: 0] += row.count.households
            }
            return BarChart(
                totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map {
                    (label($0.key), $0.value, String($0.value))
                })
        }
        var bySource: [String: Int64] = [:]
        for account in try await req.data.rows(FundAccountRecord.self).filter(
            \.$id.$holder == FundEntryRecord.holder(unit: code.value)
        )
        .filter(\.$id.$year == today.year).all() {
            bySource[account.id!.source, default: 0] += account.account.received.fen
        }
        let sources = FundSource.allCases.compactMap { s in bySource[s.rawValue].map { (s, $0) } }.filter { $0.1 > 0 }
        let violations = try await req.data.openViolationCounts(under: code)
        let reportRules = Set(ComplianceRules.overdueReportRules.map(\.id.rawValue)),
            findingRules = Set(ComplianceRules.overdueFindingRules.map(\.id.rawValue))
        return View(
            figures: headline(figures, t: t, applicants: true),
            incidence: figures.incidenceBP(ruralPopulation: population).map(StandardsController.percent),
            ruralPopulation: population ?? 0, openViolations: violations.reduce(0) { $0 + $1.n },
            overdueReports: violations.filter { reportRules.contains($0.rule) }.reduce(0) { $0 + $1.n },
            overdueFindings: violations.filter { findingRules.contains($0.rule) }.reduce(0) { $0 + $1.n },
            overdueDisputes: try await req.data.rows(DisputeRecord.self).filter(
                \.$townshipCode, .custom("LIKE"), code.value + "%"
            )
            .filter(\.$status ~~ DisputeStatus.allCases.filter { !$0.isClosed }).filter(\.$deadline < today).count(),
            years: YearChart(years),
            charts: [
                Chart(
                    key: "causes", title: t["dash_chart_causes"],
                    bars: try await categoryBars(.cause) { t.vocab(PovertyCause.self, raw: $0) }),
                Chart(
                    key: "attributes", title: t["dash_chart_attributes"],
                    bars: try await categoryBars(.attribute) { t.vocab(HouseholdAttribute.self, raw: $0) }),
                Chart(
                    key: "funds", title: "\(t["dash_chart_funds"]) · \(today.year)",
                    bars: BarChart(sources.map { (t[$0.0.labelKey], Int($0.1 / 100), Money(fen: $0.1).description) })),
            ])
    }

    /// The headline figures of a unit (the public home leaves out those only applying for identification).
    static func headline(_ f: PovertyFigures, t: Translations, applicants: Bool) -> [Figure] {
        [
            Figure(
                key: "registered", label: t["dash_registered"], households: f.registered.households,
                people: f.registered.people),
            Figure(key: "exited", label: t["dash_exited"], households: f.exited.households, people: f.exited.people),
            Figure(
                key: "remaining", label: t["dash_remaining"], households: f.remaining.households,
                people: f.remaining.people),
        ]
            + (applicants
                ? [
                    Figure(
                        key: "applicants", label: t["status_applicant"], households: f.applicants.households,
                        people: f.applicants.people)
                ] : [])
    }

    /// Horizontal bars, one per labelled value, scaled to the largest.
    struct BarChart: Encodable {
        struct Bar: Encodable { let label: String; let value: String; let y: Int; let width: Int; let textY: Int }
        let bars: [Bar]; let height: Int; let hasBars: Bool
        static let labelWidth = 130, barArea = 200, rowHeight = 22

        init(_ values: [(label: String, value: Int, text: String)]) {
            let top = max(values.map(\.value).max() ?? 1, 1)
            bars = values.enumerated().map { i, v in
                Bar(
                    label: v.label, value: v.text, y: i * Self.rowHeight + 4,
                    width: v.value <= 0 ? 0 : max(1, Self.barArea * v.value / top), textY: i * Self.rowHeight + 18)
            }
            height = values.count * Self.rowHeight + 8
            hasBars = !bars.isEmpty
        }
    }

    /// Exits (households) in each year beside the poor households remaining at the year's end.
    struct YearChart: Encodable {
        struct Column: Encodable {
            let year: Int; let exited: Int; let remaining: Int; let exitedPeople: Int; let remainingPeople: Int
            let x: Int; let remainingX: Int; let labelX: Int; let exitedY: Int; let exitedHeight: Int;
            let remainingY: Int; let remainingHeight: Int
        }
        let columns: [Column]; let width: Int; let height: Int; let baseY: Int; let labelY: Int

        init(_ years: [PovertyFigures.Year]) {
            let chartHeight = 120, step = 46
            let top = max(years.map { max($0.exited.households, $0.remaining.households) }.max() ?? 1, 1)
            func h(_ v: Int) -> Int { v <= 0 ? 0 : max(1, chartHeight * v / top) }
            columns = years.enumerated().map { i, y in
                Column(
                    year: y.year, exited: y.exited.households, remaining: y.remaining.households,
                    exitedPeople: y.exited.people, remainingPeople: y.remaining.people, x: 10 + i * step,
                    remainingX: 29 + i * step, labelX: 28 + i * step,
                    exitedY: 10 + chartHeight - h(y.exited.households), exitedHeight: h(y.exited.households),
                    remainingY: 10 + chartHeight - h(y.remaining.households), remainingHeight: h(y.remaining.households)
                )
            }
            width = 20 + years.count * step; height = chartHeight + 32; baseY = 10 + chartHeight;
            labelY = chartHeight + 26
        }
    }
}

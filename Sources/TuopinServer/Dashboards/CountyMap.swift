import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The county map: the 74 counties of `Resources/Data/xizang-counties.geojson` (MIT, see the
/// LICENSE beside it) drawn as SVG paths, coloured by a chosen measure, region-wide or zoomed to
/// one prefecture. The outlines are projected once at start; each request only colours them.
struct CountyMap: Sendable {
    struct County: Sendable {
        let code: String; let name: String; let prefecture: String; let rings: [[(Double, Double)]]
    }
    /// The projected outlines of one view (the region or a prefecture). A path holds only digits,
    /// `.`, `,`, `-`, `M`, `L` and `Z`, so `map-svg.leaf` writes it without escaping (`#unsafeHTML`),
    /// which saves escaping 60 KB character by character on every page.
    struct Frame: Sendable {
        let width: Int; let height: Int; let paths: [(code: String, d: String)]
        /// Where each county's name is written: the middle of its largest outline.
        let labels: [String: (x: Int, y: Int)]
    }

    let counties: [County]
    let frames: [String: Frame]
    static let width = 720.0

    static func load(_ path: String) throws -> CountyMap {
        struct Collection: Decodable { let features: [Feature] }
        struct Feature: Decodable { let properties: Properties; let geometry: Geometry }
        struct Properties: Decodable { let code: String; let name: String; let parent: String }
        struct Geometry: Decodable {
            let rings: [[[Double]]]
            enum Keys: String, CodingKey { case type, coordinates }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: Keys.self)
                switch try c.decode(String.self, forKey: .type) {
                case "Polygon": rings = try c.decode([[[Double]]].self, forKey: .coordinates)
                case "MultiPolygon": rings = try c.decode([[[[Double]]]].self, forKey: .coordinates).flatMap { $0 }
                default: throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "not a polygon")
                }
            }
        }
        let collection = try JSONDecoder().decode(Collection.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let counties = collection.features.map { f in
            County(
                code: f.properties.code, name: f.properties.name, prefecture: String(f.properties.parent.prefix(4)),
                rings: f.geometry.rings.map { ring in ring.map { ($0[0], $0[1]) } })
        }
        var frames: [String: Frame] = ["54": frame(counties)]
        for prefecture in Set(counties.map(\.prefecture)) {
            frames[prefecture] = frame(counties.filter { $0.prefecture == prefecture })
        }
        return CountyMap(counties: counties, frames: frames)
    }

    /// Equirectangular projection at the view's middle latitude, fitted to `width`.
    private static func frame(_ counties: [County]) -> Frame {
        let points = counties.flatMap { $0.rings.flatMap { $0 } }
        let minX = points.map(\.0).min()!, maxX = points.map(\.0).max()!
        let minY = points.map(\.1).min()!, maxY = points.map(\.1).max()!
        let squeeze = cos((minY + maxY) / 2 * .pi / 180)
        let margin = 6.0
        let scale = min((width - 2 * margin) / max((maxX - minX) * squeeze, 0.01), 520 / max(maxY - minY, 0.01))
        func fmt(_ v: Double) -> String { String(Int((v * 10).rounded())).withDecimal }
        func project(_ p: (Double, Double)) -> (Double, Double) {
            (margin + (p.0 - minX) * squeeze * scale, margin + (maxY - p.1) * scale)
        }
        var labels: [String: (x: Int, y: Int)] = [:]
        for county in counties {
            guard let ring = county.rings.max(by: { $0.count < $1.count }), !ring.isEmpty else { continue }
            let projected = ring.map(project)
            let x = projected.map(\.0).reduce(0, +) / Double(projected.count)
            let y = projected.map(\.1).reduce(0, +) / Double(projected.count)
            labels[county.code] = (Int(x.rounded()), Int(y.rounded()))
        }
        let paths = counties.map { county in
            (
                county.code,
                county.rings.map { ring in
                    "M"
                        + ring.map { p in
                            fmt(margin + (p.0 - minX) * squeeze * scale) + "," + fmt(margin + (maxY - p.1) * scale)
                        }.joined(separator: "L") + "Z"
                }.joined()
            )
        }
        return Frame(
            width: Int(((maxX - minX) * squeeze * scale + 2 * margin).rounded(.up)),
            height: Int(((maxY - minY) * scale + 2 * margin).rounded(.up)), paths: paths, labels: labels)
    }

    // MARK: Measures

    enum Measure: String, CaseIterable, Sendable {
        case incidence, remaining, violations, disbursement
        var labelKey: String { "map_measure_\(rawValue)" }
        /// Whether a higher value is better (coloured lighter).
        var higherIsBetter: Bool { self == .disbursement }
    }

    // MARK: The page

    struct Shape: Encodable {
        let code: String; let name: String; let d: String; let fill: String; let value: String; let href: String?
        /// The name's place on a prefecture's map (counties are not named on the whole region's).
        let label_x: Int?; let label_y: Int?
    }
    struct LegendClass: Encodable { let fill: String; let label: String }
    struct Row: Encodable { let code: String; let name: String; let value: String; let href: String? }
    struct Option: Encodable { let value: String; let label: String; let selected: Bool }
    struct View: Encodable {
        let width: Int; let height: Int; let shapes: [Shape]; let legend: [LegendClass]; let rows: [Row]
        let measure: String; let measureLabel: String; let measures: [Option]; let prefecture: String?;
        let prefectures: [Option]
        let title: String
    }

    static let palette = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
    static let noValue = "#e4e4e4"

    static func text(_ measure: Measure, _ value: Int) -> String {
        switch measure {
        case .incidence, .disbursement: StandardsController.percent(value) + "%"
        case .remaining, .violations: String(value)
        }
    }

    /// The coloured map for a user (the caller has made the roll-ups current): counties outside their scope are drawn
    /// without a value or a link.
    static func view(_ req: Request, measure: Measure, prefecture: String?) async throws -> View {
        let map = req.application.countyMap, t = req.t, scope = req.data.scope
        guard let frame = map.frames[prefecture ?? "54"] else { throw AppError.notFound }
        let shown = map.counties.filter { prefecture == nil || $0.prefecture == prefecture }
        let visible = shown.map(\.code).filter { OrgCode($0).map(scope.permitsAggregates(on:)) ?? false }
        let year = req.clock.today.year
        let values = try await values(measure, counties: visible, year: year, on: req.data)
        // At least one value per colour class, so that no two classes show the same range.
        let top = max(values.values.max() ?? 0, palette.count - 1)
        func classIndex(_ v: Int) -> Int {
            let i = min(palette.count - 1, v * palette.count / (top + 1))
            return measure.higherIsBetter ? palette.count - 1 - i : i
        }
        let byCode = Dictionary(uniqueKeysWithValues: shown.map { ($0.code, $0) })
        let shapes = frame.paths.compactMap { path -> Shape? in
            guard let county = byCode[path.code] else { return nil }
            let value = values[county.code]
            return Shape(
                code: county.code, name: county.name, d: path.d, fill: value.map { palette[classIndex($0)] } ?? noValue,
                value: value.map { text(measure, $0) } ?? "—",
                href: visible.contains(county.code) ? SiteURL.unit(county.code).path : nil,
                label_x: prefecture == nil ? nil : frame.labels[county.code]?.x,
                label_y: prefecture == nil ? nil : frame.labels[county.code]?.y)
        }
        // Every county at zero: one class, not five ranges of "0.00% – 0.00%".
        let allZero = values.values.allSatisfy { $0 == 0 }
        let legend =
            (allZero ? [0] : Array(0..<palette.count)).map { i -> LegendClass in
                let low = i * (top + 1) / palette.count, high = max(low, (i + 1) * (top + 1) / palette.count - 1)
                return LegendClass(
                    fill: palette[classIndex(low)],
                    label: allZero || low == high
                        ? text(measure, low) : "\(text(measure, low)) – \(text(measure, high))")
            } + [LegendClass(fill: noValue, label: t["map_no_value"])]
        let prefectureUnits = try await req.data.rows(OrgUnit.self).filter(\.$level == OrgLevel.prefecture.rawValue)
            .sort(\.$id).all()
        let names = Dictionary(uniqueKeysWithValues: prefectureUnits.map { ($0.id!, $0.name) })
        return View(
            width: frame.width, height: frame.height, shapes: shapes, legend: legend,
            rows: shapes.map { Row(code: $0.code, name: $0.name, value: $0.value, href: $0.href) },
            measure: measure.rawValue, measureLabel: t[measure.labelKey],
            measures: Measure.allCases.map {
                Option(value: $0.rawValue, label: t[$0.labelKey], selected: $0 == measure)
            },
            prefecture: prefecture,
            prefectures: prefectureUnits.map { Option(value: $0.id!, label: $0.name, selected: $0.id == prefecture) },
            title: prefecture.flatMap { names[$0] }.map { "\(t["map_title"]) · \($0)" } ?? t["map_title"])
    }

    @Sendable static func page(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let measure =
            try req.query.get(String?.self, at: "measure").map { raw in
                guard let m = Measure(rawValue: raw) else { throw AppError.invalidField("measure") }
                return m
            } ?? .incidence
        var prefecture = try req.query.get(String?.self, at: "prefecture").flatMap { $0.isEmpty ? nil : $0 }
        if let prefecture, OrgCode(prefecture)?.level != .prefecture { throw AppError.invalidField("prefecture") }
        // A county, township or village user starts on their own prefecture's map, counties named,
        // rather than on the whole region with one county coloured.
        if prefecture == nil, (try? req.query.get(String.self, at: "prefecture")) == nil,
            let home = req.auth.get(CurrentUser.self)?.scope.homeUnit, home.level >= .county
        {
            prefecture = String(home.value.prefix(4))
        }
        struct PageView: Encodable { let map: View }
        try await Rollups.ensureCurrent(req.application)
        let map = try await req.timed("map") { try await view(req, measure: measure, prefecture: prefecture) }
        return try await Page.render(req, "map", PageView(map: map))
    }
}

private extension String {
    /// "1234" (tenths) → "123.4".
    var withDecimal: String {
        let negative = hasPrefix("-")
        var digits = negative ? String(dropFirst()) : self
        while digits.count < 2 { digits = "0" + digits }
        return (negative ? "-" : "") + digits.dropLast() + "." + digits.suffix(1)
    }
}

extension Application {
    private struct CountyMapKey: StorageKey { typealias Value = CountyMap }
    /// Loaded once in `configure`.
    var countyMap: CountyMap {
        get { storage[CountyMapKey.self]! }
        set { storage[CountyMapKey.self] = newValue }
    }
}

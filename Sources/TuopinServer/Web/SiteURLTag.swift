import Leaf
import Vapor

/// `#url("name", arguments…)` in a template: the path of a `SiteURL` case, so that no template writes
/// an internal path by hand (issue #23). A query string stays after the tag
/// (`#url("unitPart", page.code, "statistics")?year=#(page.year)`). An unknown name or a missing
/// argument stops the page with an error rather than linking nowhere.
struct SiteURLTag: LeafTag {
    struct UnknownLink: Error, CustomStringConvertible { let description: String }

    func render(_ ctx: LeafContext) throws -> LeafData {
        let values = ctx.parameters.map { $0.string ?? "" }
        guard let name = values.first, let url = Self.url(name, Array(values.dropFirst())) else {
            throw UnknownLink(description: "#url(\(values.joined(separator: ", "))): no such link")
        }
        return .string(url.path)
    }

    /// Pages without parameters, by the name templates use.
    static let fixed: [String: SiteURL] = [
        "home": .home, "login": .login, "help": .help, "gongshi": .gongshi, "gongshiTrack": .gongshiTrack,
        "households": .households, "householdNew": .householdNew, "imports": .imports, "quality": .quality,
        "standards": .standards, "monitoringStandards": .monitoringStandards, "cases": .cases,
        "spotChecks": .spotChecks, "sessions": .sessions,
        "password": .password, "twoFactor": .twoFactor, "projects": .projects, "projectNew": .projectNew,
        "assessments": .assessments, "auditSearch": .auditSearch, "oversightCases": .oversightCases,
        "countyMap": .countyMap,
    ]

    /// The `SiteURL` a template names, with its arguments as text.
    static func url(_ name: String, _ a: [String]) -> SiteURL? {
        func text(_ i: Int) -> String? { i < a.count && !a[i].isEmpty ? a[i] : nil }
        func id<Row>(_ i: Int) -> RowID<Row>? { text(i).flatMap { Int($0) }.map { RowID($0) } }
        if let url = Self.fixed[name] { return a.isEmpty ? url : nil }
        switch name {
        case "unit": return text(0).map { .unit($0) }
        case "unitPart": return text(0).flatMap { code in text(1).map { .unitPart(code, $0) } }
        case "unitCompliance": return text(0).map { .unitCompliance($0) }
        case "language": return text(0).map { .language($0) }
        case "importTemplate": return text(0).map { .importTemplate($0) }
        case "householdsExport": return text(0).flatMap { kind in text(1).map { .householdsExport(kind, $0) } }
        case "household": return id(0).map { .household($0) }
        case "caseDetail": return id(0).map { .caseDetail($0) }
        case "gongshiNotice": return id(0).map { .gongshiNotice($0) }
        case "project": return id(0).map { .project($0, text(1)) }
        case "inspection": return id(0).map { .inspection($0, text(1)) }
        case "assessment": return id(0).map { .assessment($0, text(1)) }
        case "assessmentUnit": return id(0).flatMap { scheme in text(1).map { .assessmentUnit(scheme, $0) } }
        case "oversightCase": return id(0).map { .oversightCase($0, text(1)) }
        default: return nil
        }
    }
}

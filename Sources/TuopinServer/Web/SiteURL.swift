import Vapor

/// The one route table: paths are built here both to register routes and to make links.
/// A nil parameter stands for the route pattern (`:code`), a value for a concrete link.
enum SiteURL {
    case home, login, logout, healthz, metrics
    case language(String?)
    case unit(String?)
    case household(Int?)
    case householdEdit(Int?)
    case householdNew
    case householdPart(Int?, String, String? = nil)
    case households
    case householdsExport(String?, String?)
    case imports
    case quality
    case standards
    case standard(Int?)
    case apiStandards
    case apiStandard(Int?)
    case qualityCheck
    case apiTokens, apiHouseholds, apiOpenAPI
    case apiHousehold(Int?)
    case apiHouseholdPart(Int?, String, String?)
    case apiMember(Int?)

    var segments: [String] {
        switch self {
        case .home: []
        case .login: ["login"]
        case .logout: ["logout"]
        case .healthz: ["healthz"]
        case .metrics: ["metrics"]
        case .language(let code): ["lang", code ?? ":lang"]
        case .unit(let code): ["units", code ?? ":code"]
        case .household(let id): ["households", id.map(String.init) ?? ":id"]
        case .householdEdit(let id): ["households", id.map(String.init) ?? ":id", "edit"]
        case .households: ["households"]
        case .householdNew: ["households", "new"]
        case .householdPart(let id, let part, let key): ["households", id.map(String.init) ?? ":id", part] + (key.map { [$0] } ?? [])
        case .householdsExport(let kind, let format): ["households", "export", kind ?? ":kind", format ?? ":format"]
        case .imports: ["imports"]
        case .quality: ["quality"]
        case .standards: ["standards"]
        case .standard(let year): ["standards", year.map(String.init) ?? ":year"]
        case .apiStandards: ["api", "v1", "standards"]
        case .apiStandard(let year): ["api", "v1", "standards", year.map(String.init) ?? ":year"]
        case .qualityCheck: ["quality", "check"]
        case .apiTokens: ["api", "v1", "tokens"]
        case .apiHouseholds: ["api", "v1", "households"]
        case .apiOpenAPI: ["api", "v1", "openapi.json"]
        case .apiHousehold(let id): ["api", "v1", "households", id.map(String.init) ?? ":id"]
        case .apiHouseholdPart(let id, let part, let key): ["api", "v1", "households", id.map(String.init) ?? ":id", part] + (key.map { [$0] } ?? [])
        case .apiMember(let id): ["api", "v1", "members", id.map(String.init) ?? ":id"]
        }
    }

    var pathComponents: [PathComponent] { segments.map { PathComponent(stringLiteral: $0) } }
    var path: String { "/" + segments.joined(separator: "/") }
}

extension Request {
    /// A path parameter that must be a positive whole number; anything else is "not found".
    func intParameter(_ name: String) throws -> Int {
        guard let raw = parameters.get(name), let value = Int(raw), value > 0 else { throw AppError.notFound }
        return value
    }
}

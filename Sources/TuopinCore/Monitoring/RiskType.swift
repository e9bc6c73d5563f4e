/// Why a household risks falling (back) into poverty (返贫致贫风险类型); a monitoring object has one or several.
public enum RiskType: String, OfficialValue {
    case illness, disability, disaster, accident, employment, business, schooling, other

    public var label: String {
        switch self {
        case .illness: "因病"
        case .disability: "因残"
        case .disaster: "因灾"
        case .accident: "因意外事故"
        case .employment: "因就业困难"
        case .business: "因产业经营失败"
        case .schooling: "因学"
        case .other: "其他"
        }
    }

    public var labelKey: String { "risk_\(rawValue)" }

    /// A stored list (`illness;disaster`) as types, unknown names dropped, in the order of `allCases`.
    public static func parse(list: String) -> [RiskType] {
        let names = Set(list.split(separator: ";").map(String.init))
        return allCases.filter { names.contains($0.rawValue) }
    }

    /// Types as stored: raw values joined by `;`, in the order of `allCases`, each once.
    public static func stored(_ types: some Sequence<RiskType>) -> String {
        let set = Set(types)
        return allCases.filter { set.contains($0) }.map(\.rawValue).joined(separator: ";")
    }
}

/// A cadre's position in their unit (articles 5, 20, 29), from a fixed list: the rules count 扶贫专干
/// (R-20-1) and 第一书记 (R-29-1) by it, so it cannot be free text.
public enum CadrePosition: String, Codable, Sendable, CaseIterable {
    case secretary  // 党委（党支部）书记
    case head  // 政府（村委会）主要负责人
    case deputyLeader  // 分管扶贫负责人
    case povertyOfficeDirector  // 扶贫办主任
    case povertyStaff  // 扶贫专干 (article 20: at least two per township)
    case firstSecretary  // 贫困村第一书记 (article 29)
    case villageCadre  // 村“两委”干部
    case cadre  // 其他干部

    public var labelKey: String { "position_\(rawValue)" }

    /// Where the position exists: 扶贫专干 in townships (article 20), first secretaries and village cadres in
    /// villages (article 29), a poverty-alleviation office at county level and above, a deputy above villages.
    public func allowed(at level: OrgLevel) -> Bool {
        switch self {
        case .secretary, .head, .cadre: true
        case .deputyLeader: level != .village
        case .povertyOfficeDirector: level <= .county
        case .povertyStaff: level == .township
        case .firstSecretary, .villageCadre: level == .village
        }
    }

    /// The positions a unit of `level` offers, in list order.
    public static func offered(at level: OrgLevel) -> [CadrePosition] { allCases.filter { $0.allowed(at: level) } }

    /// A position recorded as free text before the list existed, read as the nearest one on the list.
    public static func reading(_ text: String) -> CadrePosition {
        if let p = CadrePosition(rawValue: text) { return p }
        switch text {
        case "扶贫专干": return .povertyStaff
        case "第一书记": return .firstSecretary
        case "扶贫办主任": return .povertyOfficeDirector
        case "大学生村官", "村委会委员", "村干部": return .villageCadre
        case "分管扶贫负责人", "分管领导": return .deputyLeader
        default: break
        }
        if text.hasSuffix("书记") { return .secretary }
        if ["主席", "首长", "县长", "乡长", "镇长", "乡镇长", "负责人", "专员", "主任"].contains(where: text.hasSuffix) {
            return .head
        }
        return .cadre
    }
}

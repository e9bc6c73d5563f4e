/// A cadre's administrative rank (职级): half of what sets their pairing quota (article 37). Whether
/// they are stationed in a village is a separate field (`StationedRole`).
public enum CadreRank: String, Codable, Sendable, CaseIterable {
    case prefectureDepartment  // 厅级及以上
    case countyDivision  // 处级
    case section  // 科级
    case staff  // 一般干部

    public var labelKey: String { "rank_\(rawValue)" }
}

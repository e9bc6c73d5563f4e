/// The groups article 37 gives a pairing quota: "地厅级以上干部 3 户, 县处级 2 户, 科级干部、驻村工作队员、
/// 大学生村官 1 户" — four ranks (staff have none) and two stationed roles. A cadre in two groups (a section
/// cadre in a work team) owes the larger quota; a work-team leader is a member of the team.
public enum QuotaGroup: String, Codable, Sendable, CaseIterable {
    case prefectureDepartment, countyDivision, section, staff, workTeamMember, villageOfficialGraduate

    public var labelKey: String {
        switch self {
        case .workTeamMember, .villageOfficialGraduate: "stationed_\(rawValue)"
        default: "rank_\(rawValue)"
        }
    }

    /// The groups a cadre of `rank` stationed as `role` belongs to.
    public static func groups(rank: CadreRank, role: StationedRole) -> [QuotaGroup] {
        let byRank: QuotaGroup =
            switch rank {
            case .prefectureDepartment: .prefectureDepartment
            case .countyDivision: .countyDivision
            case .section: .section
            case .staff: .staff
            }
        switch role {
        case .none: return [byRank]
        case .workTeamLeader, .workTeamMember: return [byRank, .workTeamMember]
        case .villageOfficialGraduate: return [byRank, .villageOfficialGraduate]
        }
    }
}

/// Whether a cadre is stationed in a village (驻村), and as what. Separate from the rank: a section-rank
/// cadre may lead a village's work team. Article 37 gives work-team members and college-graduate village
/// officials a pairing quota of their own.
public enum StationedRole: String, Codable, Sendable, CaseIterable {
    case none
    case workTeamLeader  // 驻村工作队长
    case workTeamMember  // 驻村工作队员
    case villageOfficialGraduate  // 大学生村官

    public var labelKey: String { "stationed_\(rawValue)" }

    /// Only a village's own cadres are stationed in it.
    public func allowed(at level: OrgLevel) -> Bool { self == .none || level == .village }
}

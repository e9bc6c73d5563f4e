/// Cadre ranks (article 37 sets pairing quotas by rank).
public enum CadreRank: String, Codable, Sendable, CaseIterable {
    case prefectureDepartment  // 厅级及以上
    case countyDivision  // 处级
    case section  // 科级
    case staff  // 一般干部
    case workTeamMember  // 驻村工作队员
    case villageOfficialGraduate  // 大学生村官

    public var labelKey: String { "rank_\(rawValue)" }
}

public struct DemoCadre: Sendable, Equatable {
    public let name: String
    public let rank: CadreRank
    public let unit: OrgCode
    public let position: String
    /// `secretary` or `head` when the cadre is one of the unit's principals.
    public let principal: String?
}

public enum DemoCadres {
    /// The cadres of one unit: its principals, and the staff its level calls for.
    public static func cadres(of unit: OrgCode, seed: UInt64) -> [DemoCadre] {
        var rng = SplitMix64(seed: seed, stream: UInt64(unit.value)! &+ 2_000_000_000_000)
        func person() -> String { DemoNames.personName(sex: rng.chance(0.6) ? .male : .female, rng: &rng) }
        switch unit.level {
        case .region, .prefecture:
            return [
                DemoCadre(
                    name: person(), rank: .prefectureDepartment, unit: unit, position: "党委书记", principal: "secretary"),
                DemoCadre(
                    name: person(), rank: .prefectureDepartment, unit: unit,
                    position: unit.level == .region ? "政府主席" : "行政首长", principal: "head"),
                DemoCadre(name: person(), rank: .countyDivision, unit: unit, position: "扶贫办主任", principal: nil),
            ]
        case .county:
            return [
                DemoCadre(name: person(), rank: .countyDivision, unit: unit, position: "县委书记", principal: "secretary"),
                DemoCadre(name: person(), rank: .countyDivision, unit: unit, position: "县长", principal: "head"),
                DemoCadre(name: person(), rank: .section, unit: unit, position: "扶贫办主任", principal: nil),
            ]
        case .township:
            return [
                DemoCadre(name: person(), rank: .section, unit: unit, position: "乡镇党委书记", principal: "secretary"),
                DemoCadre(name: person(), rank: .section, unit: unit, position: "乡镇长", principal: "head"),
                DemoCadre(name: person(), rank: .staff, unit: unit, position: "扶贫专干", principal: nil),
                DemoCadre(name: person(), rank: .staff, unit: unit, position: "扶贫专干", principal: nil),
            ]
        case .village:
            var list = [
                DemoCadre(name: person(), rank: .section, unit: unit, position: "第一书记", principal: nil),
                DemoCadre(name: person(), rank: .workTeamMember, unit: unit, position: "驻村工作队员", principal: nil),
            ]
            if rng.chance(0.3) {
                list.append(
                    DemoCadre(
                        name: person(), rank: .villageOfficialGraduate, unit: unit, position: "大学生村官", principal: nil))
            }
            return list
        }
    }
}

public struct DemoCadre: Sendable, Equatable {
    public init(
        name: String, rank: CadreRank, unit: OrgCode, position: CadrePosition, role: StationedRole = .none,
        principal: String?
    ) {
        self.name = name; self.rank = rank; self.unit = unit; self.position = position; self.role = role
        self.principal = principal
    }
    public let name: String
    public let rank: CadreRank
    public let unit: OrgCode
    public let position: CadrePosition
    public let role: StationedRole
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
                    name: person(), rank: .prefectureDepartment, unit: unit, position: .secretary,
                    principal: "secretary"),
                DemoCadre(
                    name: person(), rank: .prefectureDepartment, unit: unit,
                    position: .head, principal: "head"),
                DemoCadre(
                    name: person(), rank: .countyDivision, unit: unit, position: .povertyOfficeDirector,
                    principal: nil),
            ]
        case .county:
            return [
                DemoCadre(
                    name: person(), rank: .countyDivision, unit: unit, position: .secretary, principal: "secretary"),
                DemoCadre(name: person(), rank: .countyDivision, unit: unit, position: .head, principal: "head"),
                DemoCadre(name: person(), rank: .section, unit: unit, position: .povertyOfficeDirector, principal: nil),
            ]
        case .township:
            return [
                DemoCadre(name: person(), rank: .section, unit: unit, position: .secretary, principal: "secretary"),
                DemoCadre(name: person(), rank: .section, unit: unit, position: .head, principal: "head"),
                DemoCadre(name: person(), rank: .staff, unit: unit, position: .povertyStaff, principal: nil),
                DemoCadre(name: person(), rank: .staff, unit: unit, position: .povertyStaff, principal: nil),
            ]
        case .village:
            var list = [
                DemoCadre(name: person(), rank: .section, unit: unit, position: .firstSecretary, principal: nil),
                DemoCadre(
                    name: person(), rank: .staff, unit: unit, position: .cadre, role: .workTeamMember, principal: nil),
            ]
            if rng.chance(0.3) {
                list.append(
                    DemoCadre(
                        name: person(), rank: .staff, unit: unit, position: .villageCadre,
                        role: .villageOfficialGraduate, principal: nil))
            }
            return list
        }
    }
}

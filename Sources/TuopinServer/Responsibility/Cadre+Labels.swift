import TuopinCore

extension Cadre {
    /// The rank, and the stationed role when there is one: "科级 · 驻村工作队长".
    func rankLabel(_ t: Translations) -> String {
        let role = StationedRole(rawValue: stationedRole) ?? .none
        return role == .none ? t["rank_\(rank)"] : "\(t["rank_\(rank)"]) · \(t[role.labelKey])"
    }

    /// The position's name from the fixed list.
    func positionLabel(_ t: Translations) -> String { t[CadrePosition.reading(position).labelKey] }
}

/// The demo's pairings (article 37): most poor households are paired with a cadre of their village
/// or township, a township's first households also with the cadres of the units above it, exited
/// households keep a pairing that ended after their exit; and a realistic sprinkling of breaches —
/// about 3% of poor households unpaired (R-37-2), about 1% with a pairing ended too early (R-37-3),
/// and cadres left under their quota where there are too few poor households (R-37-1).
public enum DemoPairings {
    public struct Household: Sendable {
        public let index: Int; public let village: OrgCode; public let status: HouseholdStatus
        public let identifiedYear: Int; public let exitYear: Int?
        public init(index: Int, village: OrgCode, status: HouseholdStatus, identifiedYear: Int, exitYear: Int?) {
            self.index = index; self.village = village; self.status = status; self.identifiedYear = identifiedYear;
            self.exitYear = exitYear
        }
    }
    public struct Cadre: Sendable {
        public let id: Int; public let rank: CadreRank; public let role: StationedRole; public let unit: OrgCode
        public init(id: Int, rank: CadreRank, role: StationedRole = .none, unit: OrgCode) {
            self.id = id; self.rank = rank; self.role = role; self.unit = unit
        }
    }
    public struct Planned: Sendable, Equatable {
        public let household: Int; public let cadre: Int; public let startedOn: String; public let endedOn: String?;
        public let endReason: String?
    }

    /// `local`: the cadres of the county and the units in it; `above`: those of the prefecture (for
    /// its first county) and of the region (for 540102). Every cadre takes their
    /// rank's quota from the county's poor households in turn (a household may have several), so
    /// that where there are poor households the quotas are met — but for the sprinkled breaches.
    public static func plan(
        households: [Household], local: [Cadre], above: [Cadre], quotas: PairingQuota = PairingQuota(),
        seed: UInt64, stream: UInt64
    ) -> [Planned] {
        var rng = SplitMix64(seed: seed, stream: stream &+ 7_000_000_000_000)
        var out: [Planned] = []
        func start(_ h: Household) -> String { "\(max(2016, h.identifiedYear))-03-01" }
        let poor = households.filter { $0.status.isRemainingPoor }
        let pool = poor.filter { _ in rng.int(0...99) >= 3 }  // R-37-2: about 3% not yet paired
        var paired = Set<Int>()
        var cursor = 0
        if !pool.isEmpty {
            for cadre in above + local where rng.int(0...99) >= 2 {  // R-37-1: about 2% of cadres under quota
                var mine = Set<Int>()
                for _ in 0..<quotas.required(rank: cadre.rank, role: cadre.role) {
                    let h = pool[cursor % pool.count]
                    cursor += 1
                    guard mine.insert(h.index).inserted else { continue }
                    paired.insert(h.index)
                    out.append(
                        Planned(household: h.index, cadre: cadre.id, startedOn: start(h), endedOn: nil, endReason: nil))
                }
            }
        }
        let byVillage = Dictionary(grouping: local, by: \.unit)
        let byTownship = Dictionary(grouping: local.filter { $0.unit.level == .township }, by: \.unit)
        for h in households {
            let candidates = (byVillage[h.village] ?? []) + (h.village.parent.flatMap { byTownship[$0] } ?? [])
            guard !candidates.isEmpty else { continue }
            let cadre = candidates[rng.int(0...(candidates.count - 1))]
            if h.status.isRemainingPoor {
                guard pool.contains(where: { $0.index == h.index }) else { continue }
                if !paired.contains(h.index) {
                    out.append(
                        Planned(household: h.index, cadre: cadre.id, startedOn: start(h), endedOn: nil, endReason: nil))
                }
                if rng.int(0...99) == 0 {  // R-37-3: about 1% with a pairing ended too early
                    out.append(
                        Planned(
                            household: h.index, cadre: cadre.id, startedOn: start(h), endedOn: "2019-06-30",
                            endReason: "干部调动"))
                }
            } else if let exit = h.exitYear, rng.chance(0.5) {
                out.append(
                    Planned(
                        household: h.index, cadre: cadre.id, startedOn: start(h), endedOn: "\(exit)-12-31",
                        endReason: "已脱贫"))
            }
        }
        return out
    }
}

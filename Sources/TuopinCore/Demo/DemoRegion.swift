/// The demo region: the real prefectures and counties, generated townships (9 per county) and
/// villages (8 per township) with valid codes and plausible names, and households spread over the
/// villages deterministically. Everything is produced in streams, so a million households never
/// sit in memory at once.
public struct DemoUnit: Sendable, Equatable {
    public let code: OrgCode
    public let name: String
    public init(code: OrgCode, name: String) { self.code = code; self.name = name }
}

public struct DemoRegion: Sendable {
    public static let townshipsPerCounty = 9
    public static let villagesPerTownship = 8

    public let seed: UInt64
    public let counties: [DemoUnit]

    public init(seed: UInt64, counties: [DemoUnit]) {
        self.seed = seed
        self.counties = counties.sorted { $0.code < $1.code }
    }

    /// Townships of a county: codes `<county>001…009`, the first two towns (镇), the rest 乡.
    public func townships(of county: OrgCode) -> [DemoUnit] {
        var rng = SplitMix64(seed: seed, stream: UInt64(county.value)!)
        var taken = Set<String>()
        return (1...Self.townshipsPerCounty).map { i in
            let name = DemoNames.placeName(rng: &rng, taken: &taken) + (i <= 2 ? "镇" : "乡")
            return DemoUnit(code: OrgCode(county.value + "00\(i)")!, name: name)
        }
    }

    /// Villages of a township: codes `<township>201…208`.
    public func villages(of township: OrgCode) -> [DemoUnit] {
        var rng = SplitMix64(seed: seed, stream: UInt64(township.value)!)
        var taken = Set<String>()
        return (1...Self.villagesPerTownship).map { i in
            DemoUnit(
                code: OrgCode(township.value + "20\(i)")!, name: DemoNames.placeName(rng: &rng, taken: &taken) + "村")
        }
    }

    public var villageCount: Int { counties.count * Self.townshipsPerCounty * Self.villagesPerTownship }

    /// How many of `total` households a village gets. Every village gets the same base; the
    /// remainder goes first to the first village of the first township of every county, then to
    /// the first village of the second townships, and so on, so that a small demo still reaches
    /// every prefecture and the demo users' own villages.
    public func householdCount(total: Int, countyIndex: Int, townshipIndex: Int, villageIndex: Int) -> Int {
        let villages = villageCount
        guard villages > 0 else { return 0 }
        let base = total / villages, remainder = total % villages
        let priority = (villageIndex * Self.townshipsPerCounty + townshipIndex) * counties.count + countyIndex
        return base + (priority < remainder ? 1 : 0)
    }
}

/// Article 37's pairing quotas by group (a standard the region may change): prefecture-department
/// rank and above 3 households, county-division 2, section, work-team members and college-graduate
/// village officials 1; staff (一般干部) are not given a quota by the article.
public struct PairingQuota: Sendable, Equatable, Codable {
    public var byGroup: [QuotaGroup: Int]
    public init(
        byGroup: [QuotaGroup: Int] = [
            .prefectureDepartment: 3, .countyDivision: 2, .section: 1, .workTeamMember: 1,
            .villageOfficialGraduate: 1, .staff: 0,
        ]
    ) {
        self.byGroup = byGroup
    }
    public func required(for group: QuotaGroup) -> Int { byGroup[group] ?? 0 }

    /// A cadre's quota: the largest of the groups their rank and stationed role put them in.
    public func required(rank: CadreRank, role: StationedRole) -> Int {
        QuotaGroup.groups(rank: rank, role: role).map(required(for:)).max() ?? 0
    }

    /// Article 37's own numbers: floors region HQ may raise but not lower.
    public static let article37 = PairingQuota()

    /// Why `households` is refused as `group`'s quota (below the article's floor, or more than ten), or nil.
    public static func problem(households: Int, for group: QuotaGroup) -> String? {
        households >= article37.required(for: group) && households <= 10 ? nil : "households"
    }
}

/// Pairing (结对帮扶, article 37): "不脱贫不脱钩" — a pairing does not end before its household exits.
public enum PairingRule {
    /// Who may be paired with a household of `village`: a cadre of its county or of a unit in the
    /// county, or of the prefecture or region above it.
    public static func cadreMayPair(cadreUnit: OrgCode, householdVillage: OrgCode) -> Bool {
        VillageReach.reaches(cadreUnit, village: householdVillage)
    }

    public struct Proposal: Sendable, Equatable { public let household: Int; public let cadre: Int }

    /// The assignment helper (article 37): for each unpaired household, in the order given, an active
    /// cadre under their rank's quota who may pair with it, the nearest unit first (the longest code
    /// prefix shared with the household's village: its own village, then its township, its county,
    /// the prefecture, the region), ties to the lower id; each proposal uses up one place of the cadre's quota.
    public static func propose(
        unpaired: [(id: Int, village: OrgCode)], cadres: [ComplianceFacts.Cadre], quotas: PairingQuota
    ) -> [Proposal] {
        var room = Dictionary(
            uniqueKeysWithValues: cadres.filter(\.active).map {
                ($0.id, quotas.required(rank: $0.rank, role: $0.role) - $0.activePairings)
            }
        )
        .filter { $0.value > 0 }
        let ordered = cadres.filter { room[$0.id] != nil }.sorted { $0.id < $1.id }
        var out: [Proposal] = []
        for h in unpaired {
            func nearness(_ c: ComplianceFacts.Cadre) -> Int {
                zip(c.unit.value, h.village.value).prefix { $0 == $1 }.count
            }
            let best = ordered.filter {
                (room[$0.id] ?? 0) > 0 && cadreMayPair(cadreUnit: $0.unit, householdVillage: h.village)
            }
            .max { a, b in (nearness(a), -a.id) < (nearness(b), -b.id) }
            guard let cadre = best else { continue }
            room[cadre.id, default: 0] -= 1
            out.append(Proposal(household: h.id, cadre: cadre.id))
        }
        return out
    }

    /// Why ending a pairing of a household in `status` is refused, or nil when it may end (R-37-3).
    public static func endRefusal(householdStatus status: HouseholdStatus) -> Refusal? {
        status.isRemainingPoor ? .pairingBeforeExit : nil
    }

    /// The end reason of pairings ended because their cadre left the post: not a 脱钩 (R-37-3 does not count it);
    /// the household needs a new cadre, which R-37-2 flags.
    public static let cadreLeft = "cadre_left"
}

import Fluent
import TuopinCore
import Vapor

/// What the household page reads besides the household itself, each part only for a household the
/// user may read (`household(id:)` answers "not found" outside the scope).
extension DataAccess {
    /// A household the user may read with everything its page shows, read once per request
    /// ("not found" outside the scope).
    struct HouseholdRecords: Sendable {
        let household: Household; let village: OrgUnit?; let members: [Member]; let guarantees: [Guarantee]
        let plans: [HouseholdPlan]; let measures: [Measure]; let incomes: [IncomeRecord]
    }

    func householdRecords(id: RowID<Household>) async throws -> HouseholdRecords {
        let h = try await household(id: id)
        let (plans, measures) = try await self.plans(of: h)
        return HouseholdRecords(
            household: h, village: try await village(of: h), members: try await members(of: h),
            guarantees: try await guarantees(of: h), plans: plans, measures: measures, incomes: try await incomes(of: h)
        )
    }

    func village(of household: Household) async throws -> OrgUnit? {
        try await OrgUnit.find(household.villageCode, on: db)
    }

    func guarantees(of household: Household) async throws -> [Guarantee] {
        try await Guarantee.query(on: db).filter(\.$householdID == household.requireID()).all()
    }

    /// The household's plans, newest year first, with their measures.
    func plans(of household: Household) async throws -> (plans: [HouseholdPlan], measures: [Measure]) {
        let plans = try await HouseholdPlan.query(on: db).filter(\.$householdID == household.requireID()).sort(
            \.$year, .descending
        ).all()
        let measures = try await Measure.query(on: db).filter(\.$planID ~~ plans.compactMap(\.id)).sort(\.$id).all()
        return (plans, measures)
    }

    /// The change history of a household already read through the scope.
    func history(of household: Household) async throws -> [HouseholdHistory.Entry] {
        try await HouseholdHistory.entries(on: self, householdID: household.requireID())
    }

    /// The data-quality facts of a household already read through the scope.
    func facts(of household: Household, protector: DataProtector, planYear: Int) async throws -> HouseholdFacts {
        let id = try household.requireID()
        return try await HouseholdFactsLoader.load(
            on: self, households: [(id, household.status.rawValue)], protector: protector, planYear: planYear
        ).facts[id]!
    }

    /// The pairings of a household already read through the scope.
    func pairings(of household: Household, t: Translations) async throws -> [PairingService.View] {
        try await PairingService.pairings(of: household.requireID(), on: self, t: t)
    }

    /// Cadres who may be paired with a household of `village` (the user must be able to change it).
    func pairingCandidates(for village: OrgCode) async throws -> [Cadre] {
        try await PairingService.candidates(for: village, on: self)
    }

    /// The poverty standards by year (public figures).
    func standards() async throws -> [Int: Standard] {
        try await StandardsController.lookup(on: self)
    }
}

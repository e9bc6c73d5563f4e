import Fluent
import TuopinCore
import Vapor

/// What the household page reads besides the household itself, each part only for a household the
/// user may read (`household(id:)` answers "not found" outside the scope).
extension DataAccess {
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

    func history(ofHousehold id: RowID<Household>) async throws -> [HouseholdHistory.Entry] {
        _ = try await household(id: id)
        return try await HouseholdHistory.entries(on: self, householdID: id)
    }

    func facts(ofHousehold id: RowID<Household>, protector: DataProtector, planYear: Int) async throws -> HouseholdFacts
    {
        _ = try await household(id: id)
        return try await HouseholdFactsLoader.facts(on: self, householdID: id, protector: protector, planYear: planYear)
    }

    func pairings(ofHousehold id: RowID<Household>, t: Translations) async throws -> [PairingService.View] {
        _ = try await household(id: id)
        return try await PairingService.pairings(of: id, on: self, t: t)
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

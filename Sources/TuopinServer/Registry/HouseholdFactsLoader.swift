import Fluent
import TuopinCore

/// Loads what the data-quality checks need about households, in batches.
enum HouseholdFactsLoader {
    static func facts(on db: any Database, householdID: Int, protector: DataProtector, planYear: Int) async throws -> HouseholdFacts {
        try await facts(on: db, households: [try await Household.find(householdID, on: db)!], protector: protector, planYear: planYear)[householdID]!
    }

    static func facts(on db: any Database, households: [Household], protector: DataProtector, planYear: Int) async throws -> [Int: HouseholdFacts] {
        let ids = households.compactMap(\.id)
        let members = Dictionary(grouping: try await Member.query(on: db).filter(\.$household.$id ~~ ids).sort(\.$id).all(), by: { $0.$household.id })
        let incomes = Dictionary(grouping: try await IncomeRecord.query(on: db).filter(\.$householdID ~~ ids).all(), by: \.householdID)
        let guarantees = Dictionary(grouping: try await Guarantee.query(on: db).filter(\.$householdID ~~ ids).all(), by: \.householdID)
        let plans = try await HouseholdPlan.query(on: db).filter(\.$householdID ~~ ids).filter(\.$year == planYear).all()
        let measured = Set(try await Measure.query(on: db).filter(\.$planID ~~ plans.compactMap(\.id)).all().map(\.planID))
        let planned = Set(plans.filter { measured.contains($0.id!) }.map(\.householdID))
        var out: [Int: HouseholdFacts] = [:]
        for h in households {
            let id = h.id!
            out[id] = HouseholdFacts(
                status: HouseholdStatus(rawValue: h.status) ?? .notExited,
                members: try (members[id] ?? []).map { m in
                    MemberFacts(name: m.name, residentID: try protector.decrypt(m.idCipher),
                                relation: Relation(rawValue: m.relation) ?? .other, sex: ResidentID.Sex(rawValue: m.sex),
                                birthDate: CivilDate(yyyymmdd: m.birthDate.replacingOccurrences(of: "-", with: "")),
                                education: Education(rawValue: m.education))
                },
                incomes: (incomes[id] ?? []).map {
                    IncomeFacts(year: $0.year, wage: Money(fen: $0.wage), business: Money(fen: $0.business), property: Money(fen: $0.property),
                                transfer: Money(fen: $0.transfer), costs: Money(fen: $0.costs))
                },
                guarantees: Dictionary((guarantees[id] ?? []).compactMap { g in GuaranteeKind(rawValue: g.kind).map { ($0, g.met) } },
                                       uniquingKeysWith: { a, _ in a }),
                hasCurrentPlan: planned.contains(id))
        }
        return out
    }
}

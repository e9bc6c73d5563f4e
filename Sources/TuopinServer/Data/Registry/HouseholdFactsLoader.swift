import Fluent
import SQLKit
import TuopinCore

/// Loads what the data-quality checks need about households, in batches, with plain SQL rows
/// (a check reads every household, so model decoding would dominate).
enum HouseholdFactsLoader {
    struct Loaded: Sendable {
        let facts: [RowID<Household>: HouseholdFacts]
        /// Member names by index HMAC, per household, for the registry-wide duplicate check.
        let hmacs: [(household: RowID<Household>, hmac: String, name: String)]
    }

    static func facts(on dbAccess: DataAccess, householdID: RowID<Household>, protector: DataProtector, planYear: Int)
        async throws
        -> HouseholdFacts
    {
        let db = dbAccess.db
        let h = try await Household.find(householdID, on: db)!
        return try await load(
            on: dbAccess, households: [(h.id!, h.status.rawValue)], protector: protector, planYear: planYear
        ).facts[householdID]!
    }

    static func load(
        on dbAccess: DataAccess, households: [(id: RowID<Household>, status: String)], protector: DataProtector,
        planYear: Int
    ) async throws -> Loaded {
        let db = dbAccess.db
        let ids = households.map(\.id)
        let sql = db.sqlDatabase
        struct M: Decodable {
            let household_id: RowID<Household>; let name: String; let relation: String; let id_cipher: String;
            let id_hmac: String
            let sex: String; let education: String
        }
        struct I: Decodable {
            let household_id: RowID<Household>; let year: Int; let wage: Int64; let business: Int64;
            let property: Int64;
            let transfer: Int64; let costs: Int64; let members: Int?
        }
        struct G: Decodable { let household_id: RowID<Household>; let kind: String; let met: Bool }
        struct P: Decodable { let household_id: RowID<Household> }
        let members = try await sql.select().columns(
            "household_id", "name", "relation", "id_cipher", "id_hmac", "sex", "education"
        )
        .from(Member.schema).where("household_id", .in, SQLBind.group(ids)).orderBy("id").all(decoding: M.self)
        let incomes = try await sql.select().columns(
            "household_id", "year", "wage", "business", "property", "transfer", "costs", "members"
        )
        .from(IncomeRecord.schema).where("household_id", .in, SQLBind.group(ids)).all(decoding: I.self)
        let guarantees = try await sql.select().columns("household_id", "kind", "met")
            .from(Guarantee.schema).where("household_id", .in, SQLBind.group(ids)).all(decoding: G.self)
        // Households with a plan for the year that has at least one measure.
        let planned = try await sql.select().distinct().column(SQLColumn("household_id", table: HouseholdPlan.schema))
            .from(HouseholdPlan.schema)
            .join(
                Measure.schema, on: SQLColumn("plan_id", table: Measure.schema), .equal,
                SQLColumn("id", table: HouseholdPlan.schema)
            )
            .where(SQLColumn("household_id", table: HouseholdPlan.schema), .in, SQLBind.group(ids))
            .where(SQLColumn("year", table: HouseholdPlan.schema), .equal, SQLBind(planYear))
            .all(decoding: P.self)
        let plannedSet = Set(planned.map(\.household_id))
        let membersBy = Dictionary(grouping: members, by: \.household_id)
        let incomesBy = Dictionary(grouping: incomes, by: \.household_id)
        let guaranteesBy = Dictionary(grouping: guarantees, by: \.household_id)
        var facts: [RowID<Household>: HouseholdFacts] = [:]
        for (id, status) in households {
            facts[id] = HouseholdFacts(
                status: HouseholdStatus(rawValue: status) ?? .notExited,
                members: try (membersBy[id] ?? []).map { m in
                    // The birth date is not stored (issue #22, C1): it is read from the decrypted number.
                    let plain = try protector.decrypt(m.id_cipher)
                    return MemberFacts(
                        name: m.name, residentID: plain,
                        relation: Relation(rawValue: m.relation) ?? .other, sex: ResidentID.Sex(rawValue: m.sex),
                        birthDate: ResidentID.birthDate(of: plain),
                        education: Education(rawValue: m.education))
                },
                incomes: (incomesBy[id] ?? []).map {
                    IncomeFacts(
                        year: $0.year, wage: Money(fen: $0.wage), business: Money(fen: $0.business),
                        property: Money(fen: $0.property),
                        transfer: Money(fen: $0.transfer), costs: Money(fen: $0.costs), members: $0.members)
                },
                guarantees: Dictionary(
                    (guaranteesBy[id] ?? []).compactMap { g in GuaranteeKind(rawValue: g.kind).map { ($0, g.met) } },
                    uniquingKeysWith: { a, _ in a }),
                hasCurrentPlan: plannedSet.contains(id))
        }
        return Loaded(facts: facts, hmacs: members.map { ($0.household_id, $0.id_hmac, $0.name) })
    }
}

import Fluent
import SQLKit
import TuopinCore

extension DataAccess {
    /// Writes `columns` of the household if it is still at `version` (two concurrent saves cannot
    /// both win); whether it was written.
    func update(household id: RowID<Household>, at version: Int, columns: [(String, any Encodable & Sendable)])
        async throws -> Bool
    {
        var update = sqlDatabase.update(Household.schema)
        for (column, value) in columns { update = update.set(SQLColumn(column), to: SQLBind(value)) }
        return try await update.where("id", .equal, SQLBind(id)).where("version", .equal, SQLBind(version))
            .returning("id").all().isEmpty == false
    }
}

extension DataAccess {
    /// Moves the household's version on if it is still `version`; whether it was.
    func claim(household id: RowID<Household>, at version: Int) async throws -> Bool {
        try await sqlDatabase.update(Household.schema).set("version", to: SQLBind(version + 1))
            .where("id", .equal, SQLBind(id)).where("version", .equal, SQLBind(version)).returning("id").all().isEmpty
            == false
    }

    /// One year's income of a household as stored (fen).
    struct IncomeRow: Codable, Sendable { let year: Int; let wage, business, property, transfer, costs: Int64 }

    /// Replaces the household's income of `new.year`; the row it replaced, if any.
    func replaceIncome(householdID: RowID<Household>, with new: IncomeRow) async throws -> IncomeRow? {
        let old = try await sqlDatabase.select().columns("year", "wage", "business", "property", "transfer", "costs")
            .from(IncomeRecord.schema)
            .where("household_id", .equal, SQLBind(householdID)).where("year", .equal, SQLBind(new.year)).first(
                decoding: IncomeRow.self)
        try await sqlDatabase.delete(from: IncomeRecord.schema).where("household_id", .equal, SQLBind(householdID))
            .where("year", .equal, SQLBind(new.year)).run()
        try await sqlDatabase.insert(into: IncomeRecord.schema).columns(
            "household_id", "year", "wage", "business", "property", "transfer", "costs"
        )
        .values(
            SQLBind(householdID), SQLBind(new.year), SQLBind(new.wage), SQLBind(new.business), SQLBind(new.property),
            SQLBind(new.transfer), SQLBind(new.costs)
        ).run()
        try await recordHouseholdSizes(ofIncomesOf: [householdID])
        return old
    }

    /// Keeps, with each income that has none yet, the household's size now — the size of the year being recorded
    /// (article 18: the exit year's income is counted over that year's household).
    func recordHouseholdSizes(ofIncomesOf households: [RowID<Household>]) async throws {
        for chunk in households.chunked(1_000) {
            try await sqlDatabase.raw(
                """
                UPDATE incomes SET members = \
                (SELECT COUNT(*) FROM members m WHERE m.household_id = incomes.household_id) \
                WHERE members IS NULL AND household_id IN (\(binds: Array(chunk)))
                """
            ).run()
        }
    }

    /// Inserts a plan's measures: per measure category, subtype, content, amount, start, end, cadre id, outcome.
    func insertMeasures(planID: RowID<HouseholdPlan>, _ rows: [[any Encodable & Sendable]]) async throws {
        try await sqlDatabase.bulkInsert(
            into: Measure.schema,
            columns: [
                "plan_id", "category", "subtype", "content", "amount",
                "start_date", "end_date", "cadre_id", "outcome",
            ],
            rows: rows.map { [planID] + $0 })
    }

    /// Adds `delta` to the household's member count (a member joined or left).
    func adjustMemberCount(householdID: RowID<Household>, by delta: Int) async throws {
        try await sqlDatabase.update(Household.schema).set(
            "member_count", to: SQLRaw(delta >= 0 ? "member_count + \(delta)" : "member_count - \(-delta)")
        )
        .where("id", .equal, SQLBind(householdID)).run()
    }
}

import Fluent
import SQLKit
import TuopinCore

extension DataAccess {
    struct MeasureRow: Decodable, Sendable {
        let category: String; let measures: Int64; let households: Int64; let amount: Int64?
    }

    /// Household-plan measures of `year` under `code` by category: how many, for how many households, what amount.
    func planMeasuresByCategory(under code: OrgCode, year: Int) async throws -> [MeasureRow] {
        let column = Household.codeColumn(for: code.level)
        var measureQuery = sqlDatabase.select()
            .column(SQLColumn("category", table: "m"))
            .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("measures")))
            .column(SQLAlias(SQLRaw("COUNT(DISTINCT p.household_id)"), as: SQLIdentifier("households")))
            .column(SQLAlias(DataAccess.bigintSum("m.amount"), as: SQLIdentifier("amount")))
            .from(SQLAlias(SQLIdentifier(Measure.schema), as: SQLIdentifier("m")))
            .join(
                SQLAlias(SQLIdentifier(HouseholdPlan.schema), as: SQLIdentifier("p")),
                on: SQLColumn("plan_id", table: "m"), .equal, SQLColumn("id", table: "p")
            )
            .join(
                SQLAlias(SQLIdentifier(Household.schema), as: SQLIdentifier("h")),
                on: SQLColumn("household_id", table: "p"), .equal, SQLColumn("id", table: "h")
            )
            .where(SQLColumn("year", table: "p"), .equal, SQLBind(year))
        if code.level != .region {
            measureQuery = measureQuery.where(SQLColumn(column, table: "h"), .equal, SQLBind(code.value))
        }
        return try await measureQuery.groupBy(SQLColumn("category", table: "m")).all(decoding: MeasureRow.self)
    }
}

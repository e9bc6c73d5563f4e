import Fluent
import SQLKit
import TuopinCore

extension DataAccess {
    /// The pairings each of `cadres` holds now (not ended), by cadre id.
    func activePairingCounts(of cadres: [RowID<Cadre>]) async throws -> [RowID<Cadre>: Int] {
        struct Count: Decodable { let cadre_id: RowID<Cadre>; let n: Int }
        return Dictionary(
            uniqueKeysWithValues: try await sqlDatabase.select().column("cadre_id")
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Pairing.schema)
                .where(SQLColumn("ended_on"), .is, SQLLiteral.null).where("cadre_id", .in, SQLBind.group(cadres))
                .groupBy("cadre_id").all(decoding: Count.self).map { ($0.cadre_id, $0.n) })
    }

    /// Ends every pairing `cadre` still holds, with `reason`, on `day`; the households they were with.
    func endPairings(ofCadre cadre: RowID<Cadre>, on day: CivilDate, reason: String) async throws -> [RowID<Household>]
    {
        struct Row: Decodable { let household_id: RowID<Household> }
        let households = try await sqlDatabase.select().column("household_id").from(Pairing.schema)
            .where("cadre_id", .equal, SQLBind(cadre)).where(SQLColumn("ended_on"), .is, SQLLiteral.null)
            .orderBy("household_id").all(decoding: Row.self).map(\.household_id)
        try await sqlDatabase.update(Pairing.schema).set("ended_on", to: SQLBind(day.description))
            .set("end_reason", to: SQLBind(reason)).where("cadre_id", .equal, SQLBind(cadre))
            .where(SQLColumn("ended_on"), .is, SQLLiteral.null).run()
        return households
    }
}

import Fluent
import SQLKit

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
}

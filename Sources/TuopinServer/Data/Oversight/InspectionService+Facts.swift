import Crypto
import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `InspectionService` (the data layer, issue #23).
extension InspectionService {
    /// The findings R-39-1 reads: those not accepted, of units under `root`.
    static func facts(on db: DataAccess, root: OrgCode) async throws -> [ComplianceFacts.FindingFact] {
        struct Row: Decodable {
            let id: Int; let unit_code: String; let state: String; let deadline: String; let title: String
        }
        return try await db.sqlDatabase.select()
            .column(SQLColumn("id", table: "f")).column(SQLColumn("unit_code", table: "f")).column(
                SQLColumn("state", table: "f")
            )
            .column(SQLColumn("deadline", table: "f")).column(SQLColumn("title", table: "i"))
            .from(SQLAlias(SQLIdentifier(FindingRecord.schema), as: SQLIdentifier("f")))
            .join(
                SQLAlias(SQLIdentifier(InspectionRecord.schema), as: SQLIdentifier("i")),
                on: SQLColumn("inspection_id", table: "f"), .equal, SQLColumn("id", table: "i")
            )
            .where(SQLColumn("state", table: "f"), .notEqual, SQLBind(FindingState.verified.rawValue))
            .where(SQLColumn("unit_code", table: "f"), .like, SQLBind(root.value + "%"))
            .all(decoding: Row.self).compactMap { r in
                guard let unit = OrgCode(r.unit_code), let state = FindingState(rawValue: r.state),
                    let deadline = CivilDate(iso: r.deadline)
                else { return nil }
                return .init(id: r.id, unit: unit, state: state, deadline: deadline, inspection: r.title)
            }
    }
}

import Fluent
import Foundation
import SQLKit
import TuopinCore

/// The conditional writes of cases: each moves a case only if nobody moved it since it was read.
extension DataAccess {
    /// Claims the case for a step: its version moves on only if it is still `c.version` (a double
    /// submit or a second user finds it moved). Whether the claim held.
    func claim(_ c: WorkflowCase) async throws -> Bool {
        try await sqlDatabase.update(WorkflowCase.schema).set("version", to: SQLBind(c.version + 1))
            .where("id", .equal, SQLBind(c.requireID())).where("version", .equal, SQLBind(c.version)).returning("id")
            .all()
            .isEmpty == false
    }

    /// Sends the case back to `stepIndex` (its notice link dropped), if it is still at `c.version`.
    func sendBack(_ c: WorkflowCase, to stepIndex: Int, at now: Date) async throws -> Bool {
        try await sqlDatabase.update(WorkflowCase.schema).set("version", to: SQLBind(c.version + 1))
            .set("step", to: SQLBind(stepIndex)).set("notice_id", to: SQLLiteral.null).set(
                "updated_at", to: SQLBind(now)
            )
            .where("id", .equal, SQLBind(c.requireID())).where("version", .equal, SQLBind(c.version)).returning("id")
            .all()
            .isEmpty == false
    }

    /// Closes the case as `status` whatever step it is at (a project dropped at the annual revision).
    func close(caseID: RowID<WorkflowCase>, as status: CaseStatus, at now: Date) async throws {
        try await sqlDatabase.update(WorkflowCase.schema).set("status", to: SQLBind(status.rawValue))
            .set("updated_at", to: SQLBind(now)).where("id", .equal, SQLBind(caseID)).run()
    }

    /// Decides an objection still open; whether it was (a second decision finds it decided).
    func decideObjection(
        id: RowID<Objection>, status: ObjectionStatus, reason: String, by userID: RowID<User>, at now: Date
    ) async throws -> Bool {
        try await sqlDatabase.update(Objection.schema).set("status", to: SQLBind(status.rawValue))
            .set("decision_reason", to: SQLBind(reason)).set("decided_by", to: SQLBind(userID)).set(
                "decided_at", to: SQLBind(now)
            )
            .where("id", .equal, SQLBind(id)).where("status", .equal, SQLBind("open")).returning("id").all()
            .isEmpty == false
    }
}

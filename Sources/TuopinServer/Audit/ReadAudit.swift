import Fluent
import Foundation
import Vapor

/// Reads of personal data are audited too (issue #9, item 5): opening a household (page or API)
/// and searching by resident ID number. The ID itself is not written: only its keyed index.
enum ReadAudit {
    static func household(_ req: Request, user: CurrentUser, id: RowID<Household>, via: String) async throws {
        try await record(
            req, user: user, action: "household.read", entity: "household", entityID: String(id), detail: ["via": via])
    }

    /// Any other read worth a trace (a scanned letter opened). Returns once the entry is durable: reads arriving
    /// together share one transaction (`AuditAppender`).
    static func record(
        _ req: Request, user: CurrentUser, action: String, entity: String, entityID: String, detail: [String: String]
    ) async throws {
        let pending = try AuditLog.Pending(action: action, entity: entity, entityID: entityID, after: detail)
        try await req.application.auditReads.append(
            AuditLog.Queued(actor: user.auditActor, pending: pending, at: req.tuopin.now()))
    }

    static func searchByID(_ req: Request, user: CurrentUser, id: String) async throws {
        let id = id.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty else { return }
        try await record(
            req, user: user, action: "household.search_id", entity: "search", entityID: "",
            detail: ["id_index": req.tuopin.protector.index(id)])
    }
}

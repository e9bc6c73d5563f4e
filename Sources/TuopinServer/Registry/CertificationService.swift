import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Data certification (article 24): a township principal certifies the township's data for a
/// period. Afterwards every change to a household of that township needs a reason, which is kept
/// in the audit log next to the change and shown in the household's history.
enum CertificationService {
    /// The reason a request gives for changing certified data (`change_reason` in a form or JSON
    /// body, or a percent-encoded `X-Change-Reason` header), set by `ChangeReasonMiddleware`.
    @TaskLocal static var changeReason: String?

    struct Input: Content { var township_code: String?; var period_from: String?; var period_to: String? }
    struct View: Content {
        let id: RowID<Certification>; let township_code: String; let period_from: String; let period_to: String;
        let certified_by: String; let certified_at: String
    }

    static func certify(app: Application, user: CurrentUser, input: Input) async throws -> View {
        guard let text = input.township_code, let township = OrgCode(text), township.level == .township else {
            throw AppError.invalidField("township_code")
        }
        guard user.scope.permitsAggregates(on: township) else { throw AppError.notFound }
        guard user.scope.permits(.certifyData, on: township) else { throw AppError.forbidden }
        guard let from = input.period_from.flatMap({ CivilDate(iso: $0) }) else {
            throw AppError.invalidField("period_from")
        }
        guard let to = input.period_to.flatMap({ CivilDate(iso: $0) }), from <= to else {
            throw AppError.invalidField("period_to")
        }
        guard to <= app.clock.today else { throw AppError.invalidField("period_to") }
        let now = app.tuopin.now()
        return try await app.write { tx in
            let c = Certification()
            c.townshipCode = township.value; c.periodFrom = from.description; c.periodTo = to.description
            c.certifiedBy = user.id; c.certifiedAt = now
            try await c.create(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "data.certify", entity: "org_unit", entityID: township.value,
                after: ["period_from": c.periodFrom, "period_to": c.periodTo], at: now)
            return View(
                id: c.id!, township_code: township.value, period_from: c.periodFrom, period_to: c.periodTo,
                certified_by: user.displayName, certified_at: Clock.minute(now))
        }
    }

    static func list(on db: DataAccess, township: String) async throws -> [View] {
        let rows = try await db.rows(Certification.self).filter(\.$townshipCode == township).sort(\.$id, .descending)
            .all()
        let users = Dictionary(
            uniqueKeysWithValues: try await db.rows(User.self).filter(\.$id ~~ Set(rows.map(\.certifiedBy))).all().map {
                ($0.id!, $0.displayName)
            })
        return rows.map {
            View(
                id: $0.id!, township_code: $0.townshipCode, period_from: $0.periodFrom, period_to: $0.periodTo,
                certified_by: users[$0.certifiedBy] ?? "", certified_at: Clock.minute($0.certifiedAt))
        }
    }

    /// Inside a change's transaction: refuses a change to certified households without a reason,
    /// and records the reason (when given) as an audit entry of each household.
    static func checkReason(
        on tx: DataAccess, households: [(id: RowID<Household>, township: String)], reason: String?,
        actor: AuditLog.Actor, now: Date
    ) async throws {
        guard !households.isEmpty else { return }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard reason.count <= 500 else { throw AppError.invalidField("change_reason") }
        let certified = Set(
            try await tx.rows(Certification.self).filter(\.$townshipCode ~~ Set(households.map(\.township))).all().map(
                \.townshipCode))
        if reason.isEmpty {
            guard certified.isEmpty || !households.contains(where: { certified.contains($0.township) }) else {
                throw AppError.reasonRequired
            }
            return
        }
        let entries = try households.map {
            try AuditLog.Pending(
                action: "household.change_reason", entity: "household", entityID: String($0.id),
                after: ["reason": reason])
        }
        try await AuditLog.appendAll(on: tx, actor: actor, entries: entries, at: now)
    }

    @Sendable static func apiCertify(req: Request) async throws -> Response {
        try await certify(app: req.application, user: try req.requireUser(), input: try req.decodeJSON(Input.self))
            .encodeResponse(status: .created, for: req)
    }

    @Sendable static func formCertify(req: Request) async throws -> Response {
        let input = try req.content.decode(Input.self)
        _ = try await certify(app: req.application, user: try req.requireUser(), input: input)
        return req.redirect(to: SiteURL.unit(input.township_code).path, redirectType: .normal)
    }
}

/// Reads the change reason of every changing request into `CertificationService.changeReason`.
struct ChangeReasonMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(request.method) else {
            return try await next.respond(to: request)
        }
        var reason = request.headers.first(name: "X-Change-Reason")?.removingPercentEncoding
        if reason == nil, request.url.path != SiteURL.imports.path,
            request.headers.contentType == .json || request.headers.contentType == .urlEncodedForm
        {
            if request.body.data == nil { _ = try await request.body.collect(max: Request.maxJSONBody).get() }
            reason = try? request.content.get(String.self, at: "change_reason")
        }
        return try await CertificationService.$changeReason.withValue(reason) { try await next.respond(to: request) }
    }
}

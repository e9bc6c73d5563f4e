import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The audit-log search's page and export (the query itself is `AuditSearch`, in the data layer).
extension AuditSearch {
    struct Option: Encodable { let value: String; let label: String }

    @Sendable static func page(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.scope.has(.readAuditLog) else { throw AppError.forbidden }
        let f = try req.query.decode(Filter.self)
        var error: String?, results: [Entry] = [], searched = false
        let page = max(1, min(f.page ?? 1, 10_000))
        var verification: String?
        do {
            let conditions = try await conditions(req, f, user: user)
            searched = [f.user, f.unit, f.household, f.entity, f.entity_id, f.action, f.from, f.to].contains {
                !($0 ?? "").isEmpty
            }
            if searched {
                results = try await entries(req, where: conditions, offset: (page - 1) * pageSize, limit: pageSize + 1)
                // The log holds personal data: reading it is itself an entry, like opening a household.
                try await ReadAudit.record(
                    req, user: user, action: "audit.search", entity: "search", entityID: "",
                    detail: ["filter": queryString(f), "page": String(page)])
            }
        } catch let e as AppError where e != .forbidden {
            error = e.message(req.t)
        }
        if f.verify == "1" {
            let result = try await AuditVerifier.verify(on: req.data)
            verification =
                result.firstBreak.map { req.t.format("audit_chain_broken", $0.description, String(result.checked)) }
                ?? req.t.format("audit_chain_intact", String(result.checked))
        }
        struct View: Encodable {
            let f: Filter; let error: String?; let entries: [AuditEntryView]; let searched: Bool; let more: Bool
            let page: Int
            let query: String; let entities: [Option]; let verification: String?; let nextHref: String?;
            let exportHref: String?
        }
        let query = queryString(f)
        return try await Page.render(
            req, "audit",
            View(
                f: f, error: error, entries: try await AuditEntryView.views(req, Array(results.prefix(pageSize))),
                searched: searched,
                more: results.count > pageSize, page: page,
                query: query,
                entities: entities.map { e in
                    let key = "audit_entity_\(e)"
                    return Option(value: e, label: req.t.ifAny(key) ?? e)
                }, verification: verification,
                nextHref: results.count > pageSize ? SiteURL.auditSearch.path + "?" + query + "&page=\(page + 1)" : nil,
                exportHref: searched && error == nil ? SiteURL.auditExport.path + "?" + query : nil))
    }

    static func queryString(_ f: Filter) -> String {
        [
            ("user", f.user), ("unit", f.unit), ("household", f.household), ("entity", f.entity),
            ("entity_id", f.entity_id), ("action", f.action),
            ("from", f.from), ("to", f.to), ("changes", f.changes),
        ].compactMap { k, v in
            guard let v, !v.isEmpty else { return nil }
            return "\(k)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
    }

    /// The search's result (up to 100,000 entries) as CSV or XLSX; the export is written to the log with its filter.
    @Sendable static func export(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.scope.has(.readAuditLog) else { throw AppError.forbidden }
        let f = try req.query.decode(Filter.self)
        let format = f.format ?? "csv"
        guard ["csv", "xlsx"].contains(format) else { throw AppError.invalidField("format") }
        let conditions = try await conditions(req, f, user: user)
        let rows = try await entries(req, where: conditions, offset: 0, limit: maxExport)
        let t = req.t
        var table = [
            [
                t["audit_seq"], t["audit_at"], t["audit_user"], t["audit_action"], t["audit_entity"],
                t["audit_entity_id"], t["audit_before"], t["audit_after"],
            ]
        ]
        table += rows.map { [String($0.id), $0.at, $0.user, $0.action, $0.entity, $0.entity_id, $0.before, $0.after] }
        try await ReadAudit.record(
            req, user: user, action: "export.audit", entity: "search", entityID: "",
            detail: ["filter": queryString(f), "format": format, "rows": String(rows.count)])
        return try TableDownload.response(
            table, format: format, filename: "audit-\(req.clock.today.description).\(format)", sheet: "audit",
            title: TableDownload.title(req, [t["audit_title"]]))
    }
}

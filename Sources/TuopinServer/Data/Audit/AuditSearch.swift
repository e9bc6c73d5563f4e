import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The audit-log search for the discipline, procuratorate and audit bodies (article 9): entries by
/// user, unit, household, entity, action and time, within the searcher's scope, the chain's
/// verification on request, and the result as CSV or XLSX — an export that is itself audited.
enum AuditSearch {
    /// What a search asks for (the page's query string).
    struct Filter: Content, Sendable {
        var user: String?; var unit: String?; var household: String?; var entity: String?; var entity_id: String?
        var action: String?; var from: String?; var to: String?
        /// "1": changes only (reads, searches and exports left out).
        var changes: String?
        var page: Int?; var format: String?; var verify: String?
    }

    /// The entities a search can name; outside the region, entries of other entities are not shown.
    static let entities = [
        "household", "org_unit", "case", "inspection", "finding", "project", "notice", "objection", "fund_entry",
        "loan",
        "cadre", "user", "standard", "spot_check", "export", "search",
    ]
    static let pageSize = 100, maxExport = 100_000

    /// Entries about units under `roots`: the unit itself, its households, cases, inspections and findings.
    static func within(_ roots: [OrgCode]) -> any SQLExpression {
        let parts: [any SQLExpression] = roots.map { root in
            let p = root.value + "%"
            return SQLQueryString(
                """
                ((entity = 'org_unit' AND entity_id LIKE \(bind: p))
                 OR (entity = 'household' AND entity_id IN (SELECT CAST(id AS TEXT) FROM households WHERE \
                 \(ScopeSQL.within([root]))))
                 OR (entity = 'case' AND entity_id IN (SELECT CAST(id AS TEXT) FROM cases WHERE unit_code LIKE \
                 \(bind: p)))
                 OR (entity = 'inspection' AND entity_id IN (SELECT CAST(id AS TEXT) FROM inspections WHERE unit_code \
                 LIKE \(bind: p)))
                 OR (entity = 'finding' AND entity_id IN (SELECT CAST(id AS TEXT) FROM findings WHERE unit_code LIKE \
                 \(bind: p))))
                """)
        }
        guard let first = parts.first else {
            return SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))
        }
        return SQLGroupExpression(parts.dropFirst().reduce(first) { SQLBinaryExpression($0, .or, $1) })
    }

    /// The first instant of a China-time day, as the log writes times (UTC, sortable text).
    static func instant(_ day: CivilDate, plusDays: Int = 0) -> String {
        AuditLog.timestamp(Clock.start(of: day, plusDays: plusDays))
    }

    struct Entry: Content {
        let id: Int64; let at: String; let user_id: String; let user: String; let action: String; let entity: String;
        let entity_id: String
        let before: String; let after: String; let href: String?
    }

    /// The search's WHERE conditions, after checking the filter (a bad field is an error naming it).
    static func conditions(_ req: Request, _ f: Filter, user: CurrentUser) async throws -> [any SQLExpression] {
        let roots = user.scope.roots(for: .readAuditLog)
        guard !roots.isEmpty else { throw AppError.forbidden }
        var out: [any SQLExpression] = []
        if !roots.contains(where: { $0.level == .region }) { out.append(within(roots)) }
        func text(_ v: String?) -> String? {
            v.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        if let name = text(f.user) {
            guard name.count <= 64, !TextInput.hasControlCharacters(name) else { throw AppError.invalidField("user") }
            let id = try await User.query(on: req.db).filter(\.$username == name).first()?.id
            // An unknown user made no entries.
            out.append(SQLBinaryExpression(SQLColumn("user_id"), .equal, SQLBind(id.map(String.init) ?? "-")))
        }
        if let code = text(f.unit) {
            guard let unit = OrgCode(code) else { throw AppError.invalidField("unit") }
            out.append(within([unit]))
        }
        if let number = text(f.household) {
            guard number.count <= 40, !TextInput.hasControlCharacters(number) else {
                throw AppError.invalidField("household")
            }
            let id = try await Household.query(on: req.db).filter(\.$number == number).first()?.id
            out.append(SQLBinaryExpression(SQLColumn("entity"), .equal, SQLBind("household")))
            out.append(SQLBinaryExpression(SQLColumn("entity_id"), .equal, SQLBind(id.map(String.init) ?? "-")))
        }
        if let entity = text(f.entity) {
            guard entities.contains(entity) else { throw AppError.invalidField("entity") }
            out.append(SQLBinaryExpression(SQLColumn("entity"), .equal, SQLBind(entity)))
        }
        if let id = text(f.entity_id) {
            guard id.count <= 64, !TextInput.hasControlCharacters(id) else { throw AppError.invalidField("entity_id") }
            out.append(SQLBinaryExpression(SQLColumn("entity_id"), .equal, SQLBind(id)))
        }
        if let action = text(f.action) {
            guard action.count <= 64, action.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }) else {
                throw AppError.invalidField("action")
            }
            // "household" finds every household action; "household.update" that one.
            out.append(
                SQLBinaryExpression(SQLColumn("action"), .like, SQLBind(action.contains(".") ? action : action + ".%")))
        }
        if let from = text(f.from) {
            guard let d = CivilDate(iso: from) else { throw AppError.invalidField("from") }
            out.append(SQLBinaryExpression(SQLColumn("at"), .greaterThanOrEqual, SQLBind(instant(d))))
        }
        if let to = text(f.to) {
            guard let d = CivilDate(iso: to) else { throw AppError.invalidField("to") }
            out.append(SQLBinaryExpression(SQLColumn("at"), .lessThan, SQLBind(instant(d, plusDays: 1))))
        }
        if f.changes == "1" {
            out.append(
                SQLQueryString(
                    "action NOT LIKE '%.read' AND action NOT LIKE 'export.%' AND action NOT LIKE '%.search_id' AND "
                        + "action <> 'audit.search'"
                ))
        }
        return out
    }

    static func entries(_ req: Request, where conditions: [any SQLExpression], offset: Int, limit: Int) async throws
        -> [Entry]
    {
        struct Row: Decodable {
            let id: Int64; let at: String; let user_id: String; let action: String; let entity: String;
            let entity_id: String
            let before: String; let after: String
        }
        var q = req.db.sqlDatabase.select().columns(
            "id", "at", "user_id", "action", "entity", "entity_id", "before", "after"
        ).from("audit_log")
        for c in conditions { q = q.where(c) }
        let rows = try await q.orderBy("id", .descending).offset(offset).limit(limit).all(decoding: Row.self)
        let ids = Set(rows.compactMap { Int($0.user_id).map { RowID<User>($0) } })
        let users = Dictionary(
            uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ Array(ids)).all().map {
                (String($0.id!), "\($0.displayName)（\($0.username)）")
            })
        let mayOpen = req.data.mayReadRegistry
        // Entries written before issue #22 hold the old, rebuildable masks of ID numbers.
        let full = req.data.maySeeFullIdentity
        func redact(_ text: String) -> String { full ? text : ResidentID.redactOldMasks(in: text) }
        return rows.map { r in
            let href: String? =
                switch r.entity {
                case "household" where mayOpen: Int(r.entity_id).map { SiteURL.household(RowID($0)).path }
                case "org_unit": SiteURL.unit(r.entity_id).path
                case "inspection": Int(r.entity_id).map { SiteURL.inspection(RowID($0), nil).path }
                case "case" where mayOpen: Int(r.entity_id).map { SiteURL.caseDetail(RowID($0)).path }
                default: nil
                }
            return Entry(
                id: r.id, at: Clock.second(logged: r.at), user_id: r.user_id, user: users[r.user_id] ?? r.user_id,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id, before: redact(r.before), after: redact(r.after), href: href)
        }
    }
}

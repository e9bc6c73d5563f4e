import Fluent
import TuopinCore
import Vapor

/// A household and its members, as a page and through the API. Reads go through the scoped
/// data access: a household outside the user's scope is "not found".
enum HouseholdController {
    struct MemberView: Content {
        let id: Int; let name: String; let relation: String; let sex: String
        let birth_date: String; let resident_id: String
    }
    struct IncomeView: Content {
        let year: Int; let wage: String; let business: String; let property: String
        let transfer: String; let costs: String; let net: String; let per_capita: String
    }
    struct Detail: Content {
        let id: Int; let number: String; let village: String; let village_name: String
        let status: String; let status_label: String; let identified_year: Int; let exit_year: Int?
        let version: Int; let members: [MemberView]; let incomes: [IncomeView]
    }
    struct Summary: Content { let id: Int; let number: String; let village: String; let status: String }
    struct ListPage: Content { let items: [Summary]; let next: String? }

    static func detail(_ data: DataAccess, id: Int, t: Translations) async throws -> Detail {
        let h = try await data.household(id: id)
        let village = try await OrgUnit.find(h.villageCode, on: data.db)
        let members = try await data.members(of: h).map { m in
            MemberView(id: m.id!, name: m.name, relation: m.relation, sex: t["sex_\(m.sex)"],
                       birth_date: m.birthDate, resident_id: m.idMasked)
        }
        let size = Int64(max(members.count, 1))
        let incomes = try await data.incomes(of: h).map { r in
            let net = Money(fen: r.wage + r.business + r.property + r.transfer - r.costs)
            return IncomeView(year: r.year, wage: Money(fen: r.wage).description, business: Money(fen: r.business).description,
                              property: Money(fen: r.property).description, transfer: Money(fen: r.transfer).description,
                              costs: Money(fen: r.costs).description, net: net.description,
                              per_capita: Money(fen: net.fen / size).description)
        }
        return Detail(id: h.id!, number: h.number, village: h.villageCode, village_name: village?.name ?? "",
                      status: h.status, status_label: t[HouseholdStatus(rawValue: h.status)?.labelKey ?? h.status],
                      identified_year: h.identifiedYear, exit_year: h.exitYear, version: h.version,
                      members: members, incomes: incomes)
    }

    /// Keyset pagination: `limit + 1` rows, no count query.
    static func list(_ data: DataAccess, limit: Int, after: Int?) async throws -> ListPage {
        var query = data.households().sort(\.$id).limit(limit + 1)
        if let after { query = query.filter(\.$id > after) }
        let rows = try await query.all()
        let items = rows.prefix(limit).map { Summary(id: $0.id!, number: $0.number, village: $0.villageCode, status: $0.status) }
        return ListPage(items: items, next: rows.count > limit ? items.last.map { String($0.id) } : nil)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let detail = try await detail(req.data, id: try req.intParameter("id"), t: req.t)
        struct View: Encodable { let h: Detail; let villageHref: String }
        return try await Page.render(req, "household", View(h: detail, villageHref: SiteURL.unit(detail.village).path))
    }

    @Sendable static func apiShow(req: Request) async throws -> Detail {
        _ = try req.requireUser()
        return try await detail(req.data, id: try req.intParameter("id"), t: req.t)
    }

    @Sendable static func apiList(req: Request) async throws -> ListPage {
        _ = try req.requireUser()
        var limit = 50
        if let raw = req.query[String.self, at: "limit"] {
            guard let n = Int(raw), (1...500).contains(n) else { throw AppError.invalidField("limit") }
            limit = n
        }
        var after: Int?
        if let raw = req.query[String.self, at: "next"] ?? req.query[String.self, at: "after"] {
            guard let n = Int(raw), n >= 0 else { throw AppError.invalidField("next") }
            after = n
        }
        return try await list(req.data, limit: limit, after: after)
    }
}

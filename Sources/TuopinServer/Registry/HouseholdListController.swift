import Fluent
import TuopinCore
import Vapor

/// The household list of the user's subtree: filters, search by name or exact ID number,
/// keyset pages, and export of the filtered list in the templates.
enum HouseholdListController {
    struct Filters: Sendable, Encodable {
        var unit = "", status = "", attribute = "", cause = "", identified = "", exited = "", q = "", id = ""

        init(_ req: Request) {
            func get(_ key: String) -> String {
                (req.query[String.self, at: key] ?? "").trimmingCharacters(in: .whitespaces)
            }
            unit = get("unit"); status = get("status"); attribute = get("attribute"); cause = get("cause")
            identified = get("identified"); exited = get("exited"); q = String(get("q").prefix(50)); id = get("id")
        }

        var pairs: [(String, String)] {
            [
                ("unit", unit), ("status", status), ("attribute", attribute), ("cause", cause),
                ("identified", identified),
                ("exited", exited), ("q", q), ("id", id),
            ]
        }

        var queryString: String {
            let allowed = CharacterSet.urlQueryAllowed.subtracting(.init(charactersIn: "&=+"))
            return pairs.filter { !$0.1.isEmpty }
                .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
                .joined(separator: "&")
        }
    }

    /// Applies the filters to a scoped query; a malformed filter is a field error, never a 500.
    static func apply(_ f: Filters, to query: QueryBuilder<Household>, protector: DataProtector, today: CivilDate)
        throws -> QueryBuilder<Household>
    {
        var q = query
        // Control characters (a NUL that PostgreSQL cannot store or compare) are no one's search.
        if TextInput.hasControlCharacters(f.q) { throw AppError.invalidField("q") }
        if !f.unit.isEmpty {
            guard let code = OrgCode(f.unit) else { throw AppError.invalidField("unit") }
            q = q.within([code])
        }
        if !f.status.isEmpty {
            guard let status = HouseholdStatus(rawValue: f.status) else { throw AppError.invalidField("status") }
            q = q.filter(\.$status == status)
        }
        if !f.attribute.isEmpty {
            guard let attribute = HouseholdAttribute(rawValue: f.attribute) else {
                throw AppError.invalidField("attribute")
            }
            q = q.filter(\.$attribute == attribute)
        }
        if !f.cause.isEmpty {
            guard let cause = PovertyCause(rawValue: f.cause) else { throw AppError.invalidField("cause") }
            q = q.filter(\.$mainCause == cause)
        }
        if !f.identified.isEmpty {
            guard let y = Int(f.identified), (2000...3000).contains(y) else {
                throw AppError.invalidField("identified")
            }
            q = q.filter(\.$identifiedYear == y)
        }
        if !f.exited.isEmpty {
            guard let y = Int(f.exited), (2000...3000).contains(y) else { throw AppError.invalidField("exited") }
            q = q.filter(\.$exitYear == y)
        }
        if !f.id.isEmpty {
            guard let id = try? ResidentID(f.id, today: today) else { throw AppError.invalidField("id") }
            q = q.join(Member.self, on: \Member.$household.$id == \Household.$id)
                .filter(Member.self, \.$idHMAC == protector.index(id.value))
        } else if !f.q.isEmpty {
            q = q.join(Member.self, on: \Member.$household.$id == \Household.$id)
                .filter(Member.self, \.$name =~ f.q).unique()
        }
        return q
    }

    struct Row: Encodable {
        let href: String; let number: String; let village: String; let head: String
        let status: String; let attribute: String; let members: Int
    }
    struct Option: Encodable { let value: String; let label: String; let selected: Bool }
    struct View: Encodable {
        let filters: Filters; let rows: [Row]; let next: String?; let hasRows: Bool
        let statuses: [Option]; let attributes: [Option]; let causes: [Option]
        let exportQuery: String; let error: String?; let canCreate: Bool
    }

    static func options<T: OfficialValue>(_ type: T.Type, selected: String, t: Translations) -> [Option] {
        T.allCases.map { Option(value: $0.rawValue, label: t.vocab($0), selected: $0.rawValue == selected) }
    }

    static let pageSize = 50

    static func query(
        _ data: DataAccess, filters: Filters, after: String?, t: Translations, protector: DataProtector,
        today: CivilDate
    ) async throws -> View {
        var rows: [Row] = []
        var next: String?
        var error: String?
        do {
            var q = try apply(filters, to: data.households(), protector: protector, today: today).sort(\.$number).limit(
                pageSize + 1)
            if let after { q = q.filter(\.$number > after) }
            let page = try await q.all()
            let shown = Array(page.prefix(pageSize))
            next = page.count > pageSize ? shown.last?.number : nil
            let ids = shown.compactMap(\.id)
            let headNames = try await data.headNames(ofHouseholds: ids)
            let villageNames = try await data.unitNames(Set(shown.map(\.villageCode)))
            rows = shown.map { h in
                Row(
                    href: SiteURL.household(h.id!).path, number: h.number,
                    village: villageNames[h.villageCode] ?? h.villageCode,
                    head: headNames[h.id!] ?? "", status: t.vocab(HouseholdStatus.self, raw: h.status.rawValue),
                    attribute: t.vocab(HouseholdAttribute.self, raw: h.attribute.rawValue), members: h.memberCount)
            }
        } catch let e as AppError {
            error = e.message(t)
        }
        return View(
            filters: filters, rows: rows, next: next, hasRows: !rows.isEmpty,
            statuses: options(HouseholdStatus.self, selected: filters.status, t: t),
            attributes: options(HouseholdAttribute.self, selected: filters.attribute, t: t),
            causes: options(PovertyCause.self, selected: filters.cause, t: t),
            exportQuery: filters.queryString, error: error, canCreate: data.mayWriteRegistry)
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard req.data.mayReadRegistry else { throw AppError.forbidden }
        try await ReadAudit.searchByID(req, user: user, id: Filters(req).id)
        let view = try await query(
            req.data, filters: Filters(req), after: req.query[String.self, at: "after"], t: req.t,
            protector: req.tuopin.protector, today: req.clock.today)
        return try await Page.render(req, "households", view, status: view.error == nil ? .ok : .badRequest)
    }

    /// `/households/export/:kind/:format?filters`: the filtered list in the import templates.
    @Sendable static func export(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let kind = req.parameters.get("kind").flatMap(RegistryExport.Kind.init(rawValue:)),
            let format = req.parameters.get("format"), ["csv", "xlsx"].contains(format)
        else { throw AppError.notFound }
        let filters = Filters(req)
        let today = req.clock.today
        // No reason yet: ask for it, keeping the list's filters.
        guard let reason = req.query[String.self, at: "reason"], !reason.trimmingCharacters(in: .whitespaces).isEmpty
        else {
            struct Field: Encodable { let name: String; let value: String }
            struct Ask: Encodable { let action: String; let filters: [Field]; let kind: String; let format: String }
            let hidden = filters.pairs.filter { !$0.1.isEmpty }.map { Field(name: $0.0, value: $0.1) }
            return try await Page.render(
                req, "export-reason",
                Ask(
                    action: SiteURL.householdsExport(kind.rawValue, format).path, filters: hidden,
                    kind: kind.rawValue, format: format))
        }
        let ids = try await apply(filters, to: req.data.households(), protector: req.tuopin.protector, today: today)
            .all(\.$id)
        let filename = "\(kind.rawValue)-\(today).\(format)"
        // Written to a private file as it is read and sent from disk, then removed: the server never
        // holds the export (issue #27 item 4).
        let file = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("tuopin-export-\(UUID().uuidString).\(format)")
        try await req.withProgress { progress in
            try await RegistryExport.write(
                app: req.application, kind: kind, actor: .user(user), unit: nil, onlyIDs: Set(ids), reason: reason,
                to: file, progress: progress)
        }
        let response = try await req.fileio.asyncStreamFile(
            at: file.path,
            mediaType: format == "csv"
                ? HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
                : HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        ) { _ in try? FileManager.default.removeItem(at: file) }
        response.headers.contentDisposition = .init(.attachment, filename: filename)
        // Personal data, made for this request: never cached, no validators.
        response.headers.remove(name: .eTag)
        response.headers.remove(name: .lastModified)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

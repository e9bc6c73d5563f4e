import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `RegistryExport` (the data layer, issue #23).
extension RegistryExport {
    /// Every row in memory (for small exports and tests); `write(…into:)` streams them instead.
    static func rows(
        app: Application, kind: Kind, actor: ExchangeActor, unit: OrgCode?, onlyIDs: Set<RowID<Household>>? = nil,
        reason: String,
        progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> [[String]] {
        var out: [[String]] = []
        try await write(
            app: app, kind: kind, actor: actor, unit: unit, onlyIDs: onlyIDs, reason: reason, progress: progress
        ) { out += $0 }
        return out
    }

    /// Exports to a `.csv` or `.xlsx` file in constant memory: a page of households' rows is written
    /// before the next page is read (issue #27 item 4). A failed export leaves no file. Returns the
    /// rows written below the header.
    @discardableResult
    static func write(
        app: Application, kind: Kind, actor: ExchangeActor, unit: OrgCode?, onlyIDs: Set<RowID<Household>>? = nil,
        reason: String, to url: URL, progress: @escaping ProgressHandler = { _, _ in }
    ) async throws -> Int {
        let file = try TemplateFileWriter(url: url)
        do {
            try await write(
                app: app, kind: kind, actor: actor, unit: unit, onlyIDs: onlyIDs, reason: reason, progress: progress
            ) { try file.write($0) }
            try file.finish()
        } catch {
            file.discard()
            throw error
        }
        return file.rows - 1
    }

    /// Reads the households in scope a page of 1,000 at a time (keyset by number) and hands each
    /// page's rows, the header first, to `sink`; then audits the export with its row count.
    static func write(
        app: Application, kind: Kind, actor: ExchangeActor, unit: OrgCode?, onlyIDs: Set<RowID<Household>>?,
        reason: String, progress: @escaping ProgressHandler, into sink: ([[String]]) async throws -> Void
    ) async throws {
        let reason = try validReason(reason)
        // The households gone through, of all those in scope (a filtered export goes through them all).
        let sql = app.systemData.sqlDatabase
        func scoped(_ query: SQLSelectBuilder) -> SQLSelectBuilder {
            var query = query.from(Household.schema)
            if let roots = actor.readRoots { query = query.where(ScopeSQL.within(roots)) }
            if let unit { query = query.where(ScopeSQL.within([unit])) }
            return query
        }
        struct Count: Decodable { let n: Int }
        let inScope =
            try await scoped(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"))
            .first(decoding: Count.self)?.n ?? 0
        var done = 0
        progress(0, inScope)
        let protector = app.tuopin.protector
        try await sink([kind == .members ? MembersTemplate.header : IncomesTemplate.header])
        var count = 0
        var after = ""
        // Rows, not models: only the columns the templates need, a page of households at a time by number.
        while true {
            let fullPage = try await scoped(sql.select().columns(ExportHousehold.columns)).where(
                "number", .greaterThan, SQLBind(after)
            )
            .orderBy("number").limit(1_000).all(decoding: ExportHousehold.self)
            guard let last = fullPage.last else { break }
            after = last.number
            done += fullPage.count
            defer { progress(done, inScope) }
            let page = onlyIDs.map { only in fullPage.filter { only.contains($0.id) } } ?? fullPage
            guard !page.isEmpty else { continue }
            let ids = page.map(\.id)
            let rows =
                switch kind {
                case .members: try await memberRows(page, ids: ids, actor: actor, protector: protector, on: sql)
                case .incomes: try await incomeRows(page, ids: ids, on: sql)
                }
            count += rows.count
            try await sink(rows)
        }
        let now = app.tuopin.now()
        struct Exported: Encodable { let kind: String; let unit: String?; let rows: Int; let reason: String }
        let exported = Exported(kind: kind.rawValue, unit: unit?.value, rows: count, reason: reason)
        try await app.write { tx in
            try await AuditLog.append(
                on: tx, actor: actor.audit, action: "export.\(kind.rawValue)", entity: "export",
                entityID: unit?.value ?? "*",
                after: exported, at: now)
        }
    }

    /// The members-template rows of a page of households: full numbers and health only for roles
    /// that may see them (the file then cannot be re-imported).
    static func memberRows(
        _ page: [ExportHousehold], ids: [RowID<Household>], actor: ExchangeActor, protector: DataProtector,
        on sql: any SQLDatabase
    ) async throws -> [[String]] {
        var out: [[String]] = []
        let members = try await sql.select().columns(ExportMember.columns).from(Member.schema)
            .where("household_id", .in, SQLBind.group(ids)).orderBy("id").all(decoding: ExportMember.self)
        let byHousehold = Dictionary(grouping: members, by: \.household_id)
        for h in page {
            // Full numbers and health only for roles that may see them (the file then cannot be re-imported).
            let phone =
                actor.fullIdentity ? try h.phone_cipher.map { try protector.decrypt($0) } : h.phone_masked
            let household = [
                h.number, h.village_code, label(HouseholdAttribute.self, h.attribute),
                label(PovertyCause.self, h.main_cause),
                h.other_causes.split(separator: ";").map { label(PovertyCause.self, String($0)) }.joined(
                    separator: ";"),
                String(h.identified_year), label(HouseholdStatus.self, h.status),
                h.exit_year.map { String($0) } ?? "",
                phone ?? "",
            ]
            for m in byHousehold[h.id] ?? [] {
                out.append(
                    household + [
                        m.name, actor.fullIdentity ? try protector.decrypt(m.id_cipher) : m.id_masked,
                        label(Relation.self, m.relation),
                        label(Ethnicity.self, m.ethnicity), label(Education.self, m.education),
                        label(Schooling.self, m.schooling),
                        actor.health
                            ? MembersTemplate.healthLabel(
                                Health(rawValue: m.health) ?? .healthy, grade: m.disability_grade) : "",
                        label(LabourAbility.self, m.labour), String(m.migrant_months),
                    ])
            }
        }
        return out
    }

    /// The incomes-template rows of a page of households.
    static func incomeRows(_ page: [ExportHousehold], ids: [RowID<Household>], on sql: any SQLDatabase) async throws
        -> [[String]]
    {
        var out: [[String]] = []
        struct Income: Decodable {
            let household_id: RowID<Household>; let year: Int; let wage, business, property, transfer, costs: Int64
        }
        let incomes = try await sql.select().columns(
            "household_id", "year", "wage", "business", "property", "transfer", "costs"
        )
        .from(IncomeRecord.schema).where("household_id", .in, SQLBind.group(ids)).orderBy("year").orderBy("id")
        .all(decoding: Income.self)
        let byHousehold = Dictionary(grouping: incomes, by: \.household_id)
        for h in page {
            for r in byHousehold[h.id] ?? [] {
                out.append(
                    IncomesTemplate.cells(
                        number: h.number,
                        income: IncomeFacts(
                            year: r.year, wage: Money(fen: r.wage), business: Money(fen: r.business),
                            property: Money(fen: r.property),
                            transfer: Money(fen: r.transfer), costs: Money(fen: r.costs))))
            }
        }
        return out
    }
}

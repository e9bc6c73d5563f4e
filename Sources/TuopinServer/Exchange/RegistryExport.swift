import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Writes the members and incomes templates for the households an actor may read, optionally
/// under one unit. Full ID and phone numbers leave the system here, so every export is audited.
enum RegistryExport {
    enum Kind: String, Sendable { case members, incomes }

    /// Why data leave the system: required for every export, kept in the audit entry.
    static func validReason(_ raw: String?) throws -> String {
        let reason = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw AppError.missingField("reason") }
        guard reason.count <= 500 else { throw AppError.invalidField("reason") }
        return reason
    }

    static func rows(app: Application, kind: Kind, actor: ExchangeActor, unit: OrgCode?, onlyIDs: Set<Int>? = nil, reason: String,
                     progress: @escaping ProgressHandler = { _, _ in }) async throws -> [[String]] {
        let reason = try validReason(reason)
        // The households gone through, of all those in scope (a filtered export goes through them all).
        func scoped() -> QueryBuilder<Household> {
            var query = Household.query(on: app.db)
            if let roots = actor.readRoots { query = query.within(roots) }
            if let unit { query = query.within([unit]) }
            return query
        }
        let inScope = try await scoped().count()
        var done = 0
        progress(0, inScope)
        let protector = app.tuopin.protector
        var out: [[String]] = [kind == .members ? MembersTemplate.header : IncomesTemplate.header]
        var after = ""
        while true {
            let fullPage = try await scoped().sort(\.$number).limit(1_000).filter(\.$number > after).all()
            guard let last = fullPage.last else { break }
            after = last.number
            done += fullPage.count
            defer { progress(done, inScope) }
            let page = onlyIDs.map { only in fullPage.filter { only.contains($0.id!) } } ?? fullPage
            guard !page.isEmpty else { continue }
            let ids = page.compactMap(\.id)
            switch kind {
            case .members:
                let members = try await Member.query(on: app.db).filter(\.$household.$id ~~ ids).sort(\.$id).all()
                let byHousehold = Dictionary(grouping: members, by: { $0.$household.id })
                for h in page {
                    // Full numbers and health only for roles that may see them (the file then cannot be re-imported).
                    let phone = actor.fullIdentity ? try h.phoneCipher.map { try protector.decrypt($0) } : h.phoneMasked
                    for m in byHousehold[h.id!] ?? [] {
                        out.append([h.number, h.villageCode, label(HouseholdAttribute.self, h.attribute),
                                    label(PovertyCause.self, h.mainCause),
                                    h.otherCauses.split(separator: ";").map { label(PovertyCause.self, String($0)) }.joined(separator: ";"),
                                    String(h.identifiedYear), label(HouseholdStatus.self, h.status), h.exitYear.map { String($0) } ?? "",
                                    phone ?? "", m.name, actor.fullIdentity ? try protector.decrypt(m.idCipher) : m.idMasked,
                                    label(Relation.self, m.relation),
                                    label(Ethnicity.self, m.ethnicity), label(Education.self, m.education),
                                    label(Schooling.self, m.schooling),
                                    actor.health ? MembersTemplate.healthLabel(Health(rawValue: m.health) ?? .healthy, grade: m.disabilityGrade) : "",
                                    label(LabourAbility.self, m.labour), String(m.migrantMonths)])
                    }
                }
            case .incomes:
                let incomes = try await IncomeRecord.query(on: app.db).filter(\.$householdID ~~ ids).sort(\.$year).all()
                let byHousehold = Dictionary(grouping: incomes, by: \.householdID)
                for h in page {
                    for r in byHousehold[h.id!] ?? [] {
                        out.append(IncomesTemplate.cells(number: h.number, income: IncomeFacts(
                            year: r.year, wage: Money(fen: r.wage), business: Money(fen: r.business), property: Money(fen: r.property),
                            transfer: Money(fen: r.transfer), costs: Money(fen: r.costs))))
                    }
                }
            }
        }
        let now = app.tuopin.now()
        struct Exported: Encodable { let kind: String; let unit: String?; let rows: Int; let reason: String }
        let count = out.count - 1
        try await app.write { tx in
            try await AuditLog.append(on: tx, actor: actor.audit, action: "export.\(kind.rawValue)", entity: "export",
                                      entityID: unit?.value ?? "*", after: Exported(kind: kind.rawValue, unit: unit?.value, rows: count, reason: reason), at: now)
        }
        return out
    }

    /// The stored raw value shown as the template's official text.
    static func label<T: OfficialValue>(_ type: T.Type, _ raw: String) -> String { T(rawValue: raw)?.label ?? raw }

    static func data(_ rows: [[String]], filename: String) throws -> Data {
        filename.lowercased().hasSuffix(".xlsx") ? try XLSX.write(rows) : FileReading.csvData(rows)
    }
}

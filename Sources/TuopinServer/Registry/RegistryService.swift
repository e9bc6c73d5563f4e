import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Changes to a household's incomes, guarantees, plan and members. Each is one transaction that
/// checks the household's version (so a stale client gets 409), bumps it, writes the audit entry
/// and re-checks data quality.
enum RegistryService {
    struct IncomeInput: Content {
        let wage: String; let business: String; let property: String; let transfer: String; let costs: String
    }
    struct GuaranteeInput: Content { let met: Bool; let note: String? }
    struct MeasureInput: Content {
        let category: String; let subtype: String; let content: String; let amount: String
        let start: String; let end: String; let outcome: String?; let cadre_id: RowID<Cadre>?
    }
    struct PlanInput: Content { let goal: String; let measures: [MeasureInput] }
    struct MemberInput: Content {
        let ethnicity: String?; let education: String?; let schooling: String?; let health: String?
        let disability_grade: Int?; let labour: String?; let migrant_months: Int?
        let medical_insurance: Bool?; let serious_illness_insurance: Bool?; let pension_insurance: Bool?
        let dibao: Bool?; let tekun: Bool?
    }

    /// Runs `body` on the household if the user may write it and it is still at `version`.
    static func change(
        app: Application, user: CurrentUser, householdID: RowID<Household>, version: Int, action: String,
        body:
            @escaping @Sendable (DataAccess, Household) async throws -> (
                before: (any Encodable & Sendable)?, after: any Encodable & Sendable
            )
    ) async throws {
        let scope = user.scope
        let now = app.tuopin.now()
        let today = app.clock.today
        let protector = app.tuopin.protector
        let reason = CertificationService.changeReason
        try await app.write { tx in
            let h = try await tx.scoped(scope).writableHousehold(id: householdID)
            try await CertificationService.checkReason(
                on: tx, households: [(householdID, h.townshipCode)], reason: reason, actor: user.auditActor, now: now)
            // Compared before any arithmetic: a client's version may be any integer (Int.max + 1 would trap).
            guard h.version == version else { throw AppError.conflict }
            guard try await tx.claim(household: householdID, at: version) else { throw AppError.conflict }
            let (before, after) = try await body(tx, h)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: action, entity: "household", entityID: String(householdID),
                before: before, after: after, at: now)
            h.version += 1
            _ = try await QualityService.recheck([h], on: tx, protector: protector, today: today)
        }
    }

    static func setIncome(
        app: Application, user: CurrentUser, householdID: RowID<Household>, version: Int, year: Int, input: IncomeInput
    ) async throws {
        guard (2000...app.clock.today.year).contains(year) else { throw AppError.invalidField("year") }
        let i = IncomeFacts(
            year: year, wage: try FormField.money(input.wage, "wage", empty: .invalid),
            business: try FormField.money(input.business, "business", empty: .invalid),
            property: try FormField.money(input.property, "property", empty: .invalid),
            transfer: try FormField.money(input.transfer, "transfer", empty: .invalid),
            costs: try FormField.money(input.costs, "costs", empty: .invalid))
        guard !i.hasNegativeComponent else { throw AppError.invalidField("amount") }
        try await change(app: app, user: user, householdID: householdID, version: version, action: "income.set") {
            tx, _ in
            let new = DataAccess.IncomeRow(
                year: year, wage: i.wage.fen, business: i.business.fen, property: i.property.fen,
                transfer: i.transfer.fen, costs: i.costs.fen)
            return (try await tx.replaceIncome(householdID: householdID, with: new), new)
        }
    }

    static func setGuarantee(
        app: Application, user: CurrentUser, householdID: RowID<Household>, version: Int, kind: GuaranteeKind,
        input: GuaranteeInput
    ) async throws {
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 500 else { throw AppError.invalidField("note") }
        try await change(app: app, user: user, householdID: householdID, version: version, action: "guarantee.set") {
            tx, _ in
            let old = try await tx.rows(Guarantee.self).filter(\.$householdID == householdID).filter(\.$kind == kind)
                .first()
            struct G: Encodable, Sendable { let kind: String; let met: Bool; let note: String }
            let before = old.map { G(kind: $0.kind.rawValue, met: $0.met, note: $0.note) }
            try await tx.rows(Guarantee.self).filter(\.$householdID == householdID).filter(\.$kind == kind).delete()
            let g = Guarantee(); g.householdID = householdID; g.kind = kind; g.met = input.met; g.note = note
            try await g.create(on: tx)
            return (before, G(kind: kind.rawValue, met: input.met, note: note))
        }
    }

    static func setPlan(
        app: Application, user: CurrentUser, householdID: RowID<Household>, version: Int, year: Int, input: PlanInput
    ) async throws {
        guard (2014...(app.clock.today.year + 5)).contains(year) else { throw AppError.invalidField("year") }
        let goal = input.goal.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !goal.isEmpty, goal.count <= 200 else { throw AppError.invalidField("goal") }
        guard input.measures.count <= 50 else { throw AppError.invalidField("measures") }
        struct M: Codable, Sendable {
            let category, subtype, content: String; let amount: Int64; let start, end, outcome: String;
            let cadre_id: RowID<Cadre>?
        }
        let measures: [M] = try input.measures.enumerated().map { i, m in
            guard MeasureCategory(rawValue: m.category) != nil else {
                throw AppError.invalidField("measures[\(i)].category")
            }
            guard MeasureSubtype(rawValue: m.subtype) != nil else {
                throw AppError.invalidField("measures[\(i)].subtype")
            }
            let content = m.content.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !content.isEmpty, content.count <= 500 else { throw AppError.invalidField("measures[\(i)].content") }
            let amount = try FormField.money(m.amount, "measures[\(i)].amount", empty: .invalid)
            guard amount.fen >= 0 else { throw AppError.invalidField("measures[\(i)].amount") }
            guard let start = CivilDate(yyyymmdd: m.start.replacingOccurrences(of: "-", with: "")) else {
                throw AppError.invalidField("measures[\(i)].start")
            }
            guard let end = CivilDate(yyyymmdd: m.end.replacingOccurrences(of: "-", with: "")), start <= end else {
                throw AppError.invalidField("measures[\(i)].end")
            }
            return M(
                category: m.category, subtype: m.subtype, content: content, amount: amount.fen,
                start: start.description,
                end: end.description, outcome: (m.outcome ?? "").trimmingCharacters(in: .whitespaces),
                cadre_id: m.cadre_id)
        }
        try await change(app: app, user: user, householdID: householdID, version: version, action: "plan.set") {
            tx, h in
            for (i, m) in measures.enumerated() {
                guard let cadre = m.cadre_id else { continue }
                // The responsible cadre must belong to the household's county or a unit below it.
                guard let c = try await tx.lookup(Cadre.self, cadre),
                    c.unitCode.hasPrefix(h.countyCode) || h.countyCode.hasPrefix(c.unitCode)
                else {
                    throw AppError.invalidField("measures[\(i)].cadre_id")
                }
            }
            let old = try await tx.rows(HouseholdPlan.self).filter(\.$householdID == householdID).filter(
                \.$year == year
            ).first()
            let before = old.map { ["year": String($0.year), "goal": $0.goal] }
            if let old { try await old.delete(on: tx) }
            let plan = HouseholdPlan(); plan.householdID = householdID; plan.year = year; plan.goal = goal
            try await plan.create(on: tx)
            try await tx.insertMeasures(
                planID: plan.requireID(),
                measures.map {
                    [$0.category, $0.subtype, $0.content, $0.amount, $0.start, $0.end, $0.cadre_id, $0.outcome]
                })
            struct P: Encodable, Sendable { let year: Int; let goal: String; let measures: [M] }
            return (before, P(year: year, goal: goal, measures: measures))
        }
    }
}

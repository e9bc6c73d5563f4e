import Fluent
import TuopinCore
import Vapor

/// A household and its members, as a page and through the API. Reads go through the scoped
/// data access: a household outside the user's scope is "not found".
enum HouseholdController {
    struct MemberView: Content {
        let id: RowID<Member>; let name: String; let relation: String; let sex: String
        /// Age in completed years, for everyone who sees the household; the birth date itself only
        /// for roles that see full identity (with the mask and the sex it would narrow the number
        /// to about 45 candidates, issue #22 C1).
        let age: Int?; let birth_date: String?; let resident_id: String
        /// Nil for roles without `seeHealth`.
        let ethnicity: String; let education: String; let schooling: String; let health: String?
        let labour: String; let migrant_months: Int
    }
    struct GuaranteeView: Content { let kind: String; let label: String; let met: Bool; let note: String }
    struct MeasureView: Content {
        let category: String; let subtype: String; let content: String; let amount: String
        let start: String; let end: String; let outcome: String
    }
    struct PlanView: Content { let year: Int; let goal: String; let measures: [MeasureView] }
    struct IncomeView: Content {
        let year: Int; let wage: String; let business: String; let property: String
        let transfer: String; let costs: String; let net: String; let per_capita: String
    }
    struct Detail: Content {
        let id: RowID<Household>; let number: String; let village: String; let village_name: String
        let status: String; let status_label: String; let identified_year: Int; let exit_year: Int?
        let version: Int; let members: [MemberView]; let incomes: [IncomeView]
        let attribute: String; let attribute_label: String; let main_cause: String; let main_cause_label: String
        let other_causes: [String]; let other_causes_label: String; let address: String; let phone: String?
        let planned_exit_year: Int?; let housing_area: Double?; let dangerous_grade: String?
        let housing_safe: Bool; let water_safe: Bool; let electricity: Bool; let road_distance_km: Double?
        let land_cultivated: Double; let land_irrigated: Double; let land_forest: Double; let land_grassland: Double
        let relocated: Bool; let cooperative: Bool; let joint_unit: String?
        let guarantees: [GuaranteeView]; let plans: [PlanView]
    }
    struct Summary: Content { let id: RowID<Household>; let number: String; let village: String; let status: String }
    struct ListPage: Content { let items: [Summary]; let next: String? }

    static func detail(_ req: Request, id: RowID<Household>) async throws -> Detail {
        try detail(req, records: try await req.data.householdRecords(id: id))
    }

    static func detail(_ req: Request, records: DataAccess.HouseholdRecords) throws -> Detail {
        let data = req.data, t = req.t, protector = req.tuopin.protector
        let today = req.clock.today
        let h = records.household
        let village = records.village
        let seesHealth = data.maySeeHealth
        let members = try records.members.map { m in
            let birth = ResidentID.birthDate(of: try protector.decrypt(m.idCipher))
            return MemberView(
                id: m.id!, name: m.name, relation: t.vocab(Relation.self, raw: m.relation.rawValue),
                sex: t["sex_\(m.sex)"],
                age: birth.map { DataQuality.age($0, on: today) },
                birth_date: data.maySeeFullIdentity ? birth?.description : nil, resident_id: m.idMasked,
                ethnicity: t.vocab(Ethnicity.self, raw: m.ethnicity),
                education: t.vocab(Education.self, raw: m.education),
                schooling: t.vocab(Schooling.self, raw: m.schooling),
                health: seesHealth
                    ? t.vocab(Health.self, raw: m.health) + (m.disabilityGrade.map { " \($0)" } ?? "") : nil,
                labour: t.vocab(LabourAbility.self, raw: m.labour), migrant_months: m.migrantMonths)
        }
        let guarantees = records.guarantees
            .sorted { a, b in guaranteeOrder(a.kind.rawValue) < guaranteeOrder(b.kind.rawValue) }
            .map {
                GuaranteeView(
                    kind: $0.kind.rawValue, label: t.vocab(GuaranteeKind.self, raw: $0.kind.rawValue), met: $0.met,
                    note: $0.kind == .medical && !seesHealth ? "" : $0.note)
            }
        let (planRows, measureRows) = (records.plans, records.measures)
        let plans = planRows.map { p in
            PlanView(
                year: p.year, goal: p.goal,
                measures: measureRows.filter { $0.planID == p.id }.map { m in
                    MeasureView(
                        category: t.vocab(MeasureCategory.self, raw: m.category.rawValue),
                        subtype: t.vocab(MeasureSubtype.self, raw: m.subtype),
                        content: m.content, amount: Money(fen: m.amount).description, start: m.startDate,
                        end: m.endDate,
                        outcome: m.outcome)
                })
        }
        let size = Int64(max(members.count, 1))
        let incomes = records.incomes.map { r in
            let net = Money(fen: r.wage + r.business + r.property + r.transfer - r.costs)
            return IncomeView(
                year: r.year, wage: Money(fen: r.wage).description, business: Money(fen: r.business).description,
                property: Money(fen: r.property).description, transfer: Money(fen: r.transfer).description,
                costs: Money(fen: r.costs).description, net: net.description,
                per_capita: Money(fen: net.fen / size).description)
        }
        return Detail(
            id: h.id!, number: h.number, village: h.villageCode, village_name: village?.name ?? "",
            status: h.status.rawValue, status_label: t[h.status.labelKey],
            identified_year: h.identifiedYear, exit_year: h.exitYear, version: h.version,
            members: members, incomes: incomes, attribute: h.attribute.rawValue,
            attribute_label: t.vocab(HouseholdAttribute.self, raw: h.attribute.rawValue),
            main_cause: h.mainCause.rawValue,
            main_cause_label: t.vocab(PovertyCause.self, raw: h.mainCause.rawValue),
            other_causes: h.otherCauses.split(separator: ";").map(String.init),
            other_causes_label: h.otherCauses.split(separator: ";").map { t.vocab(PovertyCause.self, raw: String($0)) }
                .joined(separator: "、"),
            address: h.address, phone: h.phoneMasked, planned_exit_year: h.plannedExitYear, housing_area: h.housingArea,
            dangerous_grade: h.dangerousGrade, housing_safe: h.housingSafe, water_safe: h.waterSafe,
            electricity: h.electricity, road_distance_km: h.roadDistanceKm, land_cultivated: h.landCultivated,
            land_irrigated: h.landIrrigated, land_forest: h.landForest, land_grassland: h.landGrassland,
            relocated: h.relocated, cooperative: h.cooperative, joint_unit: h.jointUnit,
            guarantees: guarantees, plans: plans)
    }

    /// Keyset pagination: `limit + 1` rows, no count query.
    static func list(
        _ data: DataAccess, limit: Int, after: RowID<Household>?, filters: HouseholdListController.Filters? = nil,
        protector: DataProtector? = nil, today: CivilDate? = nil
    ) async throws -> ListPage {
        var query = data.households().sort(\.$id).limit(limit + 1)
        if let filters, let protector, let today {
            query = try HouseholdListController.apply(filters, to: query, protector: protector, today: today)
        }
        if let after { query = query.filter(\.$id > after) }
        let rows = try await query.all()
        let items = rows.prefix(limit).map {
            Summary(id: $0.id!, number: $0.number, village: $0.villageCode, status: $0.status.rawValue)
        }
        return ListPage(items: items, next: rows.count > limit ? items.last.map { String($0.id) } : nil)
    }

    static func guaranteeOrder(_ raw: String) -> Int { GuaranteeKind.allCases.firstIndex { $0.rawValue == raw } ?? 99 }

    struct HistoryRow: Encodable { let at: String; let user: String; let action: String; let reason: String }
    struct Finding: Encodable { let code: String; let text: String }

    @Sendable static func show(req: Request) async throws -> Response {
        try await page(req, formError: nil)
    }

    /// The household page; `formError` is the message of a form on it that was refused, `posted`
    /// that form's fields as typed (a refused new member is shown again as it was entered).
    static func page(_ req: Request, formError: String?, posted: [String: String] = [:]) async throws -> Response {
        let user = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        let records = try await req.data.householdRecords(id: id)
        let detail = try detail(req, records: records)
        try await ReadAudit.household(req, user: user, id: id, via: "page")
        let t = req.t
        let history = try await req.data.history(of: records.household).map {
            HistoryRow(
                at: $0.at, user: $0.user, action: t["action_" + $0.action.replacingOccurrences(of: ".", with: "_")],
                reason: $0.reason)
        }
        let facts = try await req.data.facts(
            of: records.household, protector: req.tuopin.protector, planYear: req.clock.today.year)
        let standards = try await req.data.standards()
        let findings = DataQuality.check(facts, today: req.clock.today, povertyLine: { standards[$0]?.povertyLine })
            .map { Finding(code: $0.code.rawValue, text: t[$0.code.labelKey]) }
        let writable = try await req.data.writableHouseholds().filter(\.$id == id).count() > 0
        struct View: Encodable {
            let h: Detail; let villageHref: String; let editHref: String?; let history: [HistoryRow]
            let findings: [Finding]; let hasFindings: Bool; let chart: IncomeChart.View
            let writable: Bool; let formError: String?; let years: [Int]; let base: String
            let cases: [CaseController.CaseSummary]; let starts: [CaseController.StartOption]; let caseYear: Int
            /// This year has no standards yet: a case of this year would be refused (said beside the forms).
            let standardMissing: Bool
            let pairings: [PairingService.View]; let candidates: [Candidate]; let today: String
            let loans: [LoanService.LoanView]; let mayKeepLoans: Bool
            let editing: HouseholdEditing?; let saved: String?
        }
        struct Candidate: Encodable { let id: RowID<Cadre>; let label: String }
        let candidates =
            writable
            ? try await req.data.pairingCandidates(for: OrgCode(detail.village)!).map { c -> Candidate in
                let label = "\(c.name) · \(c.positionLabel(t)) · \(c.rankLabel(t)) · \(c.unitCode)"
                return Candidate(id: c.id!, label: label)
            } : []
        let chart = IncomeChart.view(
            detail.incomes.map { ($0.year, $0.per_capita) }, line: { standards[$0]?.povertyLine })
        return try await Page.render(
            req, "household",
            View(
                h: detail, villageHref: SiteURL.unit(detail.village).path,
                editHref: writable ? SiteURL.householdEdit(id).path : nil, history: history,
                findings: findings, hasFindings: !findings.isEmpty, chart: chart, writable: writable,
                formError: formError,
                years: Array((2014...req.clock.today.year).reversed()), base: SiteURL.household(id).path,
                cases: try await CaseController.summaries(req, awaiting: false, householdID: id),
                starts: CaseController.startOptions(
                    req, status: HouseholdStatus(rawValue: detail.status), unit: detail.village),
                caseYear: req.clock.today.year, standardMissing: standards[req.clock.today.year] == nil,
                pairings: try await req.data.pairings(of: records.household, t: t), candidates: candidates,
                today: req.clock.today.description,
                loans: try await req.data.loans().filter(\.$householdID == id).sort(\.$id).all()
                    .map { LoanService.view($0, today: req.clock.today) },
                mayKeepLoans: req.auth.get(CurrentUser.self)?.scope.permits(.manageFunds, on: OrgCode(detail.village)!)
                    ?? false,
                editing: writable ? try editing(req, records: records, posted: posted) : nil,
                saved: savedMessage(req)),
            status: formError == nil ? .ok : .unprocessableEntity)
    }

    /// The forms that edit members and plans, for a user who may write the household.
    static func editing(_ req: Request, records: DataAccess.HouseholdRecords, posted: [String: String]) throws
        -> HouseholdEditing
    {
        try HouseholdEditing.make(
            records.household, members: records.members, plans: records.plans, measures: records.measures,
            today: req.clock.today, posted: posted, t: req.t)
    }

    /// "Saved" after a form on the page succeeded (`?saved=` names which; unknown names say nothing).
    static func savedMessage(_ req: Request) -> String? {
        let known = [
            "member_added", "member_changed", "member_removed", "head_changed", "plan_saved", "identification_started",
            "household_applied",
        ]
        guard let key = req.query[String.self, at: "saved"], known.contains(key) else { return nil }
        return req.t["saved_" + key]
    }

    @Sendable static func apiShow(req: Request) async throws -> Detail {
        let user = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        let found = try await detail(req, id: id)
        try await ReadAudit.household(req, user: user, id: id, via: "api")
        return found
    }

    @Sendable static func apiList(req: Request) async throws -> ListPage {
        _ = try req.requireUser()
        var limit = 50
        if let raw = req.query[String.self, at: "limit"] {
            guard let n = Int(raw), (1...500).contains(n) else { throw AppError.invalidField("limit") }
            limit = n
        }
        var after: RowID<Household>?
        if let raw = req.query[String.self, at: "next"] ?? req.query[String.self, at: "after"] {
            guard let n = Int(raw), n >= 0 else { throw AppError.invalidField("next") }
            after = RowID(n)
        }
        return try await list(
            req.data, limit: limit, after: after, filters: HouseholdListController.Filters(req),
            protector: req.tuopin.protector, today: req.clock.today)
    }
}

/// The household page's own small forms: a year's income and a guarantee.
enum HouseholdFormsController {
    struct IncomeForm: Content {
        let version: Int?; let year: Int?; let wage, business, property, transfer, costs: String?
    }
    struct GuaranteeForm: Content { let version: Int?; let met: String?; let note: String? }

    static func run(_ req: Request, _ change: () async throws -> Void) async throws -> Response {
        return try await FormFlow.submit(req) {
            try await change()
            return .redirect(SiteURL.household(try req.intParameter("id")).path)
        } orShow: { refusal in
            return try await HouseholdController.page(req, formError: refusal.message)
        }
    }

    @Sendable static func income(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        return try await run(req) {
            let f = try req.content.decode(IncomeForm.self)
            guard let version = f.version else { throw AppError.missingField("version") }
            guard let year = f.year else { throw AppError.missingField("year") }
            // On the page an income left empty is none (0); the API still asks for every component.
            func zeroIfEmpty(_ text: String?) -> String {
                let t = (text ?? "").trimmingCharacters(in: .whitespaces)
                return t.isEmpty ? "0" : t
            }
            let input = RegistryService.IncomeInput(
                wage: zeroIfEmpty(f.wage), business: zeroIfEmpty(f.business), property: zeroIfEmpty(f.property),
                transfer: zeroIfEmpty(f.transfer), costs: zeroIfEmpty(f.costs))
            try await RegistryService.setIncome(
                app: req.application, user: user, householdID: id, version: version, year: year, input: input)
        }
    }

    @Sendable static func guarantee(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        guard let kind = req.parameters.get("kind").flatMap(GuaranteeKind.init(rawValue:)) else {
            throw AppError.notFound
        }
        return try await run(req) {
            let f = try req.content.decode(GuaranteeForm.self)
            guard let version = f.version else { throw AppError.missingField("version") }
            try await RegistryService.setGuarantee(
                app: req.application, user: user, householdID: id, version: version, kind: kind,
                input: .init(met: f.met != nil, note: f.note))
        }
    }
}

import Fluent
import TuopinCore
import Vapor

/// The household page's forms for members and the year's plan: a member joins, changes, leaves or
/// becomes the head; the plan's goal and measures are saved as a whole. A refused form shows the
/// household page again with the reason (and a refused new member as typed).
enum HouseholdMemberForms {
    struct NewMemberForm: Content {
        var version: Int?; var name: String?; var resident_id: String?; var relation: String?
        var ethnicity: String?; var education: String?; var schooling: String?; var health: String?
        var disability_grade: String?; var labour: String?; var migrant_months: String?

        var posted: [String: String] {
            [
                "name": name, "resident_id": resident_id, "relation": relation, "ethnicity": ethnicity,
                "education": education, "schooling": schooling, "health": health,
                "disability_grade": disability_grade, "labour": labour, "migrant_months": migrant_months,
            ].compactMapValues { $0 }
        }
    }
    /// A member form carries the household's version it was shown at.
    protocol Versioned { var version: Int? { get } }
    struct MemberForm: Content, Versioned {
        var version: Int?; var ethnicity: String?; var education: String?; var schooling: String?
        var health: String?; var disability_grade: String?; var labour: String?; var migrant_months: String?
    }
    struct RemovalForm: Content, Versioned { var version: Int?; var reason: String? }
    struct HeadForm: Content, Versioned { var version: Int?; var former_head_relation: String? }
    struct PlanForm: Content {
        var version: Int?; var year: Int?; var goal: String?
        var category: [String]?; var subtype: [String]?; var content: [String]?; var amount: [String]?
        var start: [String]?; var end: [String]?; var outcome: [String]?; var cadre_id: [String]?
        var remove: [Int]?
    }

    /// An optional whole number typed into a form: empty is nil, anything else but a number is refused.
    static func optionalInt(_ text: String?, _ field: String) throws -> Int? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        guard let n = Int(text) else { throw AppError.invalidField(field) }
        return n
    }

    static func run(
        _ req: Request, household: RowID<Household>, saved: String, posted: [String: String] = [:],
        _ change: () async throws -> Void
    ) async throws -> Response {
        try await FormFlow.submit(req) {
            try await change()
            return .redirect(SiteURL.household(household).path + "?saved=\(saved)")
        } orShow: { refusal in
            req.parameters.set("id", to: String(household))
            return try await HouseholdController.page(req, formError: refusal.message, posted: posted)
        }
    }

    @Sendable static func add(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        let f = try req.content.decode(NewMemberForm.self)
        return try await run(req, household: id, saved: "member_added", posted: f.posted) {
            guard let version = f.version else { throw AppError.missingField("version") }
            let input = RegistryService.NewMemberInput(
                name: f.name ?? "", resident_id: (f.resident_id ?? "").trimmingCharacters(in: .whitespaces),
                relation: f.relation ?? "", ethnicity: f.ethnicity ?? "", education: f.education ?? "",
                schooling: f.schooling ?? "", health: f.health ?? "",
                disability_grade: try optionalInt(f.disability_grade, "disability_grade"), labour: f.labour ?? "",
                migrant_months: try optionalInt(f.migrant_months, "migrant_months") ?? 0)
            try await RegistryService.addMember(
                app: req.application, user: user, householdID: id, version: version, input: input)
        }
    }

    /// The household a member belongs to, read within the user's scope ("not found" outside it).
    static func household(of member: RowID<Member>, _ req: Request) async throws -> RowID<Household> {
        guard let m = try await req.data.member(id: member) else { throw AppError.notFound }
        return m.$household.id
    }

    /// A form posted on one member (`/members/{id}…`): the member's household is read in the user's
    /// scope, the form carries the household's version, and `action` is the service call.
    static func memberForm<Form: Content & Versioned>(
        _ type: Form.Type, saved: String,
        _ action: @escaping @Sendable (Application, CurrentUser, RowID<Member>, Int, Form) async throws -> Void
    ) -> @Sendable (Request) async throws -> Response {
        { req in
            let user = try req.requireUser()
            let memberID: RowID<Member> = try req.intParameter("id")
            let household = try await household(of: memberID, req)
            return try await run(req, household: household, saved: saved) {
                let f = try req.content.decode(type)
                guard let version = f.version else { throw AppError.missingField("version") }
                try await action(req.application, user, memberID, version, f)
            }
        }
    }

    static let update = memberForm(MemberForm.self, saved: "member_changed") { app, user, member, version, f in
        let input = RegistryService.MemberInput(
            ethnicity: f.ethnicity, education: f.education, schooling: f.schooling, health: f.health,
            disability_grade: try optionalInt(f.disability_grade, "disability_grade"), labour: f.labour,
            migrant_months: try optionalInt(f.migrant_months, "migrant_months"), medical_insurance: nil,
            serious_illness_insurance: nil, pension_insurance: nil, dibao: nil, tekun: nil)
        try await RegistryService.updateMember(app: app, user: user, memberID: member, version: version, input: input)
    }

    static let remove = memberForm(RemovalForm.self, saved: "member_removed") { app, user, member, version, f in
        guard let reason = f.reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AppError.missingField("reason")
        }
        try await RegistryService.removeMember(app: app, user: user, memberID: member, version: version, reason: reason)
    }

    static let head = memberForm(HeadForm.self, saved: "head_changed") { app, user, member, version, f in
        try await RegistryService.makeHead(
            app: app, user: user, memberID: member, version: version, formerHeadRelation: f.former_head_relation ?? "")
    }

    @Sendable static func plan(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        return try await run(req, household: id, saved: "plan_saved") {
            let f = try req.content.decode(PlanForm.self)
            guard let version = f.version else { throw AppError.missingField("version") }
            guard let year = f.year else { throw AppError.missingField("year") }
            try await RegistryService.setPlan(
                app: req.application, user: user, householdID: id, version: version, year: year,
                input: .init(goal: f.goal ?? "", measures: measures(f)))
        }
    }

    /// The plan form's rows as measures: rows ticked for removal and the empty row left blank are
    /// dropped; every other row is one measure (checked by the service).
    static func measures(_ f: PlanForm) -> [RegistryService.MeasureInput] {
        let contents = f.content ?? []
        let removed = Set(f.remove ?? [])
        func at(_ list: [String]?, _ i: Int) -> String { i < (list?.count ?? 0) ? list![i] : "" }
        return contents.indices.compactMap { i in
            guard !removed.contains(i) else { return nil }
            let content = contents[i].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !content.isEmpty || !at(f.amount, i).trimmingCharacters(in: .whitespaces).isEmpty else {
                return nil
            }
            // A measure without money (training, a visit) leaves the amount empty: 0 on the page.
            let amount = at(f.amount, i).trimmingCharacters(in: .whitespaces)
            return .init(
                category: at(f.category, i), subtype: at(f.subtype, i), content: content,
                amount: amount.isEmpty ? "0" : amount,
                start: at(f.start, i), end: at(f.end, i), outcome: at(f.outcome, i),
                cadre_id: Int(at(f.cadre_id, i)).map { RowID($0) })
        }
    }
}

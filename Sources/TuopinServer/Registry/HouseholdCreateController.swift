import Fluent
import TuopinCore
import Vapor

/// Registering a new household from the web: the household and its head, checked exactly like
/// an import of the same row, with the problems shown at their fields. Further members come by
/// import or the API.
enum HouseholdCreateController {
    /// Form field → the members template column it fills.
    static let columns: [(field: String, column: Int)] = [
        ("number", 0), ("village", 1), ("attribute", 2), ("main_cause", 3), ("identified_year", 5), ("phone", 8),
        ("name", 9), ("resident_id", 10), ("ethnicity", 12), ("education", 13), ("schooling", 14), ("health", 15),
        ("labour", 16), ("migrant_months", 17),
    ]

    struct Choice: Encodable { let value: String; let label: String; let selected: Bool }
    struct Field: Encodable {
        let name: String; let label: String; let value: String; let error: String?; let choices: [Choice];
        let isSelect: Bool
    }
    struct Form: Encodable { let fields: [Field]; let errors: [String]; let hasErrors: Bool }

    static func form(_ req: Request, values: [String: String], problems: [ImportProblem]) async throws -> Form {
        let t = req.t
        let roots = req.data.scope.roots(for: .writeRegistry)
        // Villages to choose from, when the user's area is small enough to list them.
        var villages: [Choice] = []
        if roots.allSatisfy({ $0.level >= .township }) {
            let units = try await req.data.rows(OrgUnit.self).filter(\.$level == OrgLevel.village.rawValue)
                .group(.or) { g in for r in roots { g.filter(\.$path =~ r.path) } }.sort(\.$id).all()
            villages = units.map {
                Choice(value: $0.id!, label: "\($0.name) \($0.id!)", selected: values["village"] == $0.id)
            }
        }
        func choices<T: OfficialValue>(_ type: T.Type, _ key: String) -> [Choice] {
            T.allCases.map { Choice(value: $0.label, label: t.vocab($0), selected: values[key] == $0.label) }
        }
        let select: [String: [Choice]] = [
            "village": villages, "attribute": choices(HouseholdAttribute.self, "attribute"),
            "main_cause": choices(PovertyCause.self, "main_cause"),
            "ethnicity": choices(Ethnicity.self, "ethnicity"), "education": choices(Education.self, "education"),
            "schooling": choices(Schooling.self, "schooling"), "health": choices(Health.self, "health"),
            "labour": choices(LabourAbility.self, "labour"),
        ]
        let byColumn = Dictionary(grouping: problems, by: \.column)
        let fields = columns.map { f in
            let message = byColumn[MembersTemplate.header[f.column]]?.map { "\($0.code.rawValue) \($0.message)" }
                .joined(separator: "；")
            let options = select[f.field] ?? []
            return Field(
                name: f.field, label: MembersTemplate.header[f.column], value: values[f.field] ?? "", error: message,
                choices: options, isSelect: !options.isEmpty)
        }
        let placed = Set(columns.map { MembersTemplate.header[$0.column] })
        let general = problems.filter { !placed.contains($0.column) }.map { "\($0.code.rawValue) \($0.message)" }
        return Form(fields: fields, errors: general, hasErrors: !problems.isEmpty)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard req.data.mayWriteRegistry else { throw AppError.forbidden }
        let year = req.clock.today.year
        return try await Page.render(
            req, "household-new",
            form(req, values: ["identified_year": String(year), "migrant_months": "0"], problems: []))
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard req.data.mayWriteRegistry else { throw AppError.forbidden }
        var values: [String: String] = [:]
        for (field, _) in columns {
            values[field] = ((try? req.content.get(String.self, at: field)) ?? "").trimmingCharacters(in: .whitespaces)
        }
        var row = [String](repeating: "", count: MembersTemplate.header.count)
        for (field, column) in columns { row[column] = values[field] ?? "" }
        // A family entered on the web applies: it is watched (监测对象) and its identification
        // (两公示一公告) starts at once. Only an import or the API registers a household directly.
        row[6] = HouseholdStatus.onApplication.label
        row[11] = Relation.head.label
        var problems: [ImportProblem] = []
        if let number = values["number"], !number.isEmpty,
            try await req.data.rows(Household.self).filter(\.$number == number).count() > 0
        {
            problems.append(
                ImportProblem(
                    row: 2, column: MembersTemplate.header[0], code: .householdSplit, message: req.t["household_exists"]
                ))
        }
        if problems.isEmpty {
            let report = try await RegistryImport.members(
                app: req.application, rows: [MembersTemplate.header, row], actor: .user(user), dryRun: false)
            problems = report.problems
        }
        guard problems.isEmpty else {
            return try await Page.render(
                req, "household-new", form(req, values: values, problems: problems), status: .unprocessableEntity)
        }
        let id = try await req.data.rows(Household.self).filter(\.$number == values["number"]!).first()!.requireID()
        var saved = "identification_started"
        do {
            _ = try await CaseService.start(
                app: req.application, user: user, workflow: Workflows.identification, householdIDs: [id],
                unitCode: nil, year: req.clock.today.year, input: .init())
        } catch let error as AppError where error != .unauthenticated {
            // The household is saved; the page offers to start the identification by hand.
            req.logger.notice("identification not started for household \(id): \(error)")
            saved = "household_applied"
        }
        return req.redirect(to: SiteURL.household(id).path + "?saved=" + saved, redirectType: .normal)
    }
}

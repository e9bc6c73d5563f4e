import Fluent
import TuopinCore
import Vapor

/// The household edit form: field-level messages, and a conflict page when someone else saved
/// first (nothing is overwritten).
enum HouseholdEditController {
    struct Choice: Encodable { let value: String; let label: String; let selected: Bool }
    struct Field: Encodable {
        let name: String; let label: String; let value: String; let error: String?; let checked: Bool
    }
    struct Form: Encodable {
        let action: String; let backHref: String; let number: String; let version: Int
        let attributes: [Choice]; let causes: [Choice]; let otherCauses: [Choice]; let grades: [Choice]
        let fields: [Field]; let flags: [Field]; let errors: [String]; let hasErrors: Bool
    }

    static let textFields = [
        "address", "phone", "planned_exit_year", "housing_area", "road_distance_km", "land_cultivated",
        "land_irrigated", "land_forest", "land_grassland", "joint_unit",
    ]
    static let flagFields = ["housing_safe", "water_safe", "electricity", "relocated", "cooperative"]

    static func form(
        id: RowID<Household>, number: String, version: Int, values: [String: String], others: [String],
        problems: [HouseholdEdit.FieldProblem], t: Translations
    ) -> Form {
        let errorFor = Dictionary(problems.map { ($0.field, t[$0.messageKey]) }, uniquingKeysWith: { a, _ in a })
        func choices<T: OfficialValue>(_ type: T.Type, _ selected: [String]) -> [Choice] {
            T.allCases.map { Choice(value: $0.rawValue, label: t.vocab($0), selected: selected.contains($0.rawValue)) }
        }
        return Form(
            action: SiteURL.householdEdit(id).path, backHref: SiteURL.household(id).path, number: number,
            version: version,
            attributes: choices(HouseholdAttribute.self, [values["attribute"] ?? ""]),
            causes: choices(PovertyCause.self, [values["main_cause"] ?? ""]),
            otherCauses: choices(PovertyCause.self, others),
            grades: [Choice(value: "", label: "—", selected: (values["dangerous_grade"] ?? "").isEmpty)]
                + HouseholdEdit.dangerousGrades.map {
                    Choice(value: $0, label: $0, selected: values["dangerous_grade"] == $0)
                },
            fields: textFields.map {
                Field(name: $0, label: t["f_\($0)"], value: values[$0] ?? "", error: errorFor[$0], checked: false)
            },
            flags: flagFields.map {
                Field(name: $0, label: t["f_\($0)"], value: "1", error: nil, checked: !(values[$0] ?? "").isEmpty)
            },
            errors: problems.map { "\(t["f_\($0.field)"])：\(t[$0.messageKey])" }, hasErrors: !problems.isEmpty)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        let h = try await req.data.writableHousehold(id: id)
        let edit = try HouseholdService.currentEdit(of: h, protector: req.tuopin.protector)
        return try await Page.render(
            req, "household-edit",
            form(
                id: id, number: h.number, version: h.version, values: edit.formFields,
                others: edit.otherCauses.map(\.rawValue), problems: [], t: req.t))
    }

    struct Posted: Content {
        var version: Int?
        var other_causes: [String]?
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        let h = try await req.data.writableHousehold(id: id)
        var fields: [String: String] = [:]
        for key in ["attribute", "main_cause", "dangerous_grade"] + textFields + flagFields {
            fields[key] = try? req.content.get(String.self, at: key)
        }
        let posted = try req.content.decode(Posted.self)
        let others = posted.other_causes ?? []
        guard let version = posted.version else { throw AppError.missingField("version") }
        let year = req.clock.today.year
        switch HouseholdEdit.parse(fields, otherCauses: others, currentYear: year) {
        case .failure(let list):
            return try await Page.render(
                req, "household-edit",
                form(
                    id: id, number: h.number, version: version, values: fields,
                    others: others, problems: list.problems, t: req.t),
                status: .unprocessableEntity)
        case .success(let edit):
            do {
                try await HouseholdService.update(
                    app: req.application, user: user, id: id, edit: edit, version: version)
                return req.redirect(to: SiteURL.household(id).path, redirectType: .normal)
            } catch let conflict as HouseholdConflict {
                return try await Page.render(
                    req, "household-conflict",
                    ConflictView(
                        id: id, number: h.number, mine: edit, theirs: conflict.current,
                        version: conflict.currentVersion, t: req.t),
                    status: .conflict)
            }
        }
    }

    struct ConflictRow: Encodable { let label: String; let mine: String; let theirs: String; let differs: Bool }
    struct ConflictView: Encodable {
        let householdHref: String; let editHref: String; let number: String; let rows: [ConflictRow]
        init(
            id: RowID<Household>, number: String, mine: HouseholdEdit, theirs: HouseholdEdit, version: Int,
            t: Translations
        ) {
            householdHref = SiteURL.household(id).path
            editHref = SiteURL.householdEdit(id).path
            self.number = number
            let a = mine.formFields, b = theirs.formFields
            func show(_ key: String, _ value: String, _ edit: HouseholdEdit) -> String {
                switch key {
                case "attribute": t.vocab(edit.attribute)
                case "main_cause": t.vocab(edit.mainCause)
                case _ where HouseholdEditController.flagFields.contains(key): value.isEmpty ? t["no"] : t["yes"]
                default: value
                }
            }
            var rows =
                (["attribute", "main_cause"] + HouseholdEditController.textFields + HouseholdEditController.flagFields
                + ["dangerous_grade"]).map { key in
                    ConflictRow(
                        label: t["f_\(key)"], mine: show(key, a[key] ?? "", mine),
                        theirs: show(key, b[key] ?? "", theirs),
                        differs: a[key] != b[key])
                }
            rows.append(
                ConflictRow(
                    label: t["f_other_causes"], mine: mine.otherCauses.map { t.vocab($0) }.joined(separator: "、"),
                    theirs: theirs.otherCauses.map { t.vocab($0) }.joined(separator: "、"),
                    differs: mine.otherCauses != theirs.otherCauses))
            self.rows = rows
        }
    }
}

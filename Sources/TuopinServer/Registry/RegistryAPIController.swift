import Fluent
import TuopinCore
import Vapor

/// The registry's write API under /api/v1. Every change names the household version it was
/// based on; a stale one gets 409 and changes nothing.
enum RegistryAPIController {
    /// Keys a client may never set directly: status and exit year move only through workflows;
    /// scope, ids and audit fields are the server's.
    static let forbiddenKeys: Set<String> = [
        "status", "exit_year", "id", "number", "village", "village_code", "township_code",
        "county_code", "prefecture_code", "member_count", "created_at", "updated_at",
    ]

    /// Every key the household PATCH takes, with the JSON type it must have (null clears a field);
    /// any other key or type is refused, so a misspelt or mistyped field is never silently ignored.
    enum PatchType { case text, flag, number, textList, integer }
    static let patchKeys: [String: PatchType] = [
        "version": .integer, "attribute": .text, "main_cause": .text, "other_causes": .textList, "address": .text,
        "phone": .text,
        "planned_exit_year": .number, "housing_area": .number, "dangerous_grade": .text, "housing_safe": .flag,
        "water_safe": .flag,
        "electricity": .flag, "road_distance_km": .number, "land_cultivated": .number, "land_irrigated": .number,
        "land_forest": .number, "land_grassland": .number, "relocated": .flag, "cooperative": .flag,
        "joint_unit": .text,
        "change_reason": .text,
    ]

    /// The JSON body as loose text fields (numbers and booleans as text), for the same parser the form uses.
    static func looseFields(_ req: Request) throws -> (
        fields: [String: String], lists: [String: [String]], version: Int?
    ) {
        guard req.headers.contentType?.subType == "json" else { throw AppError.unsupportedMediaType }
        guard let body = req.body.data, body.readableBytes <= Request.maxJSONBody else {
            throw req.body.data == nil ? AppError.badRequest : AppError.payloadTooLarge
        }
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(buffer: body)) else {
            throw AppError.badRequest
        }
        if let key = object.keys.sorted().first(where: forbiddenKeys.contains) {
            throw AppError.validation([.init(key, "field_not_settable")])
        }
        if let key = object.keys.sorted().first(where: { patchKeys[$0] == nil }) {
            throw AppError.invalidField(String(key.prefix(64)))
        }
        var fields: [String: String] = [:], lists: [String: [String]] = [:]
        var version: Int?
        for (key, value) in object {
            switch (patchKeys[key]!, value) {
            case (.text, .string), (.flag, .bool), (.number, .number), (.integer, .number), (.textList, .array),
                (.text, .null), (.number, .null):
                break
            default: throw AppError.invalidField(key)
            }
            switch value {
            case .number(let n) where key == "version":
                guard let v = Int(exactly: n) else { throw AppError.invalidField(key) }
                version = v
            case .string(let v): fields[key] = v
            case .bool(let v): fields[key] = v ? "1" : ""
            case .number(let n): fields[key] = n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
            case .null: fields[key] = ""
            case .array(let items):
                lists[key] = try items.map { item in
                    guard case .string(let s) = item else { throw AppError.invalidField(key) }
                    return s
                }
            case .object: throw AppError.invalidField(key)
            }
        }
        return (fields, lists, version)
    }

    @Sendable static func update(req: Request) async throws -> HouseholdController.Detail {
        let user = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        let (fields, lists, version) = try looseFields(req)
        guard let version else { throw AppError.missingField("version") }
        // Unsent fields keep their current values.
        let h = try await req.data.writableHousehold(id: id)
        let current = try HouseholdService.currentEdit(of: h, protector: req.tuopin.protector)
        let merged = current.formFields.merging(fields) { _, new in new }
        let others = lists["other_causes"] ?? current.otherCauses.map(\.rawValue)
        switch HouseholdEdit.parse(merged, otherCauses: others, currentYear: req.clock.today.year) {
        case .failure(let list): throw AppError.validation(list.problems)
        case .success(let edit):
            do {
                try await HouseholdService.update(
                    app: req.application, user: user, id: id, edit: edit, version: version)
            } catch is HouseholdConflict {
                throw AppError.conflict
            }
        }
        return try await HouseholdController.detail(req, id: id)
    }

    static func version(_ req: Request) throws -> Int {
        guard let v = try? req.content.get(Int.self, at: "version") else { throw AppError.missingField("version") }
        return v
    }

    /// The shape every sub-resource change shares: who, which household, which version; then the household as it is
    /// now.
    static func changeAndShow(
        _ req: Request, _ change: (CurrentUser, _ household: RowID<Household>, _ version: Int) async throws -> Void
    ) async throws -> HouseholdController.Detail {
        let user = try req.requireUser()
        let id: RowID<Household> = try req.intParameter("id")
        try await change(user, id, try version(req))
        return try await HouseholdController.detail(req, id: id)
    }

    static func yearParameter(_ req: Request) throws -> Int {
        guard let year = req.parameters.get("year").flatMap(Int.init) else { throw AppError.notFound }
        return year
    }

    @Sendable static func setIncome(req: Request) async throws -> HouseholdController.Detail {
        let input = try req.decodeJSON(RegistryService.IncomeInput.self)
        let year = try yearParameter(req)
        return try await changeAndShow(req) { user, id, version in
            try await RegistryService.setIncome(
                app: req.application, user: user, householdID: id, version: version, year: year, input: input)
        }
    }

    @Sendable static func setGuarantee(req: Request) async throws -> HouseholdController.Detail {
        guard let kind = req.parameters.get("kind").flatMap(GuaranteeKind.init(rawValue:)) else {
            throw AppError.notFound
        }
        let input = try req.decodeJSON(RegistryService.GuaranteeInput.self)
        return try await changeAndShow(req) { user, id, version in
            try await RegistryService.setGuarantee(
                app: req.application, user: user, householdID: id, version: version, kind: kind, input: input)
        }
    }

    @Sendable static func setPlan(req: Request) async throws -> HouseholdController.Detail {
        let input = try req.decodeJSON(RegistryService.PlanInput.self)
        let year = try yearParameter(req)
        return try await changeAndShow(req) { user, id, version in
            try await RegistryService.setPlan(
                app: req.application, user: user, householdID: id, version: version, year: year, input: input)
        }
    }

    @Sendable static func addMember(req: Request) async throws -> Response {
        let input = try req.decodeJSON(RegistryService.NewMemberInput.self)
        let detail = try await changeAndShow(req) { user, id, version in
            try await RegistryService.addMember(
                app: req.application, user: user, householdID: id, version: version, input: input)
        }
        return try await detail.encodeResponse(status: .created, for: req)
    }

    struct RemoveBody: Content { let version: Int; let reason: String }

    @Sendable static func removeMember(req: Request) async throws -> HouseholdController.Detail {
        let user = try req.requireUser()
        let memberID: RowID<Member> = try req.intParameter("id")
        let body = try req.decodeJSON(RemoveBody.self)
        guard let member = try await req.data.lookup(Member.self, memberID),
            try await req.data.households().filter(\.$id == member.$household.id).count() > 0
        else { throw AppError.notFound }
        try await RegistryService.removeMember(
            app: req.application, user: user, memberID: memberID, version: body.version, reason: body.reason)
        return try await HouseholdController.detail(req, id: member.$household.id)
    }

    @Sendable static func updateMember(req: Request) async throws -> HouseholdController.Detail {
        let user = try req.requireUser()
        let memberID: RowID<Member> = try req.intParameter("id")
        let input = try req.decodeJSON(RegistryService.MemberInput.self)
        // The member's household must be visible before anything else is said about it.
        guard let member = try await req.data.lookup(Member.self, memberID),
            try await req.data.households().filter(\.$id == member.$household.id).count() > 0
        else { throw AppError.notFound }
        try await RegistryService.updateMember(
            app: req.application, user: user, memberID: memberID, version: try version(req), input: input)
        return try await HouseholdController.detail(req, id: member.$household.id)
    }

    struct NewMember: Content {
        let name: String; let resident_id: String; let relation: String; let ethnicity: String; let education: String
        let schooling: String; let health: String; let disability_grade: Int?; let labour: String;
        let migrant_months: Int
    }
    struct NewHousehold: Content {
        let number: String; let village: String; let attribute: String; let main_cause: String;
        let other_causes: [String]?
        let identified_year: Int; let phone: String?; let members: [NewMember]
        /// A new family applying for identification: entered as 监测对象, to be identified by the workflow.
        let applicant: Bool?
    }
    struct Problems: Content { let error: TuopinErrorMiddleware.ErrorBody.Detail; let problems: [ImportProblem] }

    /// Registers a new household with its members. It enters as 未脱贫 (or, applying, as 监测对象); status then moves by
    /// workflow only.
    /// Validated exactly like an import of the same rows (the same error codes).
    @Sendable static func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard req.data.mayWriteRegistry else { throw AppError.forbidden }
        let body = try req.decodeJSON(NewHousehold.self)
        guard !body.members.isEmpty, body.members.count <= 30 else { throw AppError.invalidField("members") }
        guard try await req.data.rows(Household.self).filter(\.$number == body.number).count() == 0 else {
            throw AppError.conflict
        }
        let rows =
            [MembersTemplate.header]
            + body.members.map { m in
                [
                    body.number, body.village, RegistryExport.label(HouseholdAttribute.self, body.attribute),
                    RegistryExport.label(PovertyCause.self, body.main_cause),
                    (body.other_causes ?? []).map { RegistryExport.label(PovertyCause.self, $0) }.joined(
                        separator: ";"), String(body.identified_year),
                    (body.applicant == true ? HouseholdStatus.onApplication : HouseholdStatus.onRegistration).label, "",
                    body.phone ?? "", m.name, m.resident_id, RegistryExport.label(Relation.self, m.relation),
                    RegistryExport.label(Ethnicity.self, m.ethnicity),
                    RegistryExport.label(Education.self, m.education),
                    RegistryExport.label(Schooling.self, m.schooling),
                    Health(rawValue: m.health).map { MembersTemplate.healthLabel($0, grade: m.disability_grade) }
                        ?? m.health,
                    RegistryExport.label(LabourAbility.self, m.labour), String(m.migrant_months),
                ]
            }
        let report = try await RegistryImport.members(
            app: req.application, rows: rows, actor: .user(user), dryRun: false)
        guard report.isValid else {
            let response = Response(status: .unprocessableEntity)
            try response.content.encode(
                Problems(
                    error: .init(code: "validation", message: req.t["err_validation_rows"]), problems: report.problems))
            return response
        }
        let id = try await req.data.rows(Household.self).filter(\.$number == body.number).first()!.requireID()
        let response = try await HouseholdController.detail(req, id: id).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: SiteURL.apiHousehold(id).path)
        return response
    }
}

/// Any JSON value, decoded strictly (a number is never a boolean).
enum JSONValue: Decodable {
    case string(String), number(Double), bool(Bool), array([JSONValue]), object, null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else if (try? c.decode([String: JSONValue].self)) != nil {
            self = .object
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not JSON")
        }
    }
}

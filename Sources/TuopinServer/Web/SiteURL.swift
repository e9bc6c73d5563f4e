import Vapor

/// The one route table: paths are built here both to register routes and to make links.
/// A nil parameter stands for the route pattern (`:code`), a value for a concrete link.
enum SiteURL {
    case home, login, logout, healthz, metrics
    case language(String?)
    case unit(String?)
    case household(RowID<Household>?)
    case householdEdit(RowID<Household>?)
    case householdNew
    case householdPart(RowID<Household>?, String, String? = nil)
    case households
    case householdsExport(String?, String?)
    case imports
    /// A blank import template (header row only): `/imports/template/members|incomes`.
    case importTemplate(String?)
    case quality
    case standards
    case standard(Int?)
    case apiStandards
    case apiStandard(Int?)
    /// The monitoring standards (issue #26): page forms and API.
    case monitoringStandards, monitoringStandard(Int?), apiMonitoringStandards, apiMonitoringStandard(Int?)
    case qualityCheck
    case apiTokens, apiHouseholds, apiOpenAPI
    case apiHousehold(RowID<Household>?)
    case apiHouseholdPart(RowID<Household>?, String, String?)
    case apiMember(RowID<Member>?)
    /// A member's page forms: changes (no part), `removal`, `head`.
    case member(RowID<Member>?, String?)
    case cases, caseBatch, caseStart
    case caseDetail(RowID<WorkflowCase>?)
    case caseSteps(RowID<WorkflowCase>?)
    case objectionDecision(RowID<Objection>?)
    case gongshi, gongshiTrack
    case gongshiNotice(RowID<Notice>?)
    case gongshiObjections(RowID<Notice>?)
    case unitPopulation(String?)
    case unitPoor(String?)
    case apiCases, apiCaseBatches, apiNotices, apiSpotChecks
    case apiCase(RowID<WorkflowCase>?)
    case apiCaseSteps(RowID<WorkflowCase>?)
    case apiNotice(RowID<Notice>?)
    case apiNoticeObjections(RowID<Notice>?)
    case apiObjection(String?)
    case apiObjectionDecision(RowID<Objection>?)
    case apiUnitPopulation(String?)
    case apiUnitPoor(String?)
    case apiUnitQuota(String?, Int?)
    case apiSpotCheck(RowID<SpotCheckRecord>?)
    case apiSpotCheckCase(RowID<SpotCheckRecord>?, RowID<WorkflowCase>?)
    case apiCertifications
    case spotChecks
    case help
    /// The county map (`?measure=`, `?prefecture=`).
    case countyMap
    case sessions
    case password
    case unitCompliance(String?), apiUnitViolations(String?)
    /// The responsibility page of a unit and its forms (`responsibility`, `letters`, `reports`, …), and the same under
    /// the API.
    case unitPart(String?, String), apiUnitPart(String?, String)
    /// A letter's `sign`, `archive` and `file`.
    case letter(RowID<LetterRecord>?, String)
    /// Forms on a cadre, a party-member leader or an enterprise's help (`deactivate`, `project`, `contributions` …).
    case cadre(RowID<Cadre>?, String), leader(RowID<PartyLeader>?, String?), enterpriseAid(
        RowID<EnterpriseAid>?, String)
    case reportSchedule(Int?)
    case pairingQuota(String?)
    /// A local-practice number's form, and the API's list and one number (`LocalPractice.Key`).
    case localPractice(String?)
    case apiLocalPractices
    case apiLocalPractice(String?)
    case householdPairings(RowID<Household>?), pairingEnd(RowID<Pairing>?), apiHouseholdPairings(RowID<Household>?),
        apiPairingEnd(RowID<Pairing>?)
    case secondFactor, twoFactor, twoFactorBegin, twoFactorConfirm, twoFactorRecoveryCodes, twoFactorDisable
    case sessionEnd(RowID<UserSession>?)
    case spotCheckCase(RowID<SpotCheckRecord>?, RowID<WorkflowCase>?)
    case unitCertifications(String?)
    /// The project library, a project and its forms (`expenditures`, `progress`, `revision`), and the API's.
    case projects, projectNew, project(RowID<ProjectRecord>?, String?), apiProjects, apiProject(
        RowID<ProjectRecord>?, String?)
    /// Reversing a ledger entry; a household's loans and a loan's repayments.
    case fundEntryReverse(RowID<FundEntryRecord>?), apiFundEntryReversal(RowID<FundEntryRecord>?), apiHouseholdLoans(
        RowID<Household>?), apiLoanRepayments(RowID<LoanRecord>?)
    case householdLoans(RowID<Household>?), loanRepayments(RowID<LoanRecord>?)
    /// How far the user's long action started from a page is (`?progress=ID` on the action).
    case progress(String?)
    /// An inspection and its parts (`findings`, `notification`, `findings.csv`); a finding's steps
    /// (`rectification`, `verification`) and an evidence file of one of its events; the same under the API.
    case inspection(RowID<InspectionRecord>?, String?), finding(RowID<FindingRecord>?, String), findingEvidence(
        RowID<FindingRecord>?, RowID<FindingEvent>?), apiInspection(RowID<InspectionRecord>?, String?),
        apiFinding(RowID<FindingRecord>?, String)
    /// The audit-log search (`?user=&household=…`) and its export.
    case auditSearch, auditExport
    /// The assessment schemes, one scheme and its forms (`steps`, `revision`, `entered`, `results`), a unit's result;
    /// the same under the API.
    case assessments, assessment(RowID<SchemeRecord>?, String?), assessmentUnit(RowID<SchemeRecord>?, String?)
    case apiAssessments, apiAssessment(RowID<SchemeRecord>?, String?), apiAssessmentUnit(RowID<SchemeRecord>?, String?)
    /// A dispute's steps; the oversight bodies' cases and a case's `notes`.
    case disputeSteps(RowID<DisputeRecord>?), apiDisputeSteps(RowID<DisputeRecord>?)
    case oversightCases, oversightCase(RowID<OversightCase>?, String?), apiOversightCases, apiOversightCase(
        RowID<OversightCase>?, String?)

    var segments: [String] {
        switch self {
        case .home: []
        case .login: ["login"]
        case .logout: ["logout"]
        case .healthz: ["healthz"]
        case .metrics: ["metrics"]
        case .language(let code): ["lang", code ?? ":lang"]
        case .unit(let code): ["units", code ?? ":code"]
        case .household(let id): ["households", id.map(String.init) ?? ":id"]
        case .householdEdit(let id): ["households", id.map(String.init) ?? ":id", "edit"]
        case .households: ["households"]
        case .householdNew: ["households", "new"]
        case .householdPart(let id, let part, let key):
            ["households", id.map(String.init) ?? ":id", part] + (key.map { [$0] } ?? [])
        case .householdsExport(let kind, let format): ["households", "export", kind ?? ":kind", format ?? ":format"]
        case .imports: ["imports"]
        case .importTemplate(let kind): ["imports", "template", kind ?? ":kind"]
        case .quality: ["quality"]
        case .standards: ["standards"]
        case .standard(let year): ["standards", year.map(String.init) ?? ":year"]
        case .apiStandards: ["api", "v1", "standards"]
        case .apiStandard(let year): ["api", "v1", "standards", year.map(String.init) ?? ":year"]
        case .monitoringStandards: ["monitoring-standards"]
        case .monitoringStandard(let year): ["monitoring-standards", year.map(String.init) ?? ":year"]
        case .apiMonitoringStandards: ["api", "v1", "monitoring-standards"]
        case .apiMonitoringStandard(let year): ["api", "v1", "monitoring-standards", year.map(String.init) ?? ":year"]
        case .qualityCheck: ["quality", "check"]
        case .apiTokens: ["api", "v1", "tokens"]
        case .apiHouseholds: ["api", "v1", "households"]
        case .apiOpenAPI: ["api", "v1", "openapi.json"]
        case .apiHousehold(let id): ["api", "v1", "households", id.map(String.init) ?? ":id"]
        case .apiHouseholdPart(let id, let part, let key):
            ["api", "v1", "households", id.map(String.init) ?? ":id", part] + (key.map { [$0] } ?? [])
        case .apiMember(let id): ["api", "v1", "members", id.map(String.init) ?? ":id"]
        case .member(let id, let part): ["members", Self.id(id)] + (part.map { [$0] } ?? [])
        case .cases: ["cases"]
        case .caseBatch: ["cases", "batch"]
        case .caseStart: ["cases", "start"]
        case .caseDetail(let id): ["cases", Self.id(id)]
        case .caseSteps(let id): ["cases", Self.id(id), "steps"]
        case .objectionDecision(let id): ["objections", Self.id(id), "decision"]
        case .gongshi: ["gongshi"]
        case .gongshiTrack: ["gongshi", "track"]
        case .gongshiNotice(let id): ["gongshi", Self.id(id)]
        case .gongshiObjections(let id): ["gongshi", Self.id(id), "objections"]
        case .unitPopulation(let code): ["units", code ?? ":code", "rural-population"]
        case .unitPoor(let code): ["units", code ?? ":code", "poor"]
        case .apiCases: ["api", "v1", "cases"]
        case .apiCaseBatches: ["api", "v1", "case-batches"]
        case .apiNotices: ["api", "v1", "notices"]
        case .apiSpotChecks: ["api", "v1", "spot-checks"]
        case .apiCase(let id): ["api", "v1", "cases", Self.id(id)]
        case .apiCaseSteps(let id): ["api", "v1", "cases", Self.id(id), "steps"]
        case .apiNotice(let id): ["api", "v1", "notices", Self.id(id)]
        case .apiNoticeObjections(let id): ["api", "v1", "notices", Self.id(id), "objections"]
        case .apiObjection(let code): ["api", "v1", "objections", code ?? ":code"]
        case .apiObjectionDecision(let id): ["api", "v1", "objections", Self.id(id), "decision"]
        case .apiUnitPopulation(let code): ["api", "v1", "units", code ?? ":code", "rural-population"]
        case .apiUnitPoor(let code): ["api", "v1", "units", code ?? ":code", "poor"]
        case .apiUnitQuota(let code, let year):
            ["api", "v1", "units", code ?? ":code", "quotas", year.map(String.init) ?? ":year"]
        case .apiSpotCheck(let id): ["api", "v1", "spot-checks", Self.id(id)]
        case .apiCertifications: ["api", "v1", "certifications"]
        case .spotChecks: ["spot-checks"]
        case .help: ["help"]
        case .countyMap: ["map"]
        case .sessions: ["sessions"]
        case .password: ["password"]
        case .unitCompliance(let code): ["units", code ?? ":code", "compliance"]
        case .apiUnitViolations(let code): ["api", "v1", "units", code ?? ":code", "violations"]
        case .unitPart(let code, let part): ["units", code ?? ":code", part]
        case .apiUnitPart(let code, let part): ["api", "v1", "units", code ?? ":code", part]
        case .letter(let id, let part): ["letters", Self.id(id), part]
        case .cadre(let id, let part): ["cadres", Self.id(id), part]
        case .leader(let id, let part): ["leaders", Self.id(id), part ?? ":part"]
        case .enterpriseAid(let id, let part): ["enterprise-aid", Self.id(id), part]
        case .pairingQuota(let rank): ["pairing-quotas", rank ?? ":rank"]
        case .localPractice(let key): ["local-practices", key ?? ":key"]
        case .apiLocalPractices: ["api", "v1", "local-practices"]
        case .apiLocalPractice(let key): ["api", "v1", "local-practices", key ?? ":key"]
        case .reportSchedule(let level): ["report-schedules", level.map(String.init) ?? ":level"]
        case .householdPairings(let id): ["households", Self.id(id), "pairings"]
        case .pairingEnd(let id): ["pairings", Self.id(id), "end"]
        case .apiHouseholdPairings(let id): ["api", "v1", "households", Self.id(id), "pairings"]
        case .apiPairingEnd(let id): ["api", "v1", "pairings", Self.id(id), "end"]
        case .secondFactor: ["login", "second-factor"]
        case .twoFactor: ["two-factor"]
        case .twoFactorBegin: ["two-factor", "begin"]
        case .twoFactorConfirm: ["two-factor", "confirm"]
        case .twoFactorRecoveryCodes: ["two-factor", "recovery-codes"]
        case .twoFactorDisable: ["two-factor", "disable"]
        case .sessionEnd(let id): ["sessions", Self.id(id), "end"]
        case .spotCheckCase(let id, let c): ["spot-checks", Self.id(id), "cases", c.map(String.init) ?? ":case"]
        case .unitCertifications(let code): ["units", code ?? ":code", "certifications"]
        case .projects: ["projects"]
        case .projectNew: ["projects", "new"]
        case .project(let id, let part): ["projects", Self.id(id)] + (part.map { [$0] } ?? [])
        case .apiProjects: ["api", "v1", "projects"]
        case .apiProject(let id, let part): ["api", "v1", "projects", Self.id(id)] + (part.map { [$0] } ?? [])
        case .householdLoans(let id): ["households", Self.id(id), "loans"]
        case .loanRepayments(let id): ["loans", Self.id(id), "repayments"]
        case .progress(let id): ["progress", id ?? ":id"]
        case .fundEntryReverse(let id): ["fund-entries", Self.id(id), "reverse"]
        case .apiFundEntryReversal(let id): ["api", "v1", "fund-entries", Self.id(id), "reversal"]
        case .apiHouseholdLoans(let id): ["api", "v1", "households", Self.id(id), "loans"]
        case .apiLoanRepayments(let id): ["api", "v1", "loans", Self.id(id), "repayments"]
        case .inspection(let id, let part): ["inspections", Self.id(id)] + (part.map { [$0] } ?? [])
        case .finding(let id, let part): ["findings", Self.id(id), part]
        case .findingEvidence(let id, let event):
            ["findings", Self.id(id), "evidence", event.map(String.init) ?? ":event"]
        case .apiInspection(let id, let part): ["api", "v1", "inspections", Self.id(id)] + (part.map { [$0] } ?? [])
        case .apiFinding(let id, let part): ["api", "v1", "findings", Self.id(id), part]
        case .assessments: ["assessments"]
        case .assessment(let id, let part): ["assessments", Self.id(id)] + (part.map { [$0] } ?? [])
        case .assessmentUnit(let id, let code): ["assessments", Self.id(id), "units", code ?? ":code"]
        case .apiAssessments: ["api", "v1", "assessments"]
        case .apiAssessment(let id, let part): ["api", "v1", "assessments", Self.id(id)] + (part.map { [$0] } ?? [])
        case .apiAssessmentUnit(let id, let code): ["api", "v1", "assessments", Self.id(id), "units", code ?? ":code"]
        case .disputeSteps(let id): ["disputes", Self.id(id), "steps"]
        case .apiDisputeSteps(let id): ["api", "v1", "disputes", Self.id(id), "steps"]
        case .oversightCases: ["oversight-cases"]
        case .oversightCase(let id, let part): ["oversight-cases", Self.id(id)] + (part.map { [$0] } ?? [])
        case .apiOversightCases: ["api", "v1", "oversight-cases"]
        case .apiOversightCase(let id, let part):
            ["api", "v1", "oversight-cases", Self.id(id)] + (part.map { [$0] } ?? [])
        case .auditSearch: ["audit"]
        case .auditExport: ["audit", "export"]
        case .apiSpotCheckCase(let id, let c):
            ["api", "v1", "spot-checks", Self.id(id), "cases", c.map(String.init) ?? ":case"]
        }
    }

    /// `text` when it is a path of this site of a fixed shape — `/`, then letters, digits and
    /// `/_-.~`, optionally a query of those and `=&%+` — and nil otherwise: no second `/` at the
    /// start (another host), no backslash, space, tab or line break (header injection), and no
    /// `%` escape of a control character or of `/` and `\\` that a browser might decode.
    static func localTarget(_ text: String) -> String? {
        let path = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-.~".utf8)
        let query = path.union("=&%+".utf8)
        let bytes = Array(text.utf8)
        guard bytes.count <= 2_048, bytes.first == UInt8(ascii: "/"), !text.hasPrefix("//") else { return nil }
        let mark = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.count
        guard bytes[..<mark].allSatisfy(path.contains),
            bytes[mark...].dropFirst().allSatisfy(query.contains)
        else { return nil }
        // A query's escapes: two hex digits each, none below %20 or for %7F.
        var i = mark
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count,
                    let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16),
                    value >= 0x20, value != 0x7F
                else { return nil }
                i += 3
            } else {
                i += 1
            }
        }
        return text
    }

    private static func id<Row>(_ id: RowID<Row>?) -> String { id.map(String.init) ?? ":id" }

    var pathComponents: [PathComponent] { segments.map { PathComponent(stringLiteral: $0) } }
    var path: String { "/" + segments.joined(separator: "/") }
}

extension Request {
    /// A path parameter that must be a positive whole number; anything else is "not found".
    func intParameter(_ name: String) throws -> Int {
        guard let raw = parameters.get(name), let value = Int(raw), value > 0 else { throw AppError.notFound }
        return value
    }

    /// A path parameter naming a row of `Row`'s table by its id; anything but a positive whole number is
    /// "not found".
    func intParameter<Row>(_ name: String) throws -> RowID<Row> { RowID(try intParameter(name) as Int) }
}

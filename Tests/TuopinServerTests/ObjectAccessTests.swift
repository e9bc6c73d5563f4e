import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// Object-level access for every route (issue #9, item 4): the route table is enumerated; every
/// route that names an object in its path is called, with a valid body, by users of another
/// township, another county and another prefecture, and anonymously. Each must answer 401, 403 or
/// 404 and change nothing. A route added without an entry here makes the test fail.
@Suite struct ObjectAccessTests {
    /// Routes that are public or list only the caller's own scope, with why.
    static let exempt: [String: String] = [
        "GET /lang/:lang": "language switch, no object",
        "GET /gongshi/:id": "public portal",
        "POST /gongshi/:id/objections": "public portal: anyone may object",
        "GET /api/v1/notices/:id": "public portal",
        "POST /api/v1/notices/:id/objections": "public portal: anyone may object",
        "GET /api/v1/objections/:code": "public tracking by secret code",
        "GET /households/export/:kind/:format": "exports only the caller's own scope",
        "GET /assessments/:id": "a region-wide scheme: its results list only the units in the caller's scope",
        "GET /api/v1/assessments/:id": "a region-wide scheme: its results list only the units in the caller's scope",
        "GET /assessments/:id/results": "exports only the units in the caller's scope",
    ]

    /// An action of village1's in progress: nobody else may read how far it is.
    static let progressID = "0123456789abcdef0123456789abcdef"

    struct Fixture {
        let household: RowID<Household>, member: RowID<Member>, caseID: RowID<WorkflowCase>
        let objection: RowID<Objection>, spotCheck: RowID<SpotCheckRecord>, spotCase: RowID<WorkflowCase>
        var session: RowID<UserSession> = 0
        var pairing: RowID<Pairing> = 0
        var cadre: RowID<Cadre> = 0
        var letter: RowID<LetterRecord> = 0
        var leader: RowID<PartyLeader> = 0
        var aid: RowID<EnterpriseAid> = 0
        var project: RowID<ProjectRecord> = 0
        var fundEntry: RowID<FundEntryRecord> = 0
        var loan: RowID<LoanRecord> = 0
        var inspection: RowID<InspectionRecord> = 0, finding: RowID<FindingRecord> = 0, event: RowID<FindingEvent> = 0
        var scheme: RowID<SchemeRecord> = 0, dispute: RowID<DisputeRecord> = 0, oversightCase: RowID<OversightCase> = 0
        let village = "540102001201", county = "540102"
    }

    /// Valid bodies, so that only access can refuse. Keys are "METHOD pattern".
    static func body(_ key: String, _ f: Fixture) -> [String: Any]? {
        let income: [String: Any] = [
            "version": 1, "wage": "100", "business": "0", "property": "0", "transfer": "0", "costs": "0",
            "year": "2019",
        ]
        switch key {
        case "POST /households/:id/edit":
            return ["version": "1", "attribute": "general", "main_cause": "illness", "address": "一组"]
        case "POST /households/:id/incomes": return income
        case "POST /households/:id/guarantees/:kind": return ["version": "1", "met": "1", "note": ""]
        case "POST /standards/:year", "PUT /api/v1/standards/:year":
            return [
                "version": 1, "poverty_line": "4000", "dibao_line": "4000", "notice_min_days": "7",
                "village_incidence_pct": "3",
                "county_incidence_pct": "3", "wrong_exit_pct": "2", "missed_pct": "2", "recognition_pct": "90",
            ]
        case "POST /monitoring-standards/:year", "PUT /api/v1/monitoring-standards/:year":
            return [
                "version": 1, "income_line": "6000", "medical_threshold": "10000", "education_threshold": "10000",
                "loss_threshold": "10000",
            ]
        case "POST /cases/:id/steps", "POST /api/v1/cases/:id/steps":
            return ["action": "announce", "place": "村委会", "starts_on": "2030-01-01", "ends_on": "2030-01-10"]
        case "POST /objections/:id/decision": return ["decision": "reject", "reason": "不属实", "case_id": f.caseID]
        case "POST /api/v1/objections/:id/decision": return ["decision": "reject", "reason": "不属实"]
        case "POST /units/:code/rural-population", "PUT /api/v1/units/:code/rural-population":
            return ["rural_population": 500]
        case "POST /units/:code/poor", "PUT /api/v1/units/:code/poor":
            return ["is_poor": false]
        case "POST /units/:code/certifications":
            return ["township_code": "540102001", "period_from": "2020-01-01", "period_to": "2020-12-31"]
        case "POST /spot-checks/:id/cases/:case", "PUT /api/v1/spot-checks/:id/cases/:case":
            return ["result": "failed", "note": "不实"]
        case "PATCH /api/v1/households/:id": return ["version": 1, "address": "一组"]
        case "POST /households/:id/pairings", "POST /api/v1/households/:id/pairings":
            return ["cadre_id": f.cadre, "started_on": "2020-01-01"]
        case "POST /pairings/:id/end", "POST /api/v1/pairings/:id/end":
            return ["ended_on": "2020-12-31", "end_reason": "测试"]
        case "PUT /api/v1/households/:id/incomes/:year": return income
        case "PUT /api/v1/households/:id/guarantees/:kind": return ["version": 1, "met": true]
        case "PUT /api/v1/households/:id/plans/:year": return ["version": 1, "goal": "增收", "measures": []]
        case "POST /members/:id": return ["version": "1", "education": "primary"]
        case "POST /members/:id/removal": return ["version": "1", "reason": "迁出"]
        case "POST /members/:id/head": return ["version": "1", "former_head_relation": "spouse"]
        case "POST /households/:id/plans": return ["version": "1", "year": "2026", "goal": "增收"]
        case "POST /households/:id/members":
            return [
                "version": "1", "name": "新成员", "resident_id": ImportExportTests().idWithCheck("54010220100101772"),
                "relation": "son", "ethnicity": "tibetan", "education": "preschool", "schooling": "notInSchool",
                "health": "healthy", "labour": "none", "migrant_months": "0",
            ]
        case "PATCH /api/v1/members/:id": return ["version": 1, "education": "primary"]
        case "DELETE /api/v1/members/:id": return ["version": 1, "reason": "迁出"]
        case "POST /api/v1/households/:id/members":
            return [
                "version": 1, "name": "新成员", "resident_id": ImportExportTests().idWithCheck("54010220100101771"),
                "relation": "son",
                "ethnicity": "tibetan", "education": "preschool", "schooling": "notInSchool", "health": "healthy",
                "labour": "none",
                "migrant_months": 0,
            ]
        case "PUT /api/v1/units/:code/quotas/:year": return ["quota": 99]
        case "POST /units/:code/letters", "POST /api/v1/units/:code/letters":
            return [
                "year": 2026, "target_households": 10, "target_people": 40, "signatory": "甲",
                "counterpart_signatory": "乙", "drafted_on": "2026-01-05",
            ]
        case "POST /letters/:id/sign": return ["signed_on": "2026-01-20"]
        case "POST /units/:code/reports", "POST /api/v1/units/:code/reports":
            return ["period": "2026-Q3", "narrative": "进展"]
        case "POST /units/:code/plans", "POST /api/v1/units/:code/plans":
            return ["kind": "annual", "title": "计划", "period_from": 2026, "approved_on": "2026-02-01"]
        case "POST /units/:code/principals", "POST /api/v1/units/:code/principals":
            return ["role": "head", "cadre_id": f.cadre, "changed_on": "2026-01-01"]
        case "POST /units/:code/cadres": return ["name": "某", "rank": "section", "position": "povertyStaff"]
        case "POST /units/:code/exemptions": return ["role": "head", "document_no": "1号", "granted_on": "2026-01-01"]
        case "POST /report-schedules/:level": return ["frequency": "annual", "due_days": 30]
        case "POST /pairing-quotas/:rank": return ["households": 2]
        case "POST /local-practices/:key": return ["disclosure_days": "20"]
        case "PUT /api/v1/local-practices/:key": return ["value": "20"]
        case "POST /units/:code/pairing-proposals": return ["pair[]": "\(f.household):\(f.cadre)"]
        case "POST /units/:code/organisations": return ["name": "某公司", "type": "enterprise"]
        case "POST /units/:code/leaders": return ["name": "某"]
        case "POST /leaders/:id/:part": return ["name": "项目", "started_on": "2025-01-01"]
        case "POST /units/:code/joint-units": return ["name": "联户", "head_number": "x"]
        case "POST /units/:code/enterprise-aid": return ["organisation_id": 1, "started_on": "2025-01-01"]
        case "POST /units/:code/receipts", "POST /api/v1/units/:code/receipts":
            return [
                "source": "county", "year": 2026, "amount": "100", "entry_date": "2026-06-01", "counterpart": "县财政",
            ]
        case "POST /units/:code/allocations", "POST /api/v1/units/:code/allocations":
            return [
                "source": "central", "year": 2026, "amount": "1", "entry_date": "2026-06-01", "project_id": f.project,
            ]
        case "POST /units/:code/disclosures", "POST /api/v1/units/:code/disclosures":
            return ["entry_ids": [f.fundEntry], "place": "公示栏", "starts_on": "2030-01-01", "ends_on": "2030-01-20"]
        case "POST /fund-entries/:id/reverse", "POST /api/v1/fund-entries/:id/reversal": return ["reason": "错误"]
        case "POST /projects/:id/expenditures", "POST /api/v1/projects/:id/expenditures":
            return ["source": "partnerAid", "year": 2025, "amount": "1", "entry_date": "2026-01-05", "voucher": "记-1"]
        case "POST /projects/:id/progress": return ["progress_pct": "50"]
        case "POST /projects/:id/revision": return ["decision": "drop", "reason": "调整"]
        case "POST /api/v1/households/:id/loans", "POST /households/:id/loans":
            return ["lender": "农行", "amount": "10000", "rate_pct": "4.35", "months": 12, "start_date": "2026-01-05"]
        case "POST /api/v1/loans/:id/repayments", "POST /loans/:id/repayments":
            return ["amount": "1", "paid_on": "2026-11-01"]
        case "POST /units/:code/inspections":
            return [
                "kind": "supervision", "title": "督查", "started_on": "2026-01-05", "team_name[]": "甲",
                "team_department[]": "finance", "targets[]": "540102001201",
            ]
        case "POST /api/v1/units/:code/inspections":
            return [
                "kind": "supervision", "title": "督查", "started_on": "2026-01-05",
                "team": [["name": "甲", "department": "finance"]], "targets": ["540102001201"],
            ]
        case "POST /inspections/:id/findings", "POST /api/v1/inspections/:id/findings":
            return [
                "unit_code": "540102001201", "responsible_person": "某", "category": "data", "description": "问题",
                "deadline": "2030-01-01",
            ]
        case "POST /findings/:id/steps": return ["action": "rectify", "note": "已整改"]
        case "POST /assessments/:id/steps", "POST /api/v1/assessments/:id/steps": return ["action": "publish"]
        case "POST /assessments/:id/revision": return ["good": "90"]
        case "POST /assessments/:id/entered", "PUT /api/v1/assessments/:id/entered-values":
            return ["unit_code": "540102", "indicator_id": 1, "value_pct": "90", "note": "督查"]
        case "POST /units/:code/surveys", "POST /api/v1/units/:code/surveys":
            return [
                "year": 2025, "evaluator": "评估机构", "surveyed_on": "2025-10-01", "sampled_exited": "50",
                "wrongly_exited": "0",
                "sampled_non_registered": "40", "missed": "1", "surveyed_households": "100", "approving": "95",
            ]
        case "POST /units/:code/disputes", "POST /api/v1/units/:code/disputes":
            return [
                "parties": "甲 乙", "kind": "land", "description": "草场", "received_on": "2026-01-05",
                "deadline": "2026-02-05",
            ]
        case "POST /disputes/:id/steps", "POST /api/v1/disputes/:id/steps": return ["action": "mediate", "note": "调解"]
        case "POST /units/:code/sanctions", "POST /api/v1/units/:code/sanctions":
            return [
                "measure": "interview", "subject_type": "cadre", "subject_name": "某", "reason": "问题",
                "decided_on": "2026-01-05", "document_no": "1号",
            ]
        case "POST /oversight-cases/:id/notes", "POST /api/v1/oversight-cases/:id/notes": return ["note": "调查"]
        case "POST /api/v1/findings/:id/rectification": return ["note": "已整改"]
        case "POST /api/v1/findings/:id/verification": return ["accepted": true, "note": "通过"]
        case "POST /enterprise-aid/:id/contributions":
            return ["contributed_on": "2025-06-01", "kind": "money", "amount": "100", "description": "资金"]
        default: return key.hasPrefix("GET ") ? nil : [:]
        }
    }

    /// The path with its parameters filled with the fixture's objects (all in village 540102001201).
    static func path(_ route: Route, _ f: Fixture) -> String {
        let parts = route.path.map(\.description)
        return "/"
            + parts.enumerated().map { i, part -> String in
                guard part.hasPrefix(":") else { return part }
                let owner = i > 0 ? parts[i - 1] : ""
                switch part {
                case ":id":
                    switch owner {
                    case "households": return String(f.household)
                    case "members": return String(f.member)
                    case "cases": return String(f.caseID)
                    case "objections": return String(f.objection)
                    case "spot-checks": return String(f.spotCheck)
                    case "sessions": return String(f.session)
                    case "pairings": return String(f.pairing)
                    case "letters": return String(f.letter)
                    case "leaders": return String(f.leader)
                    case "enterprise-aid": return String(f.aid)
                    case "cadres": return String(f.cadre)
                    case "projects": return String(f.project)
                    case "fund-entries": return String(f.fundEntry)
                    case "loans": return String(f.loan)
                    case "progress": return Self.progressID
                    case "inspections": return String(f.inspection)
                    case "findings": return String(f.finding)
                    case "assessments": return String(f.scheme)
                    case "disputes": return String(f.dispute)
                    case "oversight-cases": return String(f.oversightCase)
                    default: return "0"
                    }
                case ":case": return String(f.spotCase)
                case ":event": return String(f.event)
                case ":code":
                    // An assessment's units are prefectures and counties.
                    if parts.contains("assessments") { return f.county }
                    // A unit's responsibility records are kept by the unit (the village's township here); its page is
                    // the village's.
                    if ["letters", "reports", "plans", "principals", "cadres", "exemptions"].contains(parts.last ?? "")
                    {
                        return "540102001"
                    }
                    // Money is kept by the township (its villages' allocations and disclosures).
                    if ["receipts", "allocations", "disclosures"].contains(parts.last ?? "") { return "540102001" }
                    return parts.contains("quotas")
                        ? f.county : parts.contains("certifications") ? "540102001" : f.village
                case ":level": return "4"
                case ":part": return "project"
                case ":rank": return "section"
                case ":key": return "disclosure_days"
                case ":year": return "2020"
                case ":kind": return "food"
                default: return "x"
                }
            }.joined(separator: "/")
    }

    func snapshot(_ app: Application) async throws -> [Int] {
        let sql = app.db.sqlDatabase
        struct N: Decodable { let n: Int? }
        // Every audit entry but reads: the owner's control reads are audited as they should be.
        var out: [Int] = []
        for q in [
            "SELECT COUNT(*) AS n FROM audit_log WHERE action NOT IN ('household.read', 'letter.read', "
                + "'export.fund_flow', 'export.project_progress', 'export.findings', 'evidence.read')",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM households",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM cases",
            "SELECT COUNT(*) AS n FROM objections WHERE status = 'open'",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM org_units",
            "SELECT COUNT(*) AS n FROM spot_check_items WHERE result IS NULL",
            "SELECT COUNT(*) AS n FROM certifications",
            "SELECT COUNT(*) AS n FROM identification_quotas",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM responsibility_letters",
            "SELECT COUNT(*) AS n FROM progress_reports", "SELECT COUNT(*) AS n FROM unit_plans",
            "SELECT COUNT(*) AS n FROM cadres",
            "SELECT COUNT(*) AS n FROM principal_changes", "SELECT COUNT(*) AS n FROM leadership_exemptions",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM report_schedules", "SELECT COUNT(*) AS n FROM organisations",
            "SELECT COUNT(*) AS n FROM party_leaders WHERE active = TRUE", "SELECT COUNT(*) AS n FROM leader_projects",
            "SELECT COUNT(*) AS n FROM joint_units",
            "SELECT COUNT(*) AS n FROM enterprise_aid", "SELECT CAST(SUM(version) AS BIGINT) AS n FROM pairing_quotas",
            "SELECT COUNT(*) AS n FROM local_practices",
            "SELECT COUNT(*) AS n FROM aid_contributions", "SELECT COUNT(*) AS n FROM cadres WHERE active = TRUE",
            "SELECT COUNT(*) AS n FROM pairings WHERE ended_on IS NULL", "SELECT COUNT(*) AS n FROM pairings",
            "SELECT COUNT(*) AS n FROM user_sessions WHERE ended_at IS NOT NULL", "SELECT COUNT(*) AS n FROM members",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM standards",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM monitoring_standards",
            "SELECT COUNT(*) AS n FROM fund_entries",
            "SELECT COUNT(*) AS n FROM fund_entries WHERE notice_id IS NOT NULL",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM projects", "SELECT COUNT(*) AS n FROM inspections",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM findings", "SELECT COUNT(*) AS n FROM finding_events",
            "SELECT COUNT(*) AS n FROM surveys", "SELECT CAST(SUM(version) AS BIGINT) AS n FROM assessment_schemes",
            "SELECT COUNT(*) AS n FROM assessment_values WHERE value IS NOT NULL", "SELECT COUNT(*) AS n FROM disputes",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM disputes", "SELECT COUNT(*) AS n FROM sanctions",
            "SELECT CAST(SUM(version) AS BIGINT) AS n FROM oversight_cases",
            "SELECT COUNT(*) AS n FROM oversight_case_notes", "SELECT CAST(SUM(repaid) AS BIGINT) AS n FROM loans",
            "SELECT COUNT(*) AS n FROM loans",
        ] {
            out.append(try await sql.raw(SQLQueryString(q)).first(decoding: N.self)?.n ?? 0)
        }
        return out
    }

    /// Extra users: a clerk of another township in the same county, another county's office, another prefecture's
    /// office.
    func addOutsiders(_ app: Application) async throws {
        let hash = try await AuthService.hash(demoPassword, cost: 4, app: app)
        for (name, role, unit) in [
            ("otherTownship", Role.clerk, "540102002"), ("otherCounty", .countyOffice, "540103"),
            ("otherPrefecture", .prefectureOffice, "5402"),
        ] {
            let user = User(username: name, displayName: name, passwordHash: hash)
            try await user.create(on: app.db)
            try await RoleBindingRecord(userID: user.requireID(), role: role, unitCode: unit).create(on: app.db)
        }
    }

    /// The objects of village 540102001201 (the demo's showcase village) every object route is called
    /// with, some made here (an inspection with a rectified finding, a pairing, an oversight case).
    static func fixture(_ app: Application) async throws -> Fixture {
        // Objects of village 540102001201 (the demo's showcase village).
        let c = try await WorkflowCase.query(on: app.db).filter(\.$villageCode == "540102001201").filter(
            \.$noticeID != nil
        )
        .filter(\.$workflow == Workflows.householdExit.id).sort(\.$id).first()!
        let objection = try await Objection.query(on: app.db).filter(\.$status == .open).sort(\.$id).first()!
        let item = try await SpotCheckItem.query(on: app.db).sort(\.$id).first()!
        let member = try await Member.query(on: app.db).filter(\.$household.$id == c.householdID!).sort(\.$id).first()!
        var f = Fixture(
            household: c.householdID!, member: member.id!, caseID: c.id!, objection: objection.id!,
            spotCheck: item.checkID, spotCase: item.caseID)
        f.cadre = try await Cadre.query(on: app.db).filter(\.$unitCode == "540102").sort(\.$id).first()!.id!
        let pairing = Pairing()
        pairing.cadreID = f.cadre; pairing.householdID = f.household; pairing.startedOn = CivilDate(iso: "2019-01-01")!
        try await pairing.save(on: app.db)
        f.pairing = pairing.id!
        f.letter = try await LetterRecord.query(on: app.db).filter(\.$unitCode == "540102001").sort(\.$id).first()!.id!
        f.cadre = try await Cadre.query(on: app.db).filter(\.$unitCode == "540102001").sort(\.$id).first()!.id!
        f.leader = try await PartyLeader.query(on: app.db).filter(\.$villageCode == f.village).sort(\.$id).first()!.id!
        f.aid = try await EnterpriseAid.query(on: app.db).filter(\.$villageCode == f.village).sort(\.$id).first()!.id!
        // Money of the showcase village's township: a project sited in the village, an allocation to the village, a
        // loan there.
        f.project = try await ProjectRecord.query(on: app.db).filter(\.$siteCode == f.village).sort(\.$id).first()!.id!
        f.fundEntry = try await FundEntryRecord.query(on: app.db).filter(\.$fromUnit == "540102001").filter(
            \.$toUnit == f.village
        ).sort(\.$id).first()!.id!
        f.loan = try await LoanRecord.query(on: app.db).filter(\.$townshipCode == "540102001").sort(\.$id).first()!.id!
        // An inspection by the county of the village's township, with a finding against the village rectified with
        // evidence.
        let county = try await ImportExportTests().currentUser(app, "chengguan"),
            clerk = try await ImportExportTests().currentUser(app, "clerk1")
        f.inspection = try await InspectionService.create(
            app: app, user: county, unit: f.county,
            input: .init(
                kind: "supervision", title: "夹具督查", started_on: app.clock.today.description, ended_on: nil,
                team: [.init(name: "甲", department: "finance")], targets: ["540102001"]))
        f.finding = try await InspectionService.addFinding(
            app: app, user: county, inspectionID: f.inspection,
            input: .init(
                unit_code: f.village, responsible_person: "某", category: "data", description: "夹具问题",
                deadline: "2030-01-01"))
        _ = try await InspectionService.step(
            app: app, user: clerk, findingID: f.finding, action: .rectify, note: "已整改",
            evidence: .init(data: Data("%PDF-1.4 fixture".utf8), filename: "e.pdf"))
        f.event = try await FindingEvent.query(on: app.db).filter(\.$findingID == f.finding).sort(\.$id).first()!.id!
        // The demo's assessment of last year, a dispute of the village's township, a case of the region's discipline
        // body on the village.
        f.scheme = try await SchemeRecord.query(on: app.db).sort(\.$id).first()!.id!
        f.dispute = try await DisputeRecord.query(on: app.db).filter(\.$townshipCode == "540102001").sort(\.$id)
            .first()!.id!
        f.oversightCase = try await RegisterService.openCase(
            app: app, user: try await ImportExportTests().currentUser(app, "discipline"),
            input: .init(unit_code: f.village, person: "某", title: "夹具案件", note: "线索"))
        return f
    }

    @Test func everyObjectRouteRefusesOtherUnitsAndAnonymousAndChangesNothing() async throws {
        try await withTestApp(households: 600, cases: true, assessment: true) { app in
            try await addOutsiders(app)
            var f = try await Self.fixture(app)
            var tokens: [String: String] = [:]
            var sessions: [String: HTTPHeaders] = [:]
            for user in ["otherTownship", "otherCounty", "otherPrefecture", "village1", "chengguan", "discipline"] {
                tokens[user] = try await app.token(user)
                let (headers, csrf) = try await app.session(user)
                var h = headers; h.add(name: "X-CSRF-Token", value: csrf)
                sessions[user] = h
            }
            // A session of village1's: nobody else may end it.
            let village1 = try await User.query(on: app.db).filter(\.$username == "village1").first()!
            f.session = try await UserSession.query(on: app.db).filter(\.$userID == village1.id!).sort(
                \.$id, .descending
            ).first()!.id!
            app.progressBoard.start(Self.progressID, owner: village1.id!)(3, 10)
            let before = try await snapshot(app)
            var covered = 0
            for route in app.routes.all {
                let pattern = "/" + route.path.map(\.description).joined(separator: "/")
                let key = "\(route.method.rawValue) \(pattern)"
                guard route.path.contains(where: { $0.description.hasPrefix(":") }), Self.exempt[key] == nil else {
                    continue
                }
                let path = Self.path(route, f)
                let isAPI = pattern.hasPrefix("/api/")
                let body = Self.body(key, f)
                #expect(body != nil || route.method == .GET, "\(key): no body in ObjectAccessTests.body — add one")
                for user in ["otherTownship", "otherCounty", "otherPrefecture", "anonymous"] {
                    var headers = HTTPHeaders()
                    if user != "anonymous" {
                        if isAPI {
                            headers.bearerAuthorization = .init(token: tokens[user]!)
                        } else {
                            headers = sessions[user]!
                        }
                    }
                    var buffer: ByteBuffer?
                    if let body, route.method != .GET {
                        if isAPI {
                            headers.contentType = .json
                            buffer = ByteBuffer(data: try jsonBody(body))
                        } else {
                            headers.contentType = .urlEncodedForm
                            buffer = ByteBuffer(
                                string: body.map {
                                    let value = "\($0.value)"
                                    let escaped = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                                    return "\($0.key)=\(escaped)"
                                }
                                .joined(separator: "&"))
                        }
                    }
                    try await app.testing().test(route.method, path, headers: headers, body: buffer) { res in
                        #expect(
                            [.unauthorized, .forbidden, .notFound].contains(res.status) || res.sendsToLogin,
                            "\(key) as \(user) → \(res.status): \(res.body.string.prefix(200))")
                        // A refusal never shows the object's data (the fixture's objects are all in this
                        // village); the page may echo the caller's own path (its language links do).
                        let shown = res.body.string.replacingOccurrences(of: path, with: "")
                        #expect(!shown.contains("540102001201"), "\(key) as \(user) leaked: \(shown.prefix(300))")
                    }
                }
                // Control: the path reaches a real object (the owner's read succeeds; a spot check is the county's).
                if route.method == .GET {
                    let owner =
                        pattern.contains("spot-checks") || pattern.contains("letters")
                            || pattern.contains("inspections") || pattern.contains("assessments")
                        ? "chengguan"
                        : pattern.contains("oversight-cases") ? "discipline" : "village1"
                    var headers = HTTPHeaders()
                    if isAPI {
                        headers.bearerAuthorization = .init(token: tokens[owner]!)
                    } else {
                        headers = sessions[owner]!
                    }
                    try await app.testing().test(.GET, path, headers: headers) { res in
                        #expect(
                            res.status == .ok || res.status == .forbidden, "\(key) control as \(owner) → \(res.status)")
                    }
                }
                covered += 1
            }
            // Every route with an object in its path was swept, but the exempt ones, and every
            // exemption names a real route: a route cannot slip out of the sweep unnoticed.
            let objectRoutes = Set(
                app.routes.all.filter { $0.path.contains { "\($0)".hasPrefix(":") || "\($0)".hasPrefix("*") } }
                    .map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") })
            #expect(
                Set(Self.exempt.keys).subtracting(objectRoutes).isEmpty,
                "exemptions of no route: \(Set(Self.exempt.keys).subtracting(objectRoutes))")
            #expect(
                covered == objectRoutes.count - Self.exempt.count,
                "swept \(covered) of \(objectRoutes.count - Self.exempt.count) object routes")
            #expect(try await snapshot(app) == before, "a refused call changed something")
        }
    }
}

@Suite struct ResponseFieldTests {
    /// Responses carry only what the role may see (issue #9, item 4): every GET route of the route
    /// table, called by users who may read its object, never shows a member's full resident ID or a
    /// household's full phone number (but on the edit form of a role with `seeFullIdentity`), and
    /// shows members' health only to roles with `seeHealth`.
    @Test func responsesNeverCarryFullNumbersAndHealthOnlyWhereAllowed() async throws {
        try await withTestApp(households: 600, cases: true) { app in
            let village = "540102001201"
            let c = try await WorkflowCase.query(on: app.db).filter(\.$villageCode == village).filter(
                \.$noticeID != nil
            )
            .filter(\.$workflow == Workflows.householdExit.id).first()!
            let objection = try await Objection.query(on: app.db).filter(\.$status == .open).first()!
            let item = try await SpotCheckItem.query(on: app.db).first()!
            // A household of the village with a member whose health is not "healthy".
            let households = try await Household.query(on: app.db).filter(\.$villageCode == village).all()
            let members = try await Member.query(on: app.db).filter(\.$household.$id ~~ households.compactMap(\.id))
                .all()
            let ill = try #require(members.first { $0.health != Health.healthy.rawValue })
            let f = ObjectAccessTests.Fixture(
                household: ill.$household.id, member: ill.id!, caseID: c.id!, objection: objection.id!,
                spotCheck: item.checkID, spotCase: item.caseID)
            let protector = app.tuopin.protector
            let secrets =
                try members.map { try protector.decrypt($0.idCipher) }
                + households.compactMap { try $0.phoneCipher.map(protector.decrypt) }
            #expect(secrets.count > members.count)
            let scanner = SecretScanner(secrets)
            let healthWords = [Health.chronic, .seriousIllness, .disabled].map(\.label)

            for username in ["clerk1", "village1", "supervisor1", "chengguan", "auditor", "region"] {
                let user = try await User.query(on: app.db).filter(\.$username == username).with(\.$bindings).first()!
                let seesHealth = user.scope.has(.seeHealth), seesFull = user.scope.has(.seeFullIdentity)
                let token = try await app.token(username)
                let (session, _) = try await app.session(username)
                var sawHealth = false, pages = 0
                for route in app.routes.all where route.method == .GET {
                    let pattern = "/" + route.path.map(\.description).joined(separator: "/")
                    guard !pattern.hasPrefix("/lang/") else { continue }
                    let path = ObjectAccessTests.path(route, f)
                    var headers = session
                    if pattern.hasPrefix("/api/") {
                        headers = HTTPHeaders(); headers.bearerAuthorization = .init(token: token)
                    }
                    try await app.testing().test(.GET, path, headers: headers) { res in
                        guard res.status == .ok else { return }
                        pages += 1
                        let body = res.body.string
                        // Only the edit form of a role that may see full numbers fills them in (to change them).
                        if !(seesFull && pattern.hasSuffix("/edit")) {
                            let shown = scanner.found(in: body)
                            #expect(shown.isEmpty, "\(pattern) as \(username) shows a full number")
                        }
                        let shown = healthWords.contains { body.contains($0) }
                        if shown { sawHealth = true }
                        if !seesHealth { #expect(!shown, "\(pattern) as \(username) shows health") }
                    }
                }
                #expect(pages > 10, "\(username) reached only \(pages) pages")
                // Exports follow the same rules (a clerk's is the full template that can be imported again).
                let rows = try await RegistryExport.rows(
                    app: app, kind: .members, actor: .user(try CurrentUser(user, sessionKind: "test")),
                    unit: OrgCode(village), reason: "test"
                ).dropFirst().map { $0.joined(separator: ",") }
                #expect(rows.count == members.count, "\(username) exported \(rows.count) of \(members.count)")
                let exported = rows.joined(separator: "\n")
                #expect(scanner.contains(any: exported) == seesFull, "\(username): full numbers in the export")
                #expect(
                    healthWords.contains { exported.contains($0) } == seesHealth, "\(username): health in the export")
                // Control: the ill member's health does show to roles that may see it.
                if seesHealth && ["clerk1", "village1", "chengguan"].contains(username) {
                    #expect(sawHealth, "\(username) never saw health")
                }
            }
        }
    }
}

@Suite struct MethodTests {
    /// A path that exists with other methods answers 405 with `Allow`; an unknown path stays 404;
    /// a missing object on a real route stays 404.
    @Test func wrongMethodIs405() async throws {
        try await withTestApp(households: 0) { app in
            try await app.testing().test(.DELETE, "/api/v1/standards") { res in
                #expect(res.status == .methodNotAllowed && res.headers.first(name: .allow) == "GET")
                #expect(res.body.string.contains("method_not_allowed"))
            }
            try await app.testing().test(.PATCH, "/api/v1/cases/7") { res in
                #expect(res.status == .methodNotAllowed && res.headers.first(name: .allow) == "GET")
            }
            try await app.testing().test(.GET, "/api/v1/nothing-here") { res in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, "/api/v1/notices/999999") { res in #expect(res.status == .notFound) }
        }
    }
}

import Fluent
import Foundation
import TuopinCore
import Vapor

/// The 责任体系 page of a unit (principals and their history, cadres, letters, progress reports,
/// plans against actuals) and the same through the API, with the forms that keep them.
enum ResponsibilityController {
    struct PrincipalView: Content { let role: String; let role_label: String; let cadre_id: Int?; let name: String; let position: String }
    struct ChangeView: Content {
        let id: Int; let role: String; let role_label: String; let from_name: String; let to_name: String; let changed_on: String
        let locked_rule: String?; let exemption_document: String?
    }
    struct ExemptionView: Content { let id: Int; let role_label: String; let document_no: String; let granted_on: String; let used: Bool }
    struct CadreView: Content { let id: Int; let name: String; let rank: String; let rank_label: String; let position: String; let active: Bool; let principal: Bool
        let phone_masked: String?; let organisation: String? }
    struct LetterView: Content {
        let id: Int; let year: Int; let state: String; let state_label: String
        let target_households: Int; let target_people: Int; let target_villages: Int; let target_counties: Int; let target_funds: String
        let signatory: String; let counterpart_signatory: String; let drafted_on: String; let signed_on: String?
        let file_href: String?; let file_size: Int?
    }
    struct ReportView: Content {
        let period: String; let due_on: String; let standing: String; let standing_label: String
        let submitted_on: String?; let figures: ResponsibilityService.ReportFigures?; let narrative: String?
    }
    struct PlanView: Content {
        let id: Int; let kind: String; let kind_label: String; let title: String; let period_from: Int; let period_to: Int
        let target_households: Int; let target_people: Int; let target_villages: Int; let target_counties: Int; let target_funds: String
        let approved_on: String; let actuals: PlanActuals?
    }
    struct ScheduleView: Content { let level: Int; let level_label: String; let frequency: String; let frequency_label: String; let due_days: Int }
    struct OrganisationView: Content { let id: Int; let name: String; let type: String; let type_label: String; let sponsor: String?; let active: Bool }
    struct ProjectView: Content { let name: String; let started_on: String }
    struct LeaderView: Content {
        let id: Int; let name: String; let projects: [ProjectView]; let trainings: Int; let last_training: String?
        let linked_people: Int; let rising_people: Int
    }
    struct JointUnitView: Content { let id: Int; let name: String; let head: String; let members: [String] }
    struct ContributionView: Content { let contributed_on: String; let kind: String; let kind_label: String; let amount: String; let description: String }
    struct AidView: Content { let id: Int; let enterprise: String; let started_on: String; let contributions: [ContributionView]; let total: String }
    struct Overview: Content {
        let unit_code: String; let unit_name: String; let counterpart: String
        let locked_by: String?
        let principals: [PrincipalView]; let principal_history: [ChangeView]; let exemptions: [ExemptionView]
        let cadres: [CadreView]; let letters: [LetterView]; let reports: [ReportView]; let plans: [PlanView]
        let schedule: [ScheduleView]
        let organisations: [OrganisationView]
        /// A village's actors (empty elsewhere): its active party-member leaders, joint-household units and enterprises' help.
        let leaders: [LeaderView]; let joint_units: [JointUnitView]; let enterprise_aid: [AidView]
    }

    static func villageActors(on db: DataAccess, code: OrgCode, t: Translations) async throws -> ([LeaderView], [JointUnitView], [AidView]) {
        guard code.level == .village else { return ([], [], []) }
        let leaders = try await db.rows(PartyLeader.self).filter(\.$villageCode == code.value).filter(\.$active == true).sort(\.$id).all()
        let ids = leaders.compactMap(\.id)
        let projects = Dictionary(grouping: try await db.rows(LeaderProject.self).filter(\.$leaderID ~~ ids).sort(\.$id).all(), by: \.leaderID)
        let trainings = Dictionary(grouping: try await db.rows(LeaderTraining.self).filter(\.$leaderID ~~ ids).all(), by: \.leaderID)
        let links = Dictionary(grouping: try await db.rows(LeaderBeneficiary.self).filter(\.$leaderID ~~ ids).all(), by: \.leaderID)
        let rising = Dictionary(uniqueKeysWithValues: try await VillageActorsService.leaderFacts(on: db, root: code).map { ($0.id, $0.risingPeople) })
        let leaderViews = leaders.map { l in
            LeaderView(id: l.id!, name: l.name, projects: (projects[l.id!] ?? []).map { ProjectView(name: $0.name, started_on: $0.startedOn.description) },
                       trainings: trainings[l.id!]?.count ?? 0, last_training: trainings[l.id!]?.map(\.heldOn).max()?.description,
                       linked_people: links[l.id!]?.count ?? 0, rising_people: rising[l.id!] ?? 0)
        }
        let units = try await db.rows(JointUnit.self).filter(\.$villageCode == code.value).sort(\.$id).all()
        let members = try await db.rows(JointUnitMember.self).filter(\.$jointUnitID ~~ units.compactMap(\.id)).all()
        let numbers = Dictionary(uniqueKeysWithValues: try await db.rows(Household.self)
            .filter(\.$id ~~ Array(Set(members.map(\.householdID) + units.map(\.headHouseholdID)))).all().map { ($0.id!, $0.number) })
        let jointViews = units.map { u in
            JointUnitView(id: u.id!, name: u.name, head: numbers[u.headHouseholdID] ?? "",
                          members: members.filter { $0.jointUnitID == u.id }.compactMap { numbers[$0.householdID] }.sorted())
        }
        let aid = try await db.rows(EnterpriseAid.self).filter(\.$villageCode == code.value).sort(\.$id).all()
        let orgs = Dictionary(uniqueKeysWithValues: try await db.rows(Organisation.self).filter(\.$id ~~ aid.map(\.organisationID)).all().map { ($0.id!, $0.name) })
        let contributions = Dictionary(grouping: try await db.rows(AidContribution.self).filter(\.$aidID ~~ aid.compactMap(\.id)).sort(\.$contributedOn).all(), by: \.aidID)
        let aidViews = aid.map { a in
            let list = contributions[a.id!] ?? []
            return AidView(id: a.id!, enterprise: orgs[a.organisationID] ?? "", started_on: a.startedOn.description,
                           contributions: list.map { c in
                               ContributionView(contributed_on: c.contributedOn.description, kind: c.kind, kind_label: t["contribution_\(c.kind)"],
                                                amount: Money(fen: c.amount).description, description: c.description)
                           }, total: Money(fen: list.map(\.amount).reduce(0, +)).description)
        }
        return (leaderViews, jointViews, aidViews)
    }

    static func overview(_ req: Request, code text: String) async throws -> (Overview, OrgUnit) {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        let unit = try await req.data.unit(code)
        // The plans' actual exits come from the roll-ups.
        try await Rollups.ensureCurrent(req.application)
        let db = req.data, t = req.t
        let today = req.clock.today
        let cadres = try await db.rows(Cadre.self).filter(\.$unitCode == code.value).sort(\.$id).all()
        let changes = try await db.rows(PrincipalChange.self).filter(\.$unitCode == code.value).sort(\.$changedOn, .descending).sort(\.$id, .descending).all()
        let exemptions = try await db.rows(LeadershipExemption.self).filter(\.$unitCode == code.value).sort(\.$id).all()
        var names: [Int: Cadre] = Dictionary(uniqueKeysWithValues: cadres.map { ($0.id!, $0) })
        let others = Set(changes.flatMap { [$0.fromCadreID, $0.toCadreID].compactMap { $0 } } + [unit.secretaryID, unit.headID].compactMap { $0 })
            .subtracting(names.keys)
        for c in try await db.rows(Cadre.self).filter(\.$id ~~ Array(others)).all() { names[c.id!] = c }
        let principals = [(PrincipalRole.secretary, unit.secretaryID), (.head, unit.headID)].map { role, id in
            PrincipalView(role: role.rawValue, role_label: t[role.labelKey], cadre_id: id, name: id.flatMap { names[$0]?.name } ?? "",
                          position: id.flatMap { names[$0]?.position } ?? "")
        }
        let byExemption = Dictionary(uniqueKeysWithValues: exemptions.map { ($0.id!, $0) })
        let history = changes.map { c in
            ChangeView(id: c.id!, role: c.role.rawValue, role_label: t["principal_\(c.role)"], from_name: c.fromCadreID.flatMap { names[$0]?.name } ?? "",
                       to_name: names[c.toCadreID]?.name ?? "", changed_on: c.changedOn.description, locked_rule: c.lockedRule,
                       exemption_document: c.exemptionID.flatMap { byExemption[$0]?.documentNo })
        }
        let used = Set(changes.compactMap(\.exemptionID))
        let letters = try await db.rows(LetterRecord.self).filter(\.$unitCode == code.value).sort(\.$year, .descending).all().map { l in
            LetterView(id: l.id!, year: l.year, state: l.state.rawValue, state_label: t["letter_state_\(l.state)"],
                       target_households: l.targetHouseholds, target_people: l.targetPeople, target_villages: l.targetVillages,
                       target_counties: l.targetCounties, target_funds: Money(fen: l.targetFunds).description,
                       signatory: l.signatory, counterpart_signatory: l.counterpartSignatory, drafted_on: l.draftedOn.description, signed_on: l.signedOn?.description,
                       file_href: l.fileSHA256 == nil ? nil : SiteURL.letter(l.id!, "file").path, file_size: l.fileSize)
        }
        let schedule = try await ResponsibilityService.schedule(on: db)
        let reports = try await reports(on: db, code: code, schedule: schedule, today: today, t: t)
        let plans = try await plans(on: db, code: code, today: today, t: t)
        let counterpart: String
        if let parent = code.parent { counterpart = try await db.lookup(OrgUnit.self, parent.value)?.name ?? parent.value } else { counterpart = t["letter_centre"] }
        let lock = LeadershipLock.lockingRule(try await ResponsibilityService.lockFacts(on: db, unit: unit))?.rawValue
        let organisations = try await db.rows(Organisation.self).filter(\.$unitCode == code.value).sort(\.$id).all()
        let sponsors = Dictionary(uniqueKeysWithValues: try await db.rows(Organisation.self).filter(\.$id ~~ organisations.compactMap(\.sponsorID)).all()
            .map { ($0.id!, $0.name) })
        let (leaders, jointUnits, aid) = try await villageActors(on: db, code: code, t: t)
        return (Overview(unit_code: code.value, unit_name: unit.name, counterpart: counterpart, locked_by: lock,
                         principals: principals, principal_history: history,
                         exemptions: exemptions.map { e in
                             ExemptionView(id: e.id!, role_label: t["principal_\(e.role)"], document_no: e.documentNo, granted_on: e.grantedOn.description,
                                           used: used.contains(e.id!))
                         },
                         cadres: cadres.map { c in
                             CadreView(id: c.id!, name: c.name, rank: c.rank, rank_label: t["rank_\(c.rank)"], position: c.position, active: c.active,
                                       principal: c.id == unit.secretaryID || c.id == unit.headID, phone_masked: c.phoneMasked,
                                       organisation: c.organisationID.flatMap { id in organisations.first { $0.id == id }?.name })
                         },
                         letters: letters, reports: reports, plans: plans,
                         schedule: ReportSchedule.reportingLevels.compactMap { level in
                             schedule.byLevel[level].map { e in
                                 ScheduleView(level: level.rawValue, level_label: t["level_\(level.rawValue)"], frequency: e.frequency.rawValue,
                                              frequency_label: t[e.frequency.labelKey], due_days: e.dueDays)
                             }
                         },
                         organisations: organisations.map { o in
                             OrganisationView(id: o.id!, name: o.name, type: o.type, type_label: t["org_type_\(o.type)"],
                                              sponsor: o.sponsorID.flatMap { sponsors[$0] }, active: o.active)
                         },
                         leaders: leaders, joint_units: jointUnits, enterprise_aid: aid), unit)
    }

    /// The unit's reports of this year and last by the schedule, then older ones it submitted.
    static func reports(on db: DataAccess, code: OrgCode, schedule: ReportSchedule, today: CivilDate, t: Translations) async throws -> [ReportView] {
        let submitted = Dictionary(try await db.rows(ProgressReportRecord.self).filter(\.$unitCode == code.value).all().map { ($0.period, $0) }) { a, _ in a }
        let decoder = JSONDecoder()
        var reports = schedule.periods(level: code.level, from: today.year - 1, through: today).map { p in
            let r = submitted[p.label]
            let standing = ReportStanding.of(p, submittedOn: r?.submittedOn, today: today)
            return ReportView(period: p.label, due_on: p.due.description, standing: standing.rawValue, standing_label: t[standing.labelKey],
                              submitted_on: r?.submittedOn.description, figures: r.flatMap { try? decoder.decode(ResponsibilityService.ReportFigures.self, from: Data($0.figures.utf8)) },
                              narrative: r?.narrative)
        }
        // Reports of older periods (or of a schedule since changed) stay visible.
        let shown = Set(reports.map(\.period))
        for r in submitted.values.filter({ !shown.contains($0.period) }).sorted(by: { $0.period > $1.period }) {
            let standing = ReportStanding.of(due: r.dueOn, submittedOn: r.submittedOn, today: today)
            reports.append(ReportView(period: r.period, due_on: r.dueOn.description, standing: standing.rawValue, standing_label: t[standing.labelKey],
                                      submitted_on: r.submittedOn.description, figures: try? decoder.decode(ResponsibilityService.ReportFigures.self, from: Data(r.figures.utf8)),
                                      narrative: r.narrative))
        }
        return reports
    }

    /// The unit's plans, newest first, with what was achieved for annual plans that have begun.
    static func plans(on db: DataAccess, code: OrgCode, today: CivilDate, t: Translations) async throws -> [PlanView] {
        var plans: [PlanView] = []
        for p in try await db.rows(UnitPlanRecord.self).filter(\.$unitCode == code.value).sort(\.$periodFrom, .descending).sort(\.$kind).all() {
            let actuals = p.kind == .annual && p.periodFrom <= today.year
                ? try await ResponsibilityService.actuals(on: db, unit: code, year: p.periodFrom) : nil
            plans.append(PlanView(id: p.id!, kind: p.kind.rawValue, kind_label: t["plan_kind_\(p.kind)"], title: p.title, period_from: p.periodFrom,
                                  period_to: p.periodTo, target_households: p.targetHouseholds, target_people: p.targetPeople,
                                  target_villages: p.targetVillages, target_counties: p.targetCounties, target_funds: Money(fen: p.targetFunds).description,
                                  approved_on: p.approvedOn.description, actuals: actuals))
        }
        return plans
    }

    struct Option: Encodable { let value: String; let label: String }

    @Sendable static func page(req: Request) async throws -> Response {
        try await page(req, formError: nil)
    }

    static func page(_ req: Request, formError: String?) async throws -> Response {
        let user = try req.requireUser()
        let (overview, unit) = try await overview(req, code: req.parameters.get("code") ?? "")
        guard let code = OrgCode(unit.id!) else { throw AppError.corruptData }
        let t = req.t
        let today = req.clock.today
        struct View: Encodable {
            let o: Overview; let formError: String?; let mayKeep: Bool; let mayExempt: Bool; let maySetSchedule: Bool
            let signsLetters: Bool; let isRegion: Bool; let lockText: String?
            let ranks: [Option]; let roles: [Option]; let kinds: [Option]; let frequencies: [Option]
            let openPeriods: [String]; let today: String; let year: Int; let unitHref: String; let complianceHref: String
            let isVillage: Bool; let orgTypes: [Option]; let sponsors: [Option]; let enterprises: [Option]; let contributionKinds: [Option]
            /// The registry's figures now, which a report submitted now freezes.
            let currentFigures: ResponsibilityService.ReportFigures?
        }
        let mayKeep = user.scope.permits(.keepResponsibility, on: code)
        let openPeriods = overview.reports.filter { $0.submitted_on == nil }.map(\.period)
        let currentFigures = mayKeep && !openPeriods.isEmpty ? try await ResponsibilityService.figures(on: req.data, unit: code, year: today.year) : nil
        // The organisations in the village's reach that may send it a work team or help it (`VillageReach`).
        var sponsors: [Option] = [], enterprises: [Option] = []
        if code.level == .village, let county = code.ancestor(at: .county) {
            let candidates = try await req.data.rows(Organisation.self).filter(\.$active == true)
                .group(.or) { g in
                    g.filter(\.$unitCode ~~ county.lineage.map(\.value))
                    g.filter(\.$unitCode, .custom("LIKE"), county.value + "%")
                }.sort(\.$unitCode).sort(\.$name).all()
                .compactMap { o in OrganisationType(rawValue: o.type).flatMap { t in OrgCode(o.unitCode).map { (o, t, $0) } } }
            sponsors = candidates.filter { VillageReach.maySendWorkTeam(type: $0.1, unit: $0.2, to: code) }.map { Option(value: String($0.0.id!), label: $0.0.name) }
            enterprises = candidates.filter { VillageReach.mayHelp(type: $0.1, unit: $0.2, village: code) }.map { Option(value: String($0.0.id!), label: $0.0.name) }
        }
        return try await Page.render(req, "responsibility", View(
            o: overview, formError: formError,
            mayKeep: mayKeep,
            mayExempt: user.scope.permits(.grantLeadershipExemption, on: code) && (code.level == .county || code.level == .township),
            maySetSchedule: user.scope.has(.editStandards) && code.level == .region,
            signsLetters: ResponsibilityChain.letterRule(for: code.level) != nil, isRegion: code.level == .region,
            lockText: overview.locked_by.map { t["leadership_locked_\($0)"] },
            ranks: CadreRank.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
            roles: PrincipalRole.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
            kinds: PlanKind.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
            frequencies: ReportFrequency.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
            openPeriods: openPeriods,
            today: today.description, year: today.year, unitHref: SiteURL.unit(code.value).path,
            complianceHref: SiteURL.unitCompliance(code.value).path,
            isVillage: code.level == .village,
            orgTypes: OrganisationType.allCases.filter { !$0.isVillageOnly || code.level == .village }.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
            sponsors: sponsors, enterprises: enterprises,
            contributionKinds: ContributionKind.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
            currentFigures: currentFigures))
    }

    /// Runs a form's change and comes back to the page, or shows the page again with the reason.
    static func run(_ req: Request, code: String, _ change: () async throws -> Void) async throws -> Response {
        return try await FormFlow.submit(req) {
            try await change()
            return .redirect(SiteURL.unitPart(code, "responsibility").path)
        } orShow: { refusal in
            req.parameters.set("code", to: code)
            return try await page(req, formError: refusal.message)
        }
    }

    /// A form posted to one of a unit's collections (`/units/{code}/letters`, `/reports` …): decoded,
    /// handed to the service, and back to the page (or the page again with the reason).
    static func unitForm<Input: Content>(_ type: Input.Type, _ action: @escaping @Sendable (Application, CurrentUser, String, Input) async throws -> Int)
        -> @Sendable (Request) async throws -> Response {
        { req in
            let user = try req.requireUser(), code = req.parameters.get("code") ?? ""
            let input = try req.content.decode(type)
            return try await run(req, code: code) { _ = try await action(req.application, user, code, input) }
        }
    }

    static let letterForm = unitForm(ResponsibilityService.LetterInput.self, ResponsibilityService.saveLetter(app:user:unit:input:))
    static let reportForm = unitForm(ResponsibilityService.ReportInput.self, ResponsibilityService.submitReport(app:user:unit:input:))
    static let planForm = unitForm(ResponsibilityService.PlanInput.self, ResponsibilityService.savePlan(app:user:unit:input:))
    static let cadreForm = unitForm(ResponsibilityService.CadreInput.self, ResponsibilityService.addCadre(app:user:unit:input:))
    static let principalForm = unitForm(ResponsibilityService.PrincipalInput.self, ResponsibilityService.changePrincipal(app:user:unit:input:))
    static let exemptionForm = unitForm(ResponsibilityService.ExemptionInput.self, ResponsibilityService.grantExemption(app:user:unit:input:))
    static let organisationForm = unitForm(VillageActorsService.OrganisationInput.self, VillageActorsService.addOrganisation(app:user:unit:input:))
    static let leaderForm = unitForm(VillageActorsService.LeaderInput.self, VillageActorsService.addLeader(app:user:village:input:))
    static let jointUnitForm = unitForm(VillageActorsService.JointUnitInput.self, VillageActorsService.addJointUnit(app:user:village:input:))
    static let aidForm = unitForm(VillageActorsService.AidInput.self, VillageActorsService.addAid(app:user:village:input:))

    struct SignForm: Content { var signed_on: String?; var file: File? }

    @Sendable static func signForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id = try req.intParameter("id")
        guard let letter = try await req.data.lookup(LetterRecord.self, id) else { throw AppError.notFound }
        let form = try req.content.decode(SignForm.self)
        return try await run(req, code: letter.unitCode) {
            _ = try await ResponsibilityService.signLetter(app: req.application, user: user, letterID: id, signedOn: form.signed_on,
                                                           pdf: form.file.map { Data(buffer: $0.data) })
        }
    }

    @Sendable static func archiveForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id = try req.intParameter("id")
        guard let letter = try await req.data.lookup(LetterRecord.self, id) else { throw AppError.notFound }
        return try await run(req, code: letter.unitCode) { _ = try await ResponsibilityService.archiveLetter(app: req.application, user: user, letterID: id) }
    }

    /// The scanned letter, to whoever may see the unit (reading it is audited).
    @Sendable static func letterFile(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let letter = try await req.data.lookup(LetterRecord.self, try req.intParameter("id")), let code = OrgCode(letter.unitCode),
              let sha = letter.fileSHA256 else { throw AppError.notFound }
        _ = try await req.data.unit(code)
        let data = try Data(contentsOf: ResponsibilityService.letterFile(req.application, sha256: sha))
        try await ReadAudit.record(req, user: user, action: "letter.read", entity: "org_unit", entityID: code.value, detail: ["year": String(letter.year)])
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"letter-\(code.value)-\(letter.year).pdf\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    @Sendable static func scheduleForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try req.content.decode(ResponsibilityService.ScheduleInput.self)
        let region = user.scope.homeUnit?.ancestor(at: .region)?.value ?? "54"
        return try await run(req, code: region) {
            try await ResponsibilityService.setSchedule(app: req.application, user: user, level: try req.intParameter("level"), input: input)
        }
    }

    @Sendable static func deactivateCadreForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id = try req.intParameter("id")
        guard let cadre = try await req.data.lookup(Cadre.self, id) else { throw AppError.notFound }
        return try await run(req, code: cadre.unitCode) { _ = try await VillageActorsService.deactivateCadre(app: req.application, user: user, cadreID: id) }
    }

    @Sendable static func leaderPartForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id = try req.intParameter("id")
        guard let leader = try await req.data.lookup(PartyLeader.self, id) else { throw AppError.notFound }
        let input = try req.content.decode(VillageActorsService.LeaderPartInput.self)
        return try await run(req, code: leader.villageCode) {
            _ = try await VillageActorsService.changeLeader(app: req.application, user: user, leaderID: id, part: req.parameters.get("part") ?? "", input: input)
        }
    }

    @Sendable static func contributionForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id = try req.intParameter("id")
        guard let aid = try await req.data.lookup(EnterpriseAid.self, id) else { throw AppError.notFound }
        let input = try req.content.decode(VillageActorsService.ContributionInput.self)
        return try await run(req, code: aid.villageCode) { _ = try await VillageActorsService.addContribution(app: req.application, user: user, aidID: id, input: input) }
    }

    // MARK: API

    @Sendable static func apiOverview(req: Request) async throws -> Overview {
        _ = try req.requireUser()
        return try await overview(req, code: req.parameters.get("code") ?? "").0
    }

    struct Created: Content { let id: Int }

    static func created(_ req: Request, _ id: Int) async throws -> Response { try await Created(id: id).encodeResponse(status: .created, for: req) }

    @Sendable static func apiLetter(req: Request) async throws -> Response {
        let input = try req.decodeJSON(ResponsibilityService.LetterInput.self, keys: ["year", "target_households", "target_people", "target_villages", "target_counties", "target_funds", "signatory", "counterpart_signatory", "drafted_on"])
        return try await created(req, try await ResponsibilityService.saveLetter(app: req.application, user: try req.requireUser(),
                                                                               unit: req.parameters.get("code") ?? "", input: input))
    }

    @Sendable static func apiReport(req: Request) async throws -> Response {
        let input = try req.decodeJSON(ResponsibilityService.ReportInput.self, keys: ["period", "narrative"])
        return try await created(req, try await ResponsibilityService.submitReport(app: req.application, user: try req.requireUser(),
                                                                                 unit: req.parameters.get("code") ?? "", input: input))
    }

    @Sendable static func apiPlan(req: Request) async throws -> Response {
        let input = try req.decodeJSON(ResponsibilityService.PlanInput.self, keys: ["kind", "title", "period_from", "period_to", "target_households", "target_people", "target_villages", "target_counties", "target_funds", "approved_on"])
        return try await created(req, try await ResponsibilityService.savePlan(app: req.application, user: try req.requireUser(),
                                                                             unit: req.parameters.get("code") ?? "", input: input))
    }

    @Sendable static func apiPrincipal(req: Request) async throws -> Response {
        let input = try req.decodeJSON(ResponsibilityService.PrincipalInput.self, keys: ["role", "cadre_id", "changed_on"])
        return try await created(req, try await ResponsibilityService.changePrincipal(app: req.application, user: try req.requireUser(),
                                                                                    unit: req.parameters.get("code") ?? "", input: input))
    }
}

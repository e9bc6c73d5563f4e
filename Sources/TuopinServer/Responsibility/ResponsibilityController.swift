import Fluent
import Foundation
import TuopinCore
import Vapor

/// The 责任体系 page of a unit (principals and their history, cadres, letters, progress reports,
/// plans against actuals) and the same through the API, with the forms that keep them.
enum ResponsibilityController {
    struct PrincipalView: Content {
        let role: String; let role_label: String; let cadre_id: RowID<Cadre>?; let name: String; let position: String
    }
    struct ChangeView: Content {
        let id: RowID<PrincipalChange>; let role: String; let role_label: String; let from_name: String;
        let to_name: String;
        let changed_on: String
        let locked_rule: String?; let exemption_document: String?
    }
    struct ExemptionView: Content {
        let id: RowID<LeadershipExemption>; let role_label: String; let document_no: String; let granted_on: String;
        let used: Bool
    }
    struct CadreView: Content {
        let id: RowID<Cadre>; let name: String; let rank: String; let rank_label: String
        let stationed_role: String; let position: String; let position_label: String
        let active: Bool;
        let principal: Bool
        let phone_masked: String?; let organisation: String?
    }
    struct LetterView: Content {
        let id: RowID<LetterRecord>; let year: Int; let state: String; let state_label: String
        let target_households: Int; let target_people: Int; let target_villages: Int; let target_counties: Int;
        let target_funds: String
        let signatory: String; let counterpart_signatory: String; let drafted_on: String; let signed_on: String?
        let file_href: String?; let file_size: Int?
    }
    struct ReportView: Content {
        let period: String; let due_on: String; let standing: String; let standing_label: String
        let submitted_on: String?; let figures: ResponsibilityService.ReportFigures?; let narrative: String?
    }
    struct PlanView: Content {
        let id: RowID<UnitPlanRecord>; let kind: String; let kind_label: String; let title: String;
        let period_from: Int;
        let period_to: Int
        let target_households: Int; let target_people: Int; let target_villages: Int; let target_counties: Int;
        let target_funds: String
        let approved_on: String; let actuals: PlanActuals?
    }
    struct ScheduleView: Content {
        let level: Int; let level_label: String; let frequency: String; let frequency_label: String; let due_days: Int
    }
    struct OrganisationView: Content {
        let id: RowID<Organisation>; let name: String; let type: String; let type_label: String; let sponsor: String?;
        let active: Bool
    }
    struct ProjectView: Content { let name: String; let started_on: String }
    struct LeaderView: Content {
        let id: RowID<PartyLeader>; let name: String; let projects: [ProjectView]; let trainings: Int;
        let last_training: String?
        let linked_people: Int; let rising_people: Int
    }
    struct JointUnitView: Content {
        let id: RowID<JointUnit>; let name: String; let head: String; let members: [String]
    }
    struct ContributionView: Content {
        let contributed_on: String; let kind: String; let kind_label: String; let amount: String;
        let description: String
    }
    struct AidView: Content {
        let id: RowID<EnterpriseAid>; let enterprise: String; let started_on: String;
        let contributions: [ContributionView];
        let total: String
    }
    struct Overview: Content {
        let unit_code: String; let unit_name: String; let counterpart: String
        let locked_by: String?
        let principals: [PrincipalView]; let principal_history: [ChangeView]; let exemptions: [ExemptionView]
        let cadres: [CadreView]; let letters: [LetterView]; let reports: [ReportView]; let plans: [PlanView]
        let schedule: [ScheduleView]
        let organisations: [OrganisationView]
        /// A village's actors (empty elsewhere): its active party-member leaders, joint-household units and
        /// enterprises' help.
        let leaders: [LeaderView]; let joint_units: [JointUnitView]; let enterprise_aid: [AidView]
    }

    static func overview(_ req: Request, code text: String) async throws -> (Overview, OrgUnit) {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        let unit = try await req.data.unit(code)
        // The plans' actual exits come from the roll-ups.
        try await Rollups.ensureCurrent(req.application)
        let db = req.data, t = req.t
        let today = req.clock.today
        let cadres = try await db.rows(Cadre.self).filter(\.$unitCode == code.value).sort(\.$id).all()
        let (principals, history, exemptionViews) = try await principalSections(
            on: db, unit: unit, code: code, cadres: cadres, t: t)
        let letters = try await letterViews(on: db, code: code, t: t)
        let schedule = try await ResponsibilityService.schedule(on: db)
        let reports = try await reports(on: db, code: code, schedule: schedule, today: today, t: t)
        let plans = try await plans(on: db, code: code, today: today, t: t)
        let counterpart: String
        if let parent = code.parent {
            counterpart = try await db.lookup(OrgUnit.self, parent.value)?.name ?? parent.value
        } else {
            counterpart = t["letter_centre"]
        }
        let lock = LeadershipLock.lockingRule(try await ResponsibilityService.lockFacts(on: db, unit: unit))?.rawValue
        let organisations = try await db.rows(Organisation.self).filter(\.$unitCode == code.value).sort(\.$id).all()
        let sponsors = Dictionary(
            uniqueKeysWithValues: try await db.rows(Organisation.self).filter(
                \.$id ~~ organisations.compactMap(\.sponsorID)
            ).all()
                .map { ($0.id!, $0.name) })
        let (leaders, jointUnits, aid) = try await villageActors(on: db, code: code, t: t)
        return (
            Overview(
                unit_code: code.value, unit_name: unit.name, counterpart: counterpart, locked_by: lock,
                principals: principals, principal_history: history,
                exemptions: exemptionViews,
                cadres: cadres.map { c in
                    CadreView(
                        id: c.id!, name: c.name, rank: c.rank, rank_label: c.rankLabel(t),
                        stationed_role: c.stationedRole, position: c.position, position_label: c.positionLabel(t),
                        active: c.active,
                        principal: c.id == unit.secretaryID || c.id == unit.headID, phone_masked: c.phoneMasked,
                        organisation: c.organisationID.flatMap { id in organisations.first { $0.id == id }?.name })
                },
                letters: letters, reports: reports, plans: plans,
                schedule: ReportSchedule.reportingLevels.compactMap { level in
                    schedule.byLevel[level].map { e in
                        ScheduleView(
                            level: level.rawValue, level_label: t["level_\(level.rawValue)"],
                            frequency: e.frequency.rawValue,
                            frequency_label: t[e.frequency.labelKey], due_days: e.dueDays)
                    }
                },
                organisations: organisations.map { o in
                    OrganisationView(
                        id: o.id!, name: o.name, type: o.type, type_label: t["org_type_\(o.type)"],
                        sponsor: o.sponsorID.flatMap { sponsors[$0] }, active: o.active)
                },
                leaders: leaders, joint_units: jointUnits, enterprise_aid: aid), unit
        )
    }

    /// The unit's principals (secretary and head), their history and the exemptions used in it.
    static func principalSections(on db: DataAccess, unit: OrgUnit, code: OrgCode, cadres: [Cadre], t: Translations)
        async throws -> ([PrincipalView], [ChangeView], [ExemptionView])
    {
        let changes = try await db.rows(PrincipalChange.self).filter(\.$unitCode == code.value).sort(
            \.$changedOn, .descending
        ).sort(\.$id, .descending).all()
        let exemptions = try await db.rows(LeadershipExemption.self).filter(\.$unitCode == code.value).sort(\.$id).all()
        var names: [RowID<Cadre>: Cadre] = Dictionary(uniqueKeysWithValues: cadres.map { ($0.id!, $0) })
        let others = Set(
            changes.flatMap { [$0.fromCadreID, $0.toCadreID].compactMap { $0 } }
                + [unit.secretaryID, unit.headID].compactMap { $0 }
        )
        .subtracting(names.keys)
        for c in try await db.rows(Cadre.self).filter(\.$id ~~ Array(others)).all() { names[c.id!] = c }
        let principals = [(PrincipalRole.secretary, unit.secretaryID), (.head, unit.headID)].map { role, id in
            PrincipalView(
                role: role.rawValue, role_label: t[role.labelKey], cadre_id: id,
                name: id.flatMap { names[$0]?.name } ?? "",
                position: id.flatMap { names[$0]?.positionLabel(t) } ?? "")
        }
        let byExemption = Dictionary(uniqueKeysWithValues: exemptions.map { ($0.id!, $0) })
        let history = changes.map { c in
            ChangeView(
                id: c.id!, role: c.role.rawValue, role_label: t["principal_\(c.role)"],
                from_name: c.fromCadreID.flatMap { names[$0]?.name } ?? "",
                to_name: names[c.toCadreID]?.name ?? "", changed_on: c.changedOn.description, locked_rule: c.lockedRule,
                exemption_document: c.exemptionID.flatMap { byExemption[$0]?.documentNo })
        }
        let used = Set(changes.compactMap(\.exemptionID))
        let exemptionViews = exemptions.map { e in
            ExemptionView(
                id: e.id!, role_label: t["principal_\(e.role)"], document_no: e.documentNo,
                granted_on: e.grantedOn.description, used: used.contains(e.id!))
        }
        return (principals, history, exemptionViews)
    }

    /// The unit's responsibility letters, newest year first.
    static func letterViews(on db: DataAccess, code: OrgCode, t: Translations) async throws -> [LetterView] {
        try await db.rows(LetterRecord.self).filter(\.$unitCode == code.value).sort(\.$year, .descending)
            .all().map { l in
                LetterView(
                    id: l.id!, year: l.year, state: l.state.rawValue, state_label: t["letter_state_\(l.state)"],
                    target_households: l.targetHouseholds, target_people: l.targetPeople,
                    target_villages: l.targetVillages,
                    target_counties: l.targetCounties, target_funds: Money(fen: l.targetFunds).description,
                    signatory: l.signatory, counterpart_signatory: l.counterpartSignatory,
                    drafted_on: l.draftedOn.description, signed_on: l.signedOn?.description,
                    file_href: l.fileSHA256 == nil ? nil : SiteURL.letter(l.id!, "file").path, file_size: l.fileSize)
            }
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
            let positions: [Option]; let stationedRoles: [Option]
            let openPeriods: [String]; let today: String; let year: Int; let unitHref: String;
            let complianceHref: String
            let isVillage: Bool; let orgTypes: [Option]; let sponsors: [Option]; let enterprises: [Option];
            let contributionKinds: [Option]
            /// The registry's figures now, which a report submitted now freezes.
            let currentFigures: ResponsibilityService.ReportFigures?
        }
        let mayKeep = user.scope.permits(.keepResponsibility, on: code)
        let openPeriods = overview.reports.filter { $0.submitted_on == nil }.map(\.period)
        let currentFigures =
            mayKeep && !openPeriods.isEmpty
            ? try await ResponsibilityService.figures(on: req.data, unit: code, year: today.year) : nil
        // The organisations in the village's reach that may send it a work team or help it (`VillageReach`).
        var sponsors: [Option] = [], enterprises: [Option] = []
        if code.level == .village, let county = code.ancestor(at: .county) {
            let candidates = try await req.data.rows(Organisation.self).filter(\.$active == true)
                .group(.or) { g in
                    g.filter(\.$unitCode ~~ county.lineage.map(\.value))
                    g.filter(\.$unitCode, .custom("LIKE"), county.value + "%")
                }.sort(\.$unitCode).sort(\.$name).all()
                .compactMap { o in
                    OrganisationType(rawValue: o.type).flatMap { t in OrgCode(o.unitCode).map { (o, t, $0) } }
                }
            sponsors = candidates.filter { VillageReach.maySendWorkTeam(type: $0.1, unit: $0.2, to: code) }.map {
                Option(value: String($0.0.id!), label: $0.0.name)
            }
            enterprises = candidates.filter { VillageReach.mayHelp(type: $0.1, unit: $0.2, village: code) }.map {
                Option(value: String($0.0.id!), label: $0.0.name)
            }
        }
        return try await Page.render(
            req, "responsibility",
            View(
                o: overview, formError: formError,
                mayKeep: mayKeep,
                mayExempt: user.scope.permits(.grantLeadershipExemption, on: code)
                    && (code.level == .county || code.level == .township),
                maySetSchedule: user.scope.has(.editStandards) && code.level == .region,
                signsLetters: ResponsibilityChain.letterRule(for: code.level) != nil, isRegion: code.level == .region,
                lockText: overview.locked_by.map { t["leadership_locked_\($0)"] },
                ranks: CadreRank.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                roles: PrincipalRole.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                kinds: PlanKind.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                frequencies: ReportFrequency.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                positions: CadrePosition.offered(at: code.level).map {
                    Option(value: $0.rawValue, label: t[$0.labelKey])
                },
                stationedRoles: StationedRole.allCases.filter { $0.allowed(at: code.level) }.map {
                    Option(value: $0.rawValue, label: t[$0.labelKey])
                },
                openPeriods: openPeriods,
                today: today.description, year: today.year, unitHref: SiteURL.unit(code.value).path,
                complianceHref: SiteURL.unitCompliance(code.value).path,
                isVillage: code.level == .village,
                orgTypes: OrganisationType.allCases.filter { !$0.isVillageOnly || code.level == .village }.map {
                    Option(value: $0.rawValue, label: t[$0.labelKey])
                },
                sponsors: sponsors, enterprises: enterprises,
                contributionKinds: ContributionKind.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                currentFigures: currentFigures))
    }

    static let letterForm = unitForm(
        ResponsibilityService.LetterInput.self, ResponsibilityService.saveLetter(app:user:unit:input:))
    static let reportForm = unitForm(
        ResponsibilityService.ReportInput.self, ResponsibilityService.submitReport(app:user:unit:input:))
    static let planForm = unitForm(
        ResponsibilityService.PlanInput.self, ResponsibilityService.savePlan(app:user:unit:input:))
    static let cadreForm = unitForm(
        ResponsibilityService.CadreInput.self, ResponsibilityService.addCadre(app:user:unit:input:))
    static let principalForm = unitForm(
        ResponsibilityService.PrincipalInput.self, ResponsibilityService.changePrincipal(app:user:unit:input:))
    static let exemptionForm = unitForm(
        ResponsibilityService.ExemptionInput.self, ResponsibilityService.grantExemption(app:user:unit:input:))
    static let organisationForm = unitForm(
        VillageActorsService.OrganisationInput.self, VillageActorsService.addOrganisation(app:user:unit:input:))
    static let leaderForm = unitForm(
        VillageActorsService.LeaderInput.self, VillageActorsService.addLeader(app:user:village:input:))
    static let jointUnitForm = unitForm(
        VillageActorsService.JointUnitInput.self, VillageActorsService.addJointUnit(app:user:village:input:))
    static let aidForm = unitForm(
        VillageActorsService.AidInput.self, VillageActorsService.addAid(app:user:village:input:))

    // MARK: API

}

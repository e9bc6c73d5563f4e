import Fluent
import TuopinCore
import Vapor

/// The home page of a unit: its principals, its children with their counts, breadcrumbs up
/// the tree, and at village level its households.
enum UnitController {
    struct Crumb: Encodable { let name: String; let href: String }
    struct Row: Encodable {
        let code: String; let name: String; let href: String
        let households: Int; let people: Int; let poor: Int; let exited: Int
    }
    struct HouseholdRow: Encodable { let number: String; let status: String; let members: Int; let href: String }
    struct View: Encodable {
        let code: String; let name: String; let level: String
        let secretary: String?; let head: String?; let exitYear: Int?
        let crumbs: [Crumb]; let children: [Row]; let totals: Row?
        let households: [HouseholdRow]; let moreHouseholds: Bool
        let hasChildren: Bool; let hasHouseholds: Bool
        let ruralPopulation: Int?; let isVillage: Bool; let mayKeepPopulation: Bool
        /// 贫困村 / 贫困乡镇 / 贫困县 (item 7): the name of the registration, whether the unit holds it, and whether
        /// the reader may change it (the county, before the unit exits).
        let poorKind: String?; let isPoor: Bool; let mayRegisterPoor: Bool; let version: Int
    }
    /// A notice concerning a village, on its page (article 30: what the supervision committee watches).
    struct NoticeRow: Encodable {
        let id: Int; let kind: String; let title: String; let starts_on: String; let ends_on: String; let running: Bool
    }
    /// The unit page's view with what the workflows add: exit cases to start.
    struct PageView: Encodable {
        let u: View; let starts: [CaseController.StartOption]; let caseYear: Int
        /// This year has no standards yet: a case of this year would be refused (said beside the forms).
        let standardMissing: Bool
        let certifications: [CertificationService.View]; let isTownship: Bool; let mayCertify: Bool; let today: String
        /// A village's notices: its own and the fund disclosures that allocate to it (with the supervisor's form).
        let notices: [NoticeRow]; let mayObserve: Bool
        /// This year's annual plan against what the registry says was achieved (articles 7, 12, 17).
        let plan: PlanSummary?
        /// This year's money of the unit and the projects sited under it (article 21), for those who read the registry.
        let money: MoneySummary?
        /// The registry's figures and charts (from the roll-ups).
        let dashboard: Dashboard.View
        /// The county map, on the region's and a prefecture's pages.
        let map: CountyMap.View?
    }
    struct MoneySummary: Encodable {
        let year: Int; let received: String; let allocated: String; let spent: String; let balance: String
        let projects: Int; let approved: Int; let implementing: Int; let finished: Int
    }

    static func money(_ req: Request, code: OrgCode, year: Int) async throws -> MoneySummary? {
        guard req.data.mayReadRegistry else { return nil }
        let accounts = try await req.data.rows(FundAccountRecord.self).filter(
            \.$id.$holder == FundEntryRecord.holder(unit: code.value)
        )
        .filter(\.$id.$year == year).all().map(\.account)
        let total = accounts.reduce(FundAccount(), +)
        let projects = try await req.data.projectCountsByStatus(under: code)
        func count(_ keep: (ProjectStatus) -> Bool) -> Int { projects.filter { keep($0.key) }.values.reduce(0, +) }
        return MoneySummary(
            year: year, received: total.received.description, allocated: total.allocated.description,
            spent: total.spent.description,
            balance: total.balance.description, projects: projects.values.reduce(0, +),
            approved: count { $0 == .inLibrary }, implementing: count { $0 == .implementing },
            finished: count(\.isFinished))
    }
    struct PlanSummary: Encodable {
        let title: String; let year: Int; let targets: ResponsibilityTargets; let actuals: PlanActuals;
        let funds: String
    }

    static func query(_ data: DataAccess, code: OrgCode, t: Translations) async throws -> View {
        let unit = try await data.unit(code)
        let children = try await data.childCounts(of: code)
        let childUnits = try await data.children(of: code)
        let rows = childUnits.map { child in
            let c = children[child.id!] ?? .init()
            return Row(
                code: child.id!, name: child.name, href: SiteURL.unit(child.id!).path,
                households: c.households, people: c.people, poor: c.poorHouseholds, exited: c.exitedHouseholds)
        }
        let totals =
            rows.isEmpty
            ? nil
            : Row(
                code: "", name: t["total"], href: "",
                households: rows.map(\.households).reduce(0, +), people: rows.map(\.people).reduce(0, +),
                poor: rows.map(\.poor).reduce(0, +), exited: rows.map(\.exited).reduce(0, +))
        var principals: [RowID<Cadre>: String] = [:]
        let ids = [unit.secretaryID, unit.headID].compactMap { $0 }
        if !ids.isEmpty {
            for cadre in try await data.rows(Cadre.self).filter(\.$id ~~ ids).all() {
                principals[cadre.id!] = cadre.name
            }
        }
        var households: [HouseholdRow] = []
        var more = false
        if code.level == .village && data.mayReadRegistry {
            let page = try await data.households().filter(\.$villageCode == code.value).sort(\.$number).limit(201).all()
            more = page.count > 200
            households = page.prefix(200).map { h in
                HouseholdRow(
                    number: h.number, status: t[h.status.labelKey],
                    members: h.memberCount, href: SiteURL.household(h.id!).path)
            }
        }
        let crumbs = try await data.breadcrumbs(to: code).map { Crumb(name: $0.name, href: SiteURL.unit($0.id!).path) }
        return View(
            code: code.value, name: unit.name, level: t["level_\(code.level.rawValue)"],
            secretary: unit.secretaryID.flatMap { principals[$0] }, head: unit.headID.flatMap { principals[$0] },
            exitYear: unit.exitYear, crumbs: crumbs, children: rows, totals: totals,
            households: households, moreHouseholds: more,
            hasChildren: !rows.isEmpty, hasHouseholds: !households.isEmpty,
            ruralPopulation: unit.ruralPopulation, isVillage: code.level == .village,
            mayKeepPopulation: code.level == .village && data.scope.permits(.keepVillageFigures, on: code),
            poorKind: [.village, .township, .county].contains(code.level) ? t["poor_unit_\(code.level.rawValue)"] : nil,
            isPoor: unit.registeredPoor,
            mayRegisterPoor: PoorUnit.registrable(code.level) && unit.exitYear == nil
                && data.scope.permits(.keepVillageFigures, on: code), version: unit.version)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard let raw = req.parameters.get("code"), let code = OrgCode(raw) else { throw AppError.notFound }
        try await Rollups.ensureCurrent(req.application)
        let view = try await req.timed("unit") { try await query(req.data, code: code, t: req.t) }
        let starts = view.exitYear == nil ? CaseController.startOptions(req, status: nil, unit: code.value) : []
        let year = req.clock.today.year
        let standardMissing = try await StandardsController.lookup(on: req.data)[year] == nil
        let isTownship = code.level == .township
        let today = req.clock.today
        var plan: PlanSummary?
        if let p = try await req.data.rows(UnitPlanRecord.self).filter(\.$unitCode == code.value).filter(
            \.$kind == .annual
        )
        .filter(\.$periodFrom == today.year).first() {
            plan = PlanSummary(
                title: p.title, year: today.year, targets: p.targets,
                actuals: try await req.timed("plan") {
                    try await ResponsibilityService.actuals(on: req.data, unit: code, year: today.year)
                }, funds: p.targets.funds.description)
        }
        let certifications = isTownship ? try await CertificationService.list(on: req.data, township: code.value) : []
        let notices =
            code.level == .village && req.data.mayReadRegistry
            ? try await req.publicData.notices(concerningVillage: code).map { n in
                NoticeRow(
                    id: n.id!.rawValue, kind: req.t["notice_kind_\(n.kind.rawValue)"], title: n.title,
                    starts_on: n.startsOn.description, ends_on: n.endsOn.description,
                    running: n.startsOn <= today && today <= n.endsOn)
            } : []
        let funds = try await req.timed("money") { try await money(req, code: code, year: today.year) }
        let dashboard = try await req.timed("dashboard") { try await Dashboard.view(req, code: code, today: today) }
        let map: CountyMap.View? =
            code.level <= .prefecture
            ? try await req.timed("map") {
                try await CountyMap.view(
                    req, measure: .incidence, prefecture: code.level == .prefecture ? code.value : nil)
            } : nil
        return try await Page.render(
            req, "unit",
            PageView(
                u: view, starts: starts, caseYear: year, standardMissing: standardMissing,
                certifications: certifications,
                isTownship: isTownship, mayCertify: isTownship && req.data.scope.permits(.certifyData, on: code),
                today: today.description, notices: notices, mayObserve: req.data.scope.mayObserve(noticeOf: code),
                plan: plan, money: funds, dashboard: dashboard, map: map))
    }

    @Sendable static func home(req: Request) async throws -> Response {
        // The public sees the portal's home page; staff land on their unit.
        guard let user = req.auth.get(CurrentUser.self) else { return try await PortalController.home(req: req) }
        guard let unit = user.scope.homeUnit else { throw AppError.forbidden }
        return req.redirect(to: SiteURL.unit(unit.value).path)
    }
}

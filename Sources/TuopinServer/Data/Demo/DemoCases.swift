import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Workflow cases for the demo, made through the real services by the demo users: households,
/// villages and a county at many states of their workflows, current and past notices, and
/// objections open and decided. History is replayed on a demo clock that starts months back and
/// moves past each notice, so every date (and audit entry) of a case is in order; the cases end
/// around today, with some notices still running.
struct DemoCases {
    let app: Application
    let seed: UInt64
    static let year = 2020
    static let showcaseVillage = "540102001201"

    /// A clock the demo moves by hand.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Date
        init(_ start: Date) { current = start }
        var now: Date { lock.lock(); defer { lock.unlock() }; return current }
        func set(_ date: Date) { lock.lock(); current = date; lock.unlock() }
        func advance(days: Int) { lock.lock(); current += Double(days) * 86_400; lock.unlock() }
    }

    struct Actors {
        let byRole: [Role: CurrentUser]
        let supervisor: CurrentUser?
        func first(of roles: Set<Role>) -> CurrentUser {
            roles.sorted { $0.rawValue < $1.rawValue }.compactMap { byRole[$0] }.first!
        }
    }

    /// Makes the cases; returns how many. Nothing happens when the demo users' county is not in the demo.
    func run() async throws -> Int {
        guard try await Household.query(on: app.db).filter(\.$villageCode == Self.showcaseVillage).count() > 0,
            let actors = try await loadActors()
        else { return 0 }
        let real = app.tuopin
        let clock = Clock(real.now())
        app.tuopin = real.with(now: { clock.now })
        defer { app.tuopin = real }
        try await fillRuralPopulation()
        try await reopenExitRound()
        try await setQuota(actors, clock: clock, realNow: real.now())
        var made = 0
        made += try await householdExits(actors, clock: clock, realNow: real.now())
        made += try await identifications(actors, clock: clock, realNow: real.now())
        made += try await villageExits(actors, clock: clock, realNow: real.now())
        made += try await countyExit(actors, clock: clock, realNow: real.now())
        return made
    }

    private func loadActors() async throws -> Actors? {
        let wanted: [(String, Role)] = [
            ("village1", .villageCadre), ("clerk1", .clerk), ("chengguan", .countyOffice),
            ("lasa", .prefectureOffice), ("region", .regionHQ),
        ]
        var byRole: [Role: CurrentUser] = [:]
        for (name, role) in wanted {
            guard let user = try await actor(name) else { return nil }
            byRole[role] = user
        }
        return Actors(byRole: byRole, supervisor: try await actor("supervisor1"))
    }

    private func actor(_ username: String) async throws -> CurrentUser? {
        guard let user = try await User.query(on: app.db).filter(\.$username == username).with(\.$bindings).first()
        else { return nil }
        return try CurrentUser(user, sessionKind: "demo")
    }

    /// Every village's registered rural population (village exit's denominator): its registered
    /// people times three, plus a deterministic share of non-registered residents.
    private func fillRuralPopulation() async throws {
        struct Row: Decodable { let village_code: String; let people: Int? }
        let sql = app.db.sqlDatabase
        let people = try await sql.select().column("village_code").column(
            SQLAlias(DataAccess.bigintSum("member_count"), as: SQLIdentifier("people"))
        )
        .from(Household.schema).groupBy("village_code").all(decoding: Row.self)
        let byVillage = Dictionary(uniqueKeysWithValues: people.map { ($0.village_code, $0.people ?? 0) })
        let villages = try await OrgUnit.query(on: app.db).filter(\.$level == OrgLevel.village.rawValue).all()
        let now = app.tuopin.now()
        try await app.write { tx in
            for village in villages {
                var rng = SplitMix64(seed: seed, stream: UInt64(village.id!)! &+ 5_000_000_000_000)
                let population = (byVillage[village.id!] ?? 0) * 3 + rng.int(150...600)
                try await tx.sqlDatabase.update(OrgUnit.schema).set("rural_population", to: SQLBind(population))
                    .where("code", .equal, SQLBind(village.id!)).run()
            }
            try await AuditLog.append(
                on: tx, actor: .system, action: "demo.rural_population", entity: "org_unit", entityID: "54",
                after: ["villages": String(villages.count)], at: now)
        }
    }

    /// The showcase village's 2020 exits are processed in the system: its households that the
    /// generator marked as exited in 2020 start the demo still poor, and the demo's cases exit them.
    private func reopenExitRound() async throws {
        let now = app.tuopin.now()
        try await app.write { tx in
            let reopened = try await tx.sqlDatabase.update(Household.schema).set(
                "status", to: SQLBind(HouseholdStatus.notExited.rawValue)
            )
            .set("exit_year", to: SQLLiteral.null).set("version", to: SQLRaw("version + 1"))
            .where("village_code", .equal, SQLBind(Self.showcaseVillage)).where(
                "status", .equal, SQLBind(HouseholdStatus.exitedWithPolicy.rawValue)
            )
            .where("exit_year", .equal, SQLBind(Self.year)).returning("id").all()
            try await AuditLog.append(
                on: tx, actor: .system, action: "demo.exit_round", entity: "org_unit", entityID: Self.showcaseVillage,
                after: ["households": String(reopened.count)], at: now)
        }
    }

    private func setQuota(_ actors: Actors, clock: Clock, realNow: Date) async throws {
        clock.set(realNow.addingTimeInterval(-200 * 86_400))
        _ = try await UnitFiguresController.setQuota(
            app: app, user: actors.byRole[.regionHQ]!, county: "540102", year: Self.year,
            quota: 20, exemption: "")
    }

    // MARK: Walking a case

    /// Inputs for a step, dated by the demo clock.
    private func input(for action: String) -> CaseService.StepInput {
        let today = app.clock.today
        var i = CaseService.StepInput()
        switch action {
        case "propose": i.votes_for = 28; i.votes_against = 2
        case "appraise": i.votes_for = 35; i.votes_against = 4
        case "recordConsent": i.consent = true; i.consent_date = today.description
        case "assessRegion":
            i.sampled_exited = 1_200; i.wrongly_exited = 6; i.sampled_non_registered = 900; i.missed = 4
            i.surveyed_households = 600; i.approving = 583
        case "recordStateCouncilConsent": i.document_number = "国开办发〔2020〕12号"; i.document_date = today.description
        default: break
        }
        if action.hasPrefix("publish") || action.hasPrefix("announce") {
            i.place = action.contains("Village") ? "村委会公示栏" : action == "announce" ? "乡人民政府公告栏" : "县人民政府门户网站及公告栏"
            i.starts_on = today.description; i.ends_on = today.adding(days: 6).description
        }
        return i
    }

    /// Starts cases for `subjects` and takes their first `steps` steps, moving the clock past each
    /// notice. Timed so that the last step lands a few days before `realNow` (inside its notice,
    /// if the last step opened one).
    @discardableResult
    private func walk(
        _ workflow: WorkflowDefinition, households: [RowID<Household>] = [], unit: String? = nil, steps: Int,
        actors: Actors,
        clock: Clock, realNow: Date, before: ((String, [RowID<WorkflowCase>]) async throws -> Void)? = nil
    ) async throws -> [RowID<WorkflowCase>] {
        let taken = workflow.steps.prefix(steps)
        let notices = taken.filter(\.opensNotice).count
        let lastOpens = taken.last?.opensNotice ?? false
        let daysBack = lastOpens ? 8 * (notices - 1) + 2 : 8 * notices + 3
        clock.set(realNow.addingTimeInterval(-Double(daysBack) * 86_400 - 3_600))
        var ids: [RowID<WorkflowCase>] = []
        for (index, step) in taken.enumerated() {
            let user = actors.first(of: step.roles)
            try await before?(step.action, ids)
            if index == 0 {
                ids = try await CaseService.start(
                    app: app, user: user, workflow: workflow, householdIDs: households, unitCode: unit,
                    year: Self.year, input: input(for: step.action))
            } else {
                try await CaseService.batch(
                    app: app, user: user, caseIDs: ids, action: step.action, input: input(for: step.action))
            }
            clock.advance(days: step.opensNotice && index < taken.count - 1 ? 8 : 0)
            clock.set(clock.now.addingTimeInterval(600))
        }
        return ids
    }

    private func reject(_ ids: [RowID<WorkflowCase>], by user: CurrentUser, reason: String) async throws {
        var i = CaseService.StepInput(); i.reason = reason
        try await CaseService.batch(
            app: app, user: user, caseIDs: ids, action: WorkflowDefinition.rejectAction, input: i)
    }

    /// Records what household exit checks: the latest income above the line and every guarantee met.
    private func meetExitCriteria(_ householdIDs: [RowID<Household>], clerk: CurrentUser) async throws {
        for id in householdIDs {
            let h = try await Household.find(id, on: app.db)!
            try await RegistryService.setIncome(
                app: app, user: clerk, householdID: id, version: h.version, year: Self.year,
                input: .init(
                    wage: "\(4_800 * h.memberCount)", business: "1200", property: "0", transfer: "900", costs: "600"))
            for kind in GuaranteeKind.allCases {
                let version = try await Household.find(id, on: app.db)!.version
                try await RegistryService.setGuarantee(
                    app: app, user: clerk, householdID: id, version: version, kind: kind,
                    input: .init(met: true, note: "入户核实"))
            }
        }
    }

    private func households(_ statuses: [HouseholdStatus]) async throws -> [RowID<Household>] {
        try await Household.query(on: app.db).filter(\.$villageCode == Self.showcaseVillage).filter(
            \.$status ~~ statuses
        )
        .sort(\.$number).all().map { $0.id! }
    }

    private func objection(on caseID: RowID<WorkflowCase>, text: String, observation: CurrentUser? = nil) async throws
        -> String
    {
        let noticeID = try await WorkflowCase.find(caseID, on: app.db)!.noticeID!
        var input = NoticeService.ObjectionInput(); input.text = text; input.case_id = caseID
        if observation != nil { input.kind = "observation" }
        return try await NoticeService.file(
            app: app, user: observation, noticeID: noticeID, input: input, client: "demo-\(caseID)-\(text.count)")
    }

    // MARK: The workflows

    private func householdExits(_ actors: Actors, clock: Clock, realNow: Date) async throws -> Int {
        let poor = try await households([.notExited, .returnedToPoverty])
        let clerk = actors.byRole[.clerk]!
        let prepare: (String, [RowID<WorkflowCase>]) async throws -> Void = { action, ids in
            if action == "verify" {
                let hh = try await WorkflowCase.query(on: app.db).filter(\.$id ~~ ids).all().compactMap(\.householdID)
                try await meetExitCriteria(hh, clerk: clerk)
            }
        }
        // Steps done per household, in order of importance: every state of the workflow.
        let plan = [4, 6, 8, 9, 5, 1, 2, 3, 7]
        var made = 0
        for (household, steps) in zip(poor, plan) {
            let ids = try await walk(
                Workflows.householdExit, households: [household], steps: steps, actors: actors, clock: clock,
                realNow: realNow, before: prepare)
            made += 1
            if steps == 4 { _ = try await objection(on: ids[0], text: "该户儿子在拉萨务工收入未如实登记，请核实。") }
            if steps == 7, let supervisor = actors.supervisor {
                // The supervisor's observation holds 销号 until the publishing level answers it (article 30).
                let code = try await objection(on: ids[0], text: "已列席评议会议，程序符合规定。", observation: supervisor)
                let o = try await Objection.query(on: app.db).filter(\.$code == code).first()!
                _ = try await NoticeService.decide(
                    app: app,
                    user: actors.first(
                        of: Workflows.householdExit.steps[Workflows.householdExit.stepIndex("announce")!].roles),
                    objectionID: o.id!,
                    input: .init(decision: "answer", reason: "已收悉，评议会议记录已归档。"))
            }
        }
        // A refused verification, and one whose objection was decided (rejected, shown publicly).
        if poor.count > plan.count {
            let ids = try await walk(
                Workflows.householdExit, households: [poor[plan.count]], steps: 1, actors: actors, clock: clock,
                realNow: realNow)
            try await reject(ids, by: actors.byRole[.villageCadre]!, reason: "入户核实：家庭主要劳动力患病，收入尚不稳定")
            made += 1
        }
        // An exit the prefecture's 备案审核 refused: the household is poor again, its history says why.
        if poor.count > plan.count + 2 {
            let ids = try await walk(
                Workflows.householdExit, households: [poor[plan.count + 2]], steps: 8, actors: actors, clock: clock,
                realNow: realNow, before: prepare)
            try await reject(ids, by: actors.byRole[.prefectureOffice]!, reason: "备案审核：抽查发现该户收入核算漏计医疗支出，退出依据不足")
            made += 1
        }
        if poor.count > plan.count + 1 {
            clock.set(realNow.addingTimeInterval(-20 * 86_400))
            let ids = try await walk(
                Workflows.householdExit, households: [poor[plan.count + 1]], steps: 4, actors: actors, clock: clock,
                realNow: realNow.addingTimeInterval(-10 * 86_400), before: prepare)
            let code = try await objection(on: ids[0], text: "该户住房存在安全隐患。")
            let o = try await Objection.query(on: app.db).filter(\.$code == code).first()!
            try await NoticeService.decide(
                app: app, user: actors.byRole[.villageCadre]!, objectionID: o.id!,
                input: .init(decision: "reject", reason: "经住建部门鉴定，住房为安全住房（鉴定书 2020-031）"))
            made += 1
        }
        // The county's spot check of the cases waiting for its approval (article 18).
        clock.set(realNow.addingTimeInterval(-3_600))
        if try await WorkflowCase.query(on: app.db).filter(\.$workflow == Workflows.householdExit.id).filter(
            \.$step == 5
        ).count() > 0 {
            var draw = SpotCheckService.DrawInput()
            draw.workflow = Workflows.householdExit.id; draw.county_code = "540102"; draw.year = Self.year;
            draw.seed = "2020"
            _ = try await SpotCheckService.draw(app: app, user: actors.byRole[.countyOffice]!, input: draw)
        }
        return made
    }

    /// Identification of applicants, and 返贫 of exited households (the same procedure; the exit stays on record):
    /// exited households first, so that W-return shows every step, then the applicants.
    private func identifications(_ actors: Actors, clock: Clock, realNow: Date) async throws -> Int {
        let exited = try await households([.exitedWithoutPolicy, .exitedWithPolicy])
        let candidates = exited + (try await households([.applicant]))
        func workflow(_ id: RowID<Household>) -> WorkflowDefinition {
            exited.contains(id) ? Workflows.returnToPoverty : Workflows.identification
        }
        let plan = [3, 5, 8, 7, 1, 2, 4, 6]
        var made = 0
        for (household, steps) in zip(candidates, plan) {
            let ids = try await walk(
                workflow(household), households: [household], steps: steps, actors: actors, clock: clock,
                realNow: realNow)
            made += 1
            if steps == 3 { _ = try await objection(on: ids[0], text: "该户有家庭成员为公职人员，不符合识别条件。") }
        }
        if candidates.count > plan.count {
            // Votes against: the village refuses at the appraisal.
            let ids = try await walk(
                workflow(candidates[plan.count]), households: [candidates[plan.count]], steps: 1, actors: actors,
                clock: clock, realNow: realNow)
            try await reject(ids, by: actors.byRole[.villageCadre]!, reason: "民主评议：赞成 9 票，反对 26 票")
            made += 1
        }
        if candidates.count > plan.count + 1 {
            // An accepted objection sent this one back to before its first notice.
            let ids = try await walk(
                workflow(candidates[plan.count + 1]), households: [candidates[plan.count + 1]], steps: 3,
                actors: actors, clock: clock,
                realNow: realNow.addingTimeInterval(-2 * 86_400))
            let code = try await objection(on: ids[0], text: "评议会议到会人数不足三分之二。")
            let o = try await Objection.query(on: app.db).filter(\.$code == code).first()!
            try await NoticeService.decide(
                app: app, user: actors.byRole[.villageCadre]!, objectionID: o.id!,
                input: .init(decision: "accept", reason: "情况属实，重新召开民主评议会议"))
            made += 1
        }
        return made
    }

    private func villageExits(_ actors: Actors, clock: Clock, realNow: Date) async throws -> Int {
        // Only a poor village (贫困村) exits: one without registered households in a dense demo is not one.
        let villages = try await OrgUnit.query(on: app.db).filter(\.$parentCode == "540102001")
            .filter(\.$isPoor == true).sort(\.$id).all().map { $0.id! }
        .filter { $0 != Self.showcaseVillage }
        let plan = [1, 2, 3, 4, 5]
        var made = 0
        for (village, steps) in zip(villages, plan) {
            do {
                try await walk(
                    Workflows.villageExit, unit: village, steps: steps, actors: actors, clock: clock, realNow: realNow)
            } catch AppError.refused(let refusal) {
                // A dense demo (many households in few counties) leaves some villages above the exit
                // incidence: the rules refuse the step, and the village stays where it got to.
                app.logger.info("demo: village exit of \(village) stopped: \(refusal)")
            }
            made += 1
        }
        if villages.count > plan.count {
            let ids = try await walk(
                Workflows.villageExit, unit: villages[plan.count], steps: 1, actors: actors, clock: clock,
                realNow: realNow)
            try await reject(ids, by: actors.byRole[.countyOffice]!, reason: "村集体经济收入未达标，暂缓退出")
            made += 1
        }
        return made
    }

    private func countyExit(_ actors: Actors, clock: Clock, realNow: Date) async throws -> Int {
        guard let county = try await OrgUnit.find("540102", on: app.db), county.exitYear == nil else { return 0 }
        do {
            try await walk(
                Workflows.countyExit, unit: "540102", steps: 4, actors: actors, clock: clock, realNow: realNow)
        } catch AppError.refused(.countyThresholdsNotMet) {
            // A region built with other figures (e.g. 1,000,000 households) may leave the county above the
            // thresholds: its case then waits at the region's assessment, as a real one would.
        }
        return 1
    }
}

extension AppContext {
    /// The same context on another clock (the demo replays history on its own).
    func with(now: @escaping @Sendable () -> Date) -> AppContext {
        var copy = self
        copy.now = now
        return copy
    }
}

import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Workflow cases (DESIGN.md, Workflows). Every step is one transaction: the case's version is
/// bumped first (so of two identical steps at once exactly one wins), the facts are loaded, the
/// pure `WorkflowDefinition.transition` decides, and the step, its notice, its effects on the
/// registry and the audit entries are written together. A refusal changes nothing.
enum CaseService {
    /// Everything a step may carry. Which fields a step reads depends on the step.
    struct StepInput: Content {
        var version: Int?
        var reason: String?
        var votes_for: Int?
        var votes_against: Int?
        var consent: Bool?
        var consent_date: String?
        var place: String?
        var starts_on: String?
        var ends_on: String?
        var sampled_exited: Int?
        var wrongly_exited: Int?
        var sampled_non_registered: Int?
        var missed: Int?
        var surveyed_households: Int?
        var approving: Int?
        var document_number: String?
        var document_date: String?
        init() {}
    }

    /// What was recorded along the way, kept on the case (JSON).
    struct Recorded: Codable, Sendable {
        var votesFor: Int?
        var votesAgainst: Int?
        var consentDate: String?
        var survey: ExitCriteria.CountySurvey?
        var stateCouncilDocument: String?
        var stateCouncilDate: String?
        var incidenceBP: Int?
        /// The household's status before 销号 (restored if the prefecture refuses the filing).
        var statusBeforeExit: String?
    }

    // MARK: Starting a case

    /// Points a new unit case at its village, township or county, refused for a unit of another level or one
    /// that is not a registered poor unit still to exit (item 7).
    static func fillUnit(_ c: WorkflowCase, of workflow: WorkflowDefinition, code unitCode: String?, access: DataAccess)
        async throws
    {
        guard let unitCode, let code = OrgCode(unitCode) else { throw AppError.missingField("unit_code") }
        let unit = try await access.unit(code)
        guard code.level == workflow.subject.unitLevel else { throw AppError.invalidField("unit_code") }
        if let key = workflow.ineligibility(
            unitExited: unit.exitYear != nil, registeredPoor: unit.registeredPoor)
        {
            throw AppError.notEligible(key)
        }
        c.unitCode = code.value
        c.villageCode = code.level == .village ? code.value : nil
        c.townshipCode = code.ancestor(at: .township)?.value
        c.countyCode = code.ancestor(at: .county)!.value
        c.prefectureCode = code.ancestor(at: .prefecture)!.value
    }

    /// Opens a case per subject (one unit, or many households of one village at once) and takes the
    /// first step on all of them, in one transaction: all are opened or none.
    static func start(
        app: Application, user: CurrentUser, workflow: WorkflowDefinition, householdIDs: [RowID<Household>],
        unitCode: String?,
        year: Int, input: StepInput
    ) async throws -> [RowID<WorkflowCase>] {
        guard (2014...app.clock.today.year + 1).contains(year) else { throw AppError.invalidField("year") }
        let ids = Array(Set(householdIDs)).sorted()
        if workflow.subject == .household {
            guard !ids.isEmpty else { throw AppError.missingField("household_id") }
            guard ids.count <= 500 else { throw AppError.invalidField("household_ids") }
        }
        let now = app.tuopin.now()
        return try await app.write { tx in
            guard try await tx.lookup(StandardRecord.self, year) != nil else {
                throw AppError.notEligible("wf_no_standard_year")
            }
            let access = tx.scoped(user.scope)
            var cases: [WorkflowCase] = []
            func blank() -> WorkflowCase {
                let c = WorkflowCase()
                c.workflow = workflow.id; c.year = year; c.step = 0; c.status = .open; c.facts = "{}"
                c.version = 0; c.openedAt = now; c.updatedAt = now
                return c
            }
            switch workflow.subject {
            case .household:
                let households = try await access.households().filter(\.$id ~~ ids).all()
                guard households.count == ids.count else { throw AppError.notFound }
                for h in households {
                    if let key = workflow.ineligibility(household: h.status) { throw AppError.notEligible(key) }
                    let c = blank()
                    c.householdID = h.id!; c.unitCode = h.villageCode; c.villageCode = h.villageCode
                    c.townshipCode = h.townshipCode; c.countyCode = h.countyCode; c.prefectureCode = h.prefectureCode
                    cases.append(c)
                }
            case .project, .allocation:
                // A project's case is opened with the project, by ProjectService.
                throw AppError.invalidField("workflow")
            case .village, .township, .county:
                let c = blank()
                try await fillUnit(c, of: workflow, code: unitCode, access: access)
                cases.append(c)
            }
            for c in cases {
                let existing = try await tx.rows(WorkflowCase.self).filter(\.$workflow == workflow.id).filter(
                    \.$unitCode == c.unitCode
                )
                .filter(\.$status == .open).filter(\.$householdID == c.householdID).count()
                guard existing == 0 else { throw AppError.notEligible("wf_case_open") }
                do { try await c.create(on: tx) } catch let error as any DatabaseError where error.isConstraintFailure {
                    throw AppError.notEligible("wf_case_open")
                }
                try await AuditLog.append(
                    on: tx, actor: user.auditActor, action: "case.open", entity: "case", entityID: String(c.id!),
                    after: [
                        "workflow": workflow.id, "unit": c.unitCode, "household": c.householdID.map(String.init) ?? "",
                        "year": String(year),
                    ], at: now)
            }
            _ = try await takeSteps(
                tx: tx, app: app, user: user, cases: cases, action: workflow.steps[0].action, input: input, now: now)
            return cases.map { $0.id! }
        }
    }

    // MARK: Taking steps

    /// One step on one case; `input.version`, when given, must match.
    static func step(app: Application, user: CurrentUser, caseID: RowID<WorkflowCase>, action: String, input: StepInput)
        async throws
    {
        try await batch(app: app, user: user, caseIDs: [caseID], action: action, input: input)
    }

    /// The same step on many cases (a village's exit candidates, say): all or nothing, one notice for all.
    static func batch(
        app: Application, user: CurrentUser, caseIDs: [RowID<WorkflowCase>], action: String, input: StepInput
    )
        async throws
    {
        let ids = Array(Set(caseIDs)).sorted()
        guard !ids.isEmpty, ids.count <= 500 else { throw AppError.invalidField("case_ids") }
        let now = app.tuopin.now()
        try await app.write { tx in
            let cases = try await tx.scoped(user.scope).cases().filter(\.$id ~~ ids).sort(\.$id).all()
            guard cases.count == ids.count else { throw AppError.notFound }
            if let version = input.version, ids.count == 1, cases[0].version != version { throw AppError.conflict }
            guard Set(cases.map(\.workflow)).count == 1, Set(cases.map(\.step)).count == 1 else {
                throw AppError.invalidField("case_ids")
            }
            _ = try await takeSteps(tx: tx, app: app, user: user, cases: cases, action: action, input: input, now: now)
        }
    }

    /// The first step of a case opened by another service (a project's proposal), in that service's transaction.
    static func takeFirstStep(tx: DataAccess, app: Application, user: CurrentUser, case c: WorkflowCase, now: Date)
        async throws
    {
        let workflow = Workflows.named(c.workflow)!
        _ = try await takeSteps(
            tx: tx, app: app, user: user, cases: [c], action: workflow.steps[0].action, input: StepInput(), now: now)
    }

    static func takeSteps(
        tx: DataAccess, app: Application, user: CurrentUser, cases: [WorkflowCase], action: String,
        input: StepInput, now: Date
    ) async throws -> RowID<Notice>? {
        let today = app.clock.today
        let workflow = Workflows.named(cases[0].workflow)!
        let standards = try await StandardsController.lookup(on: tx)
        var notice: Notice?
        for c in cases {
            // Claim the case: a second identical step (double submit, two users) finds the version moved.
            guard try await tx.claim(c) else { throw AppError.conflict }
            c.version += 1
            guard c.status == .open else { throw AppError.refused(.finished) }
            var recorded = (try? JSONDecoder().decode(Recorded.self, from: Data(c.facts.utf8))) ?? Recorded()
            let stepDef = c.step < workflow.steps.count ? workflow.steps[c.step] : nil
            let isReject = action == WorkflowDefinition.rejectAction
            let unit = OrgCode(c.unitCode)!
            // Order, action and role first, so that nobody learns more than "not yours" or "not now".
            if case .failure(let refusal) = workflow.transition(
                .at(c.step), action: action, scope: user.scope, on: unit, facts: StepFacts())
            {
                throw AppError.refused(refusal)
            }
            let facts = try await loadFacts(
                tx: tx, app: app, case: c, step: stepDef, isReject: isReject, input: input,
                recorded: &recorded, standards: standards, today: today)
            let decision = workflow.transition(.at(c.step), action: action, scope: user.scope, on: unit, facts: facts)
            let (next, role): (WorkflowState, Role)
            switch decision {
            case .failure(let refusal): throw AppError.refused(refusal)
            case .success(let result): (next, role) = result
            }
            let reason = (input.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard reason.count <= 1000 else { throw AppError.invalidField("reason") }
            if isReject, reason.isEmpty { throw AppError.missingField("reason") }
            let stepIndex = c.step
            let previousNotice = c.noticeID
            var noticeID: RowID<Notice>?
            if let stepDef, stepDef.opensNotice, !isReject {
                if notice == nil {
                    notice = try await openNotice(
                        tx: tx, app: app, user: user, workflow: workflow, step: stepDef, cases: cases, input: input,
                        standard: standards[c.year], today: today, now: now)
                }
                noticeID = notice!.id
                try await NoticeCase(noticeID: noticeID!, caseID: c.id!).create(on: tx)
            }
            switch next {
            case .rejected: c.status = .rejected
            case .at(let done):
                c.step = done
                if done == workflow.steps.count { c.status = .closed }
            }
            c.noticeID = noticeID
            c.facts = String(decoding: try JSONEncoder().encode(recorded), as: UTF8.self)
            c.updatedAt = now
            try await c.update(on: tx)
            let record = CaseStep()
            record.caseID = c.id!; record.stepIndex = stepIndex; record.action = action
            record.outcome = isReject ? "rejected" : "done"; record.role = role.rawValue; record.actorID = user.id
            record.actorName = user.displayName; record.reason = reason;
            record.details = stepDetails(input: input, recorded: recorded, action: action)
            record.noticeID = noticeID ?? previousNotice; record.at = now
            try await record.create(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "case.\(isReject ? "reject" : "step")", entity: "case",
                entityID: String(c.id!), before: ["step": String(stepIndex)],
                after: ["action": action, "step": String(c.step), "status": c.status.rawValue, "reason": reason],
                at: now)
            if case .at = next, !isReject, let effect = stepDef?.effect {
                try await apply(effect, tx: tx, app: app, user: user, case: c, today: today, now: now)
            }
            if case .rejected = next, let effect = stepDef?.rejectEffect {
                try await apply(effect, tx: tx, app: app, user: user, case: c, today: today, now: now)
            }
            if workflow.subject == .project { try await ProjectService.follow(tx: tx, case: c, today: today) }
        }
        return notice?.id
    }

    /// What the step must know, loaded only for the requirements it has.
    static func loadFacts(
        tx: DataAccess, app: Application, case c: WorkflowCase, step: WorkflowStep?, isReject: Bool,
        input: StepInput, recorded: inout Recorded, standards: [Int: Standard], today: CivilDate
    ) async throws -> StepFacts {
        var facts = StepFacts()
        if let noticeID = c.noticeID {
            let notice = try await tx.lookup(Notice.self, noticeID)!
            facts.noticeEnded = NoticePeriod.hasEnded(end: CivilDate(iso: notice.endsOn.description)!, today: today)
            facts.openObjections = try await NoticeService.openObjections(on: tx, noticeID: noticeID, caseID: c.id!)
        }
        guard let step, !isReject else { return facts }
        let standard = standards[c.year]
        for requirement in step.requires {
            switch requirement {
            case .appraisalVotes:
                // Recorded, and a majority in favour; a failed vote is a rejection, not this step.
                let votes = AppraisalVotes(votesFor: input.votes_for, votesAgainst: input.votes_against)
                facts.appraisalVotesRecorded = votes?.passes ?? false
                if let votes { recorded.votesFor = votes.votesFor; recorded.votesAgainst = votes.votesAgainst }
            case .householdConsent:
                let date = input.consent_date.flatMap { CivilDate(iso: $0) }
                facts.consentRecorded = input.consent == true && date != nil && date! <= today
                if facts.consentRecorded { recorded.consentDate = date!.description }
            case .householdExitCriteria:
                let h = try await tx.lookup(Household.self, c.householdID!)!
                let hf = try await HouseholdFactsLoader.facts(
                    on: tx, householdID: h.id!, protector: app.tuopin.protector, planYear: c.year)
                facts.householdExitFailures = ExitCriteria.household(
                    incomes: hf.incomes, members: hf.members.count, guarantees: hf.guarantees, exitYear: c.year,
                    today: today, standard: { standards[$0] })
            case .villageIncidence:
                guard let standard else { facts.villageIncidencePasses = false; continue }
                let (poor, population) = try await CaseFigures.village(on: tx, code: c.unitCode)
                let result = ExitCriteria.village(
                    remainingPoor: poor, ruralPopulation: population ?? 0, standard: standard)
                recorded.incidenceBP = result.incidenceBP
                facts.villageIncidencePasses = result.passes
            case .countyThresholds:
                if let survey = try surveyInput(input) { recorded.survey = survey }
                guard let survey = recorded.survey else { throw AppError.missingField("sampled_exited") }
                guard let standard else { facts.countyFailures = ExitCriteria.CountyThreshold.allCases; continue }
                let (poor, exited, population) = try await CaseFigures.county(on: tx, code: c.unitCode)
                let result = ExitCriteria.county(
                    remainingPoor: poor, exitedPeople: exited, ruralPopulation: population, survey: survey,
                    standard: standard)
                recorded.incidenceBP = result.incidenceBP
                facts.countyFailures = result.failed
            case .withinQuota:
                facts.withinQuota = try await CaseFigures.withinQuota(on: tx, county: c.countyCode, year: c.year)
            case .stateCouncilConsent:
                let number = (input.document_number ?? "").trimmingCharacters(in: .whitespaces)
                let date = input.document_date.flatMap { CivilDate(iso: $0) }
                facts.stateCouncilConsentRecorded =
                    !number.isEmpty && number.count <= 100 && date != nil && date! <= today
                if facts.stateCouncilConsentRecorded {
                    recorded.stateCouncilDocument = number; recorded.stateCouncilDate = date!.description
                }
            case .spotCheckPassed:
                facts.spotCheckPending = try await SpotCheckService.pending(on: tx, caseID: c.id!)
            }
        }
        return facts
    }

    static func surveyInput(_ input: StepInput) throws -> ExitCriteria.CountySurvey? {
        let values = [
            input.sampled_exited, input.wrongly_exited, input.sampled_non_registered, input.missed,
            input.surveyed_households, input.approving,
        ]
        guard values.contains(where: { $0 != nil }) else { return nil }
        let names = [
            "sampled_exited", "wrongly_exited", "sampled_non_registered", "missed", "surveyed_households", "approving",
        ]
        for (value, name) in zip(values, names) where value == nil { throw AppError.missingField(name) }
        let s = ExitCriteria.CountySurvey(
            sampledExited: values[0]!, wronglyExited: values[1]!, sampledNonRegistered: values[2]!,
            missed: values[3]!, surveyedHouseholds: values[4]!, approving: values[5]!)
        if let field = s.problem { throw AppError.invalidField(field) }
        return s
    }

    static func stepDetails(input: StepInput, recorded: Recorded, action: String) -> String {
        var details: [String: String] = [:]
        if let v = input.votes_for, let a = input.votes_against { details["votes"] = "\(v):\(a)" }
        if input.consent == true, let d = recorded.consentDate { details["consent_date"] = d }
        if let doc = input.document_number, !doc.isEmpty { details["document"] = "\(doc) \(input.document_date ?? "")" }
        if let bp = recorded.incidenceBP,
            ["assessPrefecture", "approvePrefecture", "assessRegion", "approveRegion"].contains(action)
        {
            details["incidence_pct"] = StandardsController.percent(bp)
        }
        return String(decoding: (try? JSONEncoder().encode(details)) ?? Data("{}".utf8), as: UTF8.self)
    }

}

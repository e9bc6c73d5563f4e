import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// What a step does beyond moving its case: a unit exits, a household's status changes, a notice opens,
/// cases go back to an earlier step.
extension CaseService {
    /// A step's consequences in the registry: a registered, exited or filed subject.
    /// A step's effect (defined in TuopinCore) on the registry or the org tree.
    static func apply(
        _ effect: StepEffect, tx: DataAccess, app: Application, user: CurrentUser, case c: WorkflowCase,
        today: CivilDate, now: Date
    ) async throws {
        switch effect {
        case .registerPoor:
            try await setHouseholdStatus(
                tx: tx, app: app, user: user, id: c.householdID!, status: effect.householdStatus!,
                identifiedYear: c.year,
                exitYear: nil, today: today, now: now)
        case .exitHousehold:
            // The status before the exit is kept on the case, so that a refusal at 备案审核 can restore it.
            var recorded = (try? JSONDecoder().decode(Recorded.self, from: Data(c.facts.utf8))) ?? Recorded()
            recorded.statusBeforeExit = try await tx.lookup(Household.self, c.householdID!)!.status.rawValue
            c.facts = String(decoding: try JSONEncoder().encode(recorded), as: UTF8.self)
            try await c.update(on: tx)
            try await setHouseholdStatus(
                tx: tx, app: app, user: user, id: c.householdID!, status: effect.householdStatus!, identifiedYear: nil,
                exitYear: c.year, today: today, now: now)
        case .returnToPoverty:
            // Poor again; the exit year stays, so the exit (and a possible wrong exit) remains on record.
            try await setHouseholdStatus(
                tx: tx, app: app, user: user, id: c.householdID!, status: effect.householdStatus!, identifiedYear: nil,
                exitYear: nil, action: "household.return", today: today, now: now)
        case .reverseHouseholdExit:
            let recorded = (try? JSONDecoder().decode(Recorded.self, from: Data(c.facts.utf8))) ?? Recorded()
            let status = StepEffect.statusAfterReversedExit(
                before: recorded.statusBeforeExit.flatMap(HouseholdStatus.init(rawValue:)))
            try await setHouseholdStatus(
                tx: tx, app: app, user: user, id: c.householdID!, status: status, identifiedYear: nil, exitYear: nil,
                clearExit: true, action: "household.exit_reverse", today: today, now: now)
        case .exitUnit:
            let unit = try await tx.lookup(OrgUnit.self, c.unitCode)!
            unit.exitYear = c.year; unit.version += 1
            try await unit.update(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "unit.exit", entity: "org_unit", entityID: c.unitCode,
                after: ["exit_year": String(c.year)], at: now)
        }
    }

    static func setHouseholdStatus(
        tx: DataAccess, app: Application, user: CurrentUser, id: RowID<Household>, status: HouseholdStatus,
        identifiedYear: Int?, exitYear: Int?, clearExit: Bool = false, action: String = "household.status",
        today: CivilDate, now: Date
    ) async throws {
        let h = try await tx.lookup(Household.self, id)!
        let before = [
            "status": h.status.rawValue, "identified_year": String(h.identifiedYear),
            "exit_year": h.exitYear.map(String.init) ?? "",
        ]
        h.status = status
        if let identifiedYear { h.identifiedYear = identifiedYear; h.exitYear = nil }
        if let exitYear { h.exitYear = exitYear }
        if clearExit { h.exitYear = nil }
        h.version += 1
        try await h.update(on: tx)
        try await AuditLog.append(
            on: tx, actor: user.auditActor, action: action, entity: "household", entityID: String(id),
            before: before,
            after: [
                "status": h.status.rawValue, "identified_year": String(h.identifiedYear),
                "exit_year": h.exitYear.map(String.init) ?? "",
            ], at: now)
        _ = try await QualityService.recheck([h], on: tx, protector: app.tuopin.protector, today: today)
    }

    /// Opens the notice of a publishing step for the cases of a batch (one unit).
    static func openNotice(
        tx: DataAccess, app: Application, user: CurrentUser, workflow: WorkflowDefinition, step: WorkflowStep,
        cases: [WorkflowCase], input: StepInput, standard: Standard?, today: CivilDate, now: Date
    ) async throws -> Notice {
        guard Set(cases.map(\.unitCode)).count == 1 else { throw AppError.invalidField("case_ids") }
        let place = (input.place ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !place.isEmpty else { throw AppError.missingField("place") }
        guard place.count <= 200 else { throw AppError.invalidField("place") }
        guard let startText = input.starts_on else { throw AppError.missingField("starts_on") }
        guard let endText = input.ends_on else { throw AppError.missingField("ends_on") }
        guard let start = CivilDate(iso: startText) else { throw AppError.invalidField("starts_on") }
        guard let end = CivilDate(iso: endText) else { throw AppError.invalidField("ends_on") }
        // Funds and projects stay on the board longer (article 25).
        let minDays = workflow.subject == .project ? standard?.fundNoticeMinDays ?? 10 : standard?.noticeMinDays ?? 7
        try NoticeService.validatePeriod(start: start, end: end, today: today, minDays: minDays)
        let unit = try await tx.lookup(OrgUnit.self, cases[0].unitCode)!
        let notice = Notice()
        notice.kind = step.notice!
        notice.workflow = workflow.id; notice.action = step.action; notice.unitCode = unit.id!
        notice.countyCode = cases[0].countyCode; notice.prefectureCode = cases[0].prefectureCode
        notice.place = place; notice.startsOn = start; notice.endsOn = end
        notice.createdBy = user.id; notice.createdAt = now
        let zh = app.localizer.translations(.zh)
        notice.title = zh.format(
            "notice_title_\(workflow.id)", try await tx.fullName(of: unit.id!), String(cases[0].year),
            zh["notice_kind_\(notice.kind)"])
        notice.entries = try await NoticeService.entries(tx: tx, workflow: workflow, cases: cases, zh: zh)
        try await notice.create(on: tx)
        try await AuditLog.append(
            on: tx, actor: user.auditActor, action: "notice.open", entity: "notice", entityID: String(notice.id!),
            after: [
                "unit": unit.id!, "starts_on": notice.startsOn.description, "ends_on": notice.endsOn.description,
                "cases": String(cases.count),
            ], at: now)
        return notice
    }

    /// Sends open cases back to an earlier step (an accepted objection, a failed spot check), with the reason.
    static func sendBack(
        tx: DataAccess, user: CurrentUser, cases: [WorkflowCase], to stepIndex: Int, reason: String, outcome: String,
        now: Date
    ) async throws {
        for c in cases where c.status == .open && c.step > stepIndex {
            let from = c.step
            guard try await tx.sendBack(c, to: stepIndex, at: now) else { throw AppError.conflict }
            let record = CaseStep()
            record.caseID = c.id!; record.stepIndex = from; record.action = outcome; record.outcome = "returned"
            record.role = user.scope.roles.first?.rawValue ?? ""; record.actorID = user.id;
            record.actorName = user.displayName
            record.reason = reason; record.details = "{\"to_step\":\"\(stepIndex)\"}"; record.noticeID = c.noticeID;
            record.at = now
            try await record.create(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "case.return", entity: "case", entityID: String(c.id!),
                before: ["step": String(from)], after: ["step": String(stepIndex), "reason": reason], at: now)
            if c.projectID != nil {
                c.step = stepIndex
                try await ProjectService.follow(tx: tx, case: c, today: nil)
            }
        }
    }
}

import Fluent
import Foundation
import TuopinCore
import Vapor

/// Third-party surveys (article 7), disputes (article 26), oversight cases (article 9) and rewards
/// and penalties (articles 41, 42): each write one transaction with its audit entry.
enum RegisterService {
    static func count(_ text: String?, _ field: String) throws -> Int {
        guard let t = text?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { throw AppError.missingField(field) }
        guard let n = Int(t), n >= 0 else { throw AppError.invalidField(field) }
        return n
    }

    // MARK: Surveys

    struct SurveyInput: Content {
        var year: Int?; var evaluator: String?; var surveyed_on: String?
        var sampled_exited: String?; var wrongly_exited: String?; var sampled_non_registered: String?;
        var missed: String?
        var surveyed_households: String?; var approving: String?; var note: String?
    }

    /// A third party's survey of a unit, recorded by those who oversee it.
    static func addSurvey(app: Application, user: CurrentUser, unit text: String, input: SurveyInput) async throws
        -> RowID<SurveyRecord>
    {
        guard let code = OrgCode(text), code.level != .village else { throw AppError.notFound }
        try await ResponsibilityService.authorise(app, user, code, .evaluate)
        let today = app.clock.today
        guard let year = input.year else { throw AppError.missingField("year") }
        guard (2014...today.year).contains(year) else { throw AppError.invalidField("year") }
        let evaluator = try FormField.text(input.evaluator, "evaluator", max: 200)
        let on = try FormField.date(input.surveyed_on, "surveyed_on")
        guard on <= today else { throw AppError.invalidField("surveyed_on") }
        let result = ExitCriteria.CountySurvey(
            sampledExited: try count(input.sampled_exited, "sampled_exited"),
            wronglyExited: try count(input.wrongly_exited, "wrongly_exited"),
            sampledNonRegistered: try count(input.sampled_non_registered, "sampled_non_registered"),
            missed: try count(input.missed, "missed"),
            surveyedHouseholds: try count(input.surveyed_households, "surveyed_households"),
            approving: try count(input.approving, "approving"))
        if let field = result.problem { throw AppError.invalidField(field) }
        guard result.sampledExited + result.sampledNonRegistered + result.surveyedHouseholds > 0 else {
            throw AppError.invalidField("sampled_exited")
        }
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 2_000, !TextInput.hasControlCharacters(note) else { throw AppError.invalidField("note") }
        let now = app.tuopin.now()
        return try await app.write { tx -> RowID<SurveyRecord> in
            let s = SurveyRecord()
            s.unitCode = code.value; s.year = year; s.evaluator = evaluator; s.surveyedOn = on
            s.sampledExited = result.sampledExited; s.wronglyExited = result.wronglyExited;
            s.sampledNonRegistered = result.sampledNonRegistered
            s.missed = result.missed; s.surveyedHouseholds = result.surveyedHouseholds; s.approving = result.approving;
            s.note = note; s.createdBy = user.id
            try await s.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "survey.add", entity: "org_unit", entityID: code.value,
                after: ["year": String(year), "evaluator": evaluator, "result": try AuditLog.canonicalJSON(result)],
                at: now)
            return try s.requireID()
        }
    }

    // MARK: Disputes

    struct DisputeInput: Content {
        var parties: String?; var kind: String?; var description: String?; var received_on: String?;
        var deadline: String?
    }

    /// A dispute received by a township (its clerk or principal), with the day it must be settled by.
    static func addDispute(app: Application, user: CurrentUser, unit text: String, input: DisputeInput) async throws
        -> RowID<DisputeRecord>
    {
        guard let code = OrgCode(text), code.level == .township else { throw AppError.notFound }
        try await ResponsibilityService.authorise(app, user, code)
        let parties = try FormField.text(input.parties, "parties", max: 500)
        guard let kind = input.kind.flatMap(DisputeKind.init(rawValue:)) else { throw AppError.invalidField("kind") }
        let description = try FormField.text(input.description, "description", max: 4_000)
        let received = try FormField.date(input.received_on, "received_on")
        let deadline = try FormField.date(input.deadline, "deadline")
        let today = app.clock.today
        guard received <= today else { throw AppError.invalidField("received_on") }
        guard deadline >= received else { throw AppError.invalidField("deadline") }
        let now = app.tuopin.now()
        return try await app.write { tx -> RowID<DisputeRecord> in
            let d = DisputeRecord()
            d.townshipCode = code.value; d.parties = parties; d.kind = kind; d.description = description;
            d.status = .open
            d.receivedOn = received; d.deadline = deadline; d.createdBy = user.id; d.version = 1
            try await d.save(on: tx)
            let id = try d.requireID()
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "dispute.add", entity: "dispute", entityID: String(id),
                after: [
                    "township": code.value, "kind": kind.rawValue, "parties": parties, "deadline": deadline.description,
                ], at: now)
            return id
        }
    }

    struct DisputeStepInput: Content { var action: String?; var note: String? }

    static func disputeStep(
        app: Application, user: CurrentUser, dispute id: RowID<DisputeRecord>, input: DisputeStepInput
    ) async throws
        -> DisputeStatus
    {
        guard let d = try await app.systemData.lookup(DisputeRecord.self, id), let code = OrgCode(d.townshipCode) else {
            throw AppError.notFound
        }
        try await ResponsibilityService.authorise(app, user, code)
        guard let action = input.action.flatMap(DisputeAction.init(rawValue:)) else {
            throw AppError.invalidField("action")
        }
        let note = try FormField.text(input.note, "note", max: 4_000)
        let today = app.clock.today, now = app.tuopin.now()
        return try await app.write { tx -> DisputeStatus in
            guard let d = try await tx.lookup(DisputeRecord.self, id) else { throw AppError.notFound }
            let status = d.status
            guard let next = DisputeRules.transition(status, action) else { throw AppError.conflict }
            d.status = next; d.version += 1
            if next.isClosed { d.resolution = note; d.closedOn = today }
            try await d.save(on: tx)
            let step = DisputeStep()
            step.disputeID = id; step.onDate = today; step.action = action.rawValue; step.note = note;
            step.userID = user.id
            try await step.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "dispute.\(action.rawValue)", entity: "dispute",
                entityID: String(id),
                before: ["status": status.rawValue], after: ["status": next.rawValue, "note": note], at: now)
            return next
        }
    }

    // MARK: Oversight cases

    struct CaseInput: Content { var unit_code: String?; var person: String?; var title: String?; var note: String? }

    /// A case the discipline, procuratorate or audit body opens against a unit (and a person in it) in its scope.
    static func openCase(app: Application, user: CurrentUser, input: CaseInput) async throws -> RowID<OversightCase> {
        let roots = user.scope.roots(for: .handleOversightCases)
        guard let home = roots.first else { throw AppError.forbidden }
        guard let code = OrgCode((input.unit_code ?? "").trimmingCharacters(in: .whitespaces)) else {
            throw AppError.invalidField("unit_code")
        }
        guard user.scope.permits(.handleOversightCases, on: code) else { throw AppError.invalidField("unit_code") }
        let title = try FormField.text(input.title, "title", max: 200)
        let person = (input.person ?? "").trimmingCharacters(in: .whitespaces)
        guard person.count <= 100, !TextInput.hasControlCharacters(person) else {
            throw AppError.invalidField("person")
        }
        let note = try FormField.text(input.note, "note", max: 4_000)
        let today = app.clock.today, now = app.tuopin.now()
        return try await app.write { tx -> RowID<OversightCase> in
            guard try await tx.lookup(OrgUnit.self, code.value) != nil else { throw AppError.invalidField("unit_code") }
            let c = OversightCase()
            c.openedByUnit = (roots.first { code.isSelfOrDescendant(of: $0) } ?? home).value; c.unitCode = code.value;
            c.person = person; c.title = title
            c.status = .open; c.openedOn = today; c.createdBy = user.id; c.version = 1
            try await c.save(on: tx)
            let id = try c.requireID()
            let n = OversightCaseNote()
            n.caseID = id; n.onDate = today; n.note = note; n.userID = user.id
            try await n.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "ocase.open", entity: "oversight_case", entityID: String(id),
                after: ["unit": code.value, "person": person, "title": title, "note": note], at: now)
            return id
        }
    }

    struct CaseNoteInput: Content { var note: String?; var outcome: String? }

    /// A note on an open case; with `outcome`, the case is closed with it.
    static func caseNote(app: Application, user: CurrentUser, case id: RowID<OversightCase>, input: CaseNoteInput)
        async throws
    {
        let access = app.data(for: user.scope)
        _ = try await access.oversightCase(id: id)
        let outcome = (input.outcome ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let note =
            outcome.isEmpty
            ? try FormField.text(input.note, "note", max: 4_000)
            : (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard outcome.count <= 4_000, note.count <= 4_000, !TextInput.hasControlCharacters(outcome + note) else {
            throw AppError.invalidField("outcome")
        }
        let today = app.clock.today, now = app.tuopin.now(), scope = user.scope
        try await app.write { tx in
            let c = try await tx.scoped(scope).oversightCase(id: id)
            guard c.status == .open else { throw AppError.conflict }
            if !note.isEmpty {
                let n = OversightCaseNote()
                n.caseID = id; n.onDate = today; n.note = note; n.userID = user.id
                try await n.save(on: tx)
            }
            if !outcome.isEmpty { c.status = .closed; c.outcome = outcome; c.closedOn = today }
            c.version += 1
            try await c.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: outcome.isEmpty ? "ocase.note" : "ocase.close",
                entity: "oversight_case",
                entityID: String(id), after: ["note": note, "outcome": outcome], at: now)
        }
    }

    // MARK: Rewards and penalties

    struct SanctionInput: Content {
        var kind: String?; var measure: String?; var subject_type: String?; var unit_code: String?;
        var subject_name: String?
        var reason: String?; var decided_on: String?; var document_no: String?; var basis: String?; var basis_id: Int?
    }

    /// A reward or penalty decided by a unit with the inspecting power (or a discipline body) over
    /// the subject's unit, linked to an assessment, a finding or an oversight case.
    static func addSanction(app: Application, user: CurrentUser, input: SanctionInput) async throws -> RowID<
        SanctionRecord
    > {
        guard let code = OrgCode((input.unit_code ?? "").trimmingCharacters(in: .whitespaces)) else {
            throw AppError.invalidField("unit_code")
        }
        guard user.scope.permits(.inspect, on: code) else { throw AppError.forbidden }
        guard let measure = input.measure.flatMap(SanctionMeasure.init(rawValue:)) else {
            throw AppError.invalidField("measure")
        }
        if let kind = input.kind, kind != measure.kind.rawValue { throw AppError.invalidField("kind") }
        guard let subject = input.subject_type.flatMap(SanctionSubject.init(rawValue:)) else {
            throw AppError.invalidField("subject_type")
        }
        let name = try FormField.text(input.subject_name, "subject_name", max: 200)
        let reason = try FormField.text(input.reason, "reason", max: 4_000)
        let decided = try FormField.date(input.decided_on, "decided_on")
        guard decided <= app.clock.today else { throw AppError.invalidField("decided_on") }
        let document = try FormField.text(input.document_no, "document_no", max: 100)
        let basis =
            try (input.basis ?? "").isEmpty
            ? nil : input.basis.flatMap(SanctionBasis.init(rawValue:)) ?? { throw AppError.invalidField("basis") }()
        let now = app.tuopin.now(), scope = user.scope
        return try await app.write { tx -> RowID<SanctionRecord> in
            guard try await tx.lookup(OrgUnit.self, code.value) != nil else { throw AppError.invalidField("unit_code") }
            // The record it rests on must exist and concern the subject's unit (or the assessment be of a year).
            if let basis {
                guard let ref = input.basis_id else { throw AppError.missingField("basis_id") }
                let ok: Bool
                switch basis {
                case .assessment:
                    ok =
                        try await tx.rows(AssessedUnit.self).filter(\.$schemeID == RowID(ref)).filter(
                            \.$unitCode == code.value
                        ).count() > 0
                case .finding:
                    ok =
                        (try await tx.lookup(FindingRecord.self, RowID(ref))).map {
                            OrgCode($0.unitCode)?.isSelfOrDescendant(of: code) ?? false
                        } ?? false
                case .oversightCase: ok = (try? await tx.scoped(scope).oversightCase(id: RowID(ref))) != nil
                }
                guard ok else { throw AppError.invalidField("basis_id") }
            }
            let s = SanctionRecord()
            s.kind = measure.kind; s.subjectType = subject.rawValue; s.unitCode = code.value; s.subjectName = name;
            s.measure = measure.rawValue
            s.reason = reason; s.decidedOn = decided; s.documentNo = document; s.linkType = basis?.rawValue;
            s.linkID = basis == nil ? nil : input.basis_id
            s.createdBy = user.id
            try await s.save(on: tx)
            let id = try s.requireID()
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "sanction.add", entity: "org_unit", entityID: code.value,
                after: [
                    "id": String(id), "measure": measure.rawValue, "subject": name, "document_no": document,
                    "basis": basis.map { "\($0.rawValue):\(input.basis_id ?? 0)" } ?? "",
                ], at: now)
            return id
        }
    }
}

import Crypto
import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Inspections and their findings (article 39): the inspecting unit records the visit and its
/// findings, the responsible unit rectifies with evidence, the inspecting unit accepts or reopens.
/// Each call is one transaction with its audit entry; the responsible unit is checked again after
/// every change of a finding (R-39-1).
enum InspectionService {
    struct TeamMember: Content, Equatable { var name: String?; var department: String? }

    struct InspectionInput: Content {
        var kind: String?; var title: String?
        var started_on: String?; var ended_on: String?
        var team: [TeamMember]?
        /// Codes of the units inspected, each under the inspecting unit.
        var targets: [String]?
    }

    /// A team as it is stored: names trimmed, departments known, at least one member, at most 30.
    static func team(_ members: [TeamMember]?) throws -> [[String: String]] {
        var out: [[String: String]] = []
        for m in members ?? [] {
            let name = (m.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            // A row without a name is not a member (the form offers more rows than most teams fill).
            if name.isEmpty { continue }
            guard name.count <= 50, !TextInput.hasControlCharacters(name) else { throw AppError.invalidField("team") }
            guard let d = m.department.flatMap(InspectionDepartment.init(rawValue:)) else {
                throw AppError.invalidField("team")
            }
            out.append(["name": name, "department": d.rawValue])
        }
        guard !out.isEmpty else { throw AppError.missingField("team") }
        guard out.count <= 30 else { throw AppError.invalidField("team") }
        return out
    }

    static func create(app: Application, user: CurrentUser, unit text: String, input: InspectionInput) async throws
        -> RowID<InspectionRecord>
    {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        try await ResponsibilityService.authorise(app, user, code, .inspect)
        guard let kind = input.kind.flatMap(InspectionKind.init(rawValue:)) else { throw AppError.invalidField("kind") }
        let title = try FormField.text(input.title, "title", max: 200)
        let started = try FormField.date(input.started_on, "started_on")
        let ended = try (input.ended_on ?? "").isEmpty ? nil : FormField.date(input.ended_on, "ended_on")
        let today = app.clock.today
        if let field = FindingWorkflow.inspectionProblem(startedOn: started, endedOn: ended, today: today) {
            throw AppError.invalidField(field)
        }
        let team = try team(input.team)
        let targets = Array(
            Set((input.targets ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        ).sorted()
        guard !targets.isEmpty else { throw AppError.missingField("targets") }
        guard targets.count <= 200 else { throw AppError.invalidField("targets") }
        let targetCodes = try targets.map { t -> OrgCode in
            guard let c = OrgCode(t), c != code, c.isSelfOrDescendant(of: code) else {
                throw AppError.invalidField("targets")
            }
            return c
        }
        let teamJSON = try AuditLog.canonicalJSON(team)
        let now = app.tuopin.now(), scope = user.scope, userID = user.id
        return try await app.write { tx -> RowID<InspectionRecord> in
            _ = try await tx.scoped(scope).unit(code, for: .inspect)
            guard try await tx.rows(OrgUnit.self).filter(\.$id ~~ targetCodes.map(\.value)).count() == targetCodes.count
            else {
                throw AppError.invalidField("targets")
            }
            let i = InspectionRecord()
            i.unitCode = code.value; i.kind = kind; i.title = title; i.team = teamJSON
            i.targets = targets.joined(separator: ","); i.startedOn = started; i.endedOn = ended
            i.createdBy = userID; i.version = 1
            try await i.save(on: tx)
            let id = try i.requireID()
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "inspection.create", entity: "inspection", entityID: String(id),
                after: [
                    "unit": code.value, "kind": kind.rawValue, "title": title, "team": teamJSON,
                    "targets": i.targets, "started_on": i.startedOn.description,
                    "ended_on": i.endedOn?.description ?? "",
                ], at: now)
            return id
        }
    }

    struct FindingInput: Content {
        var unit_code: String?; var responsible_person: String?; var category: String?; var description: String?;
        var deadline: String?
    }

    /// A finding of the inspection against a unit under one of its targets (the inspecting unit only).
    static func addFinding(
        app: Application, user: CurrentUser, inspectionID: RowID<InspectionRecord>, input: FindingInput
    ) async throws
        -> RowID<FindingRecord>
    {
        let inspection = try await app.data(for: user.scope).inspection(id: inspectionID)
        guard let inspecting = OrgCode(inspection.unitCode) else { throw AppError.corruptData }
        guard user.scope.permits(.inspect, on: inspecting) else { throw AppError.forbidden }
        guard let unit = OrgCode((input.unit_code ?? "").trimmingCharacters(in: .whitespaces)) else {
            throw (input.unit_code ?? "").isEmpty
                ? AppError.missingField("unit_code") : AppError.invalidField("unit_code")
        }
        let targets = inspection.targetCodes.compactMap { OrgCode($0) }
        guard targets.contains(where: { unit.isSelfOrDescendant(of: $0) }) else {
            throw AppError.invalidField("unit_code")
        }
        let person = try FormField.text(input.responsible_person, "responsible_person", max: 100)
        guard let category = input.category.flatMap(FindingCategory.init(rawValue:)) else {
            throw AppError.invalidField("category")
        }
        let description = try FormField.text(input.description, "description", max: 4_000)
        let deadline = try FormField.date(input.deadline, "deadline")
        let today = app.clock.today
        if let field = FindingWorkflow.findingProblem(deadline: deadline, raisedOn: today) {
            throw AppError.invalidField(field)
        }
        let now = app.tuopin.now(), scope = user.scope
        let id = try await app.write { tx -> RowID<FindingRecord> in
            let i = try await tx.scoped(scope).inspection(id: inspectionID)
            guard scope.permits(.inspect, on: inspecting) else { throw AppError.forbidden }
            guard try await tx.lookup(OrgUnit.self, unit.value) != nil else { throw AppError.invalidField("unit_code") }
            let f = FindingRecord()
            f.inspectionID = try i.requireID(); f.unitCode = unit.value; f.responsiblePerson = person;
            f.category = category
            f.description = description; f.raisedOn = today; f.deadline = deadline
            f.state = .open; f.version = 1
            try await f.save(on: tx)
            let id = try f.requireID()
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "finding.raise", entity: "finding", entityID: String(id),
                after: [
                    "inspection": String(inspectionID), "unit": unit.value, "category": category.rawValue,
                    "responsible_person": person, "description": description, "deadline": deadline.description,
                ], at: now)
            return id
        }
        await ComplianceService.recheck(app: app, root: unit, actor: user.auditActor)
        return id
    }

    /// An evidence file as uploaded: its bytes and the name it had.
    struct Evidence: Sendable { let data: Data; let filename: String }

    static func evidenceFile(_ app: Application, sha256: String) -> URL {
        app.tuopin.settings.dataDirectory.appendingPathComponent("files/evidence/\(sha256)")
    }

    struct StepInput: Content { var note: String? }

    /// Takes a step on a finding: the responsible unit's rectification (with a note and, optionally,
    /// an evidence file), or the inspecting unit's acceptance or reopening (with a note).
    static func step(
        app: Application, user: CurrentUser, findingID: RowID<FindingRecord>, action: FindingAction, note text: String?,
        evidence: Evidence? = nil
    ) async throws -> FindingState {
        let access = app.data(for: user.scope)
        let (finding, inspection) = try await access.finding(id: findingID)
        guard let responsible = OrgCode(finding.unitCode), let inspecting = OrgCode(inspection.unitCode) else {
            throw AppError.corruptData
        }
        let actors = FindingWorkflow.actors(
            inspects: user.scope.permits(.inspect, on: inspecting),
            keepsResponsibleUnit: user.scope.permits(.keepResponsibility, on: responsible))
        guard actors.contains(action.actor) else { throw AppError.forbidden }
        // A rectification says what was done; a reopening says why.
        let note =
            action == .accept && (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            ? "" : try FormField.text(text, "note", max: 4_000)
        let stored = try storeEvidence(app, evidence, action: action)
        let today = app.clock.today, now = app.tuopin.now(), scope = user.scope, userID = user.id
        let next = try await app.write { tx -> FindingState in
            let (f, _) = try await tx.scoped(scope).finding(id: findingID)
            let state = f.state
            guard let next = FindingWorkflow.transition(state, action, by: action.actor) else {
                throw AppError.conflict
            }
            let before = ["state": f.state]
            f.state = next; f.version += 1
            if action == .rectify { f.rectifiedOn = today }
            if action == .accept { f.verifiedOn = today }
            try await f.save(on: tx)
            let e = FindingEvent()
            e.findingID = findingID; e.action = action.rawValue; e.onDate = today; e.userID = userID; e.note = note
            e.fileSHA256 = stored?.sha; e.fileName = stored?.name; e.fileType = stored?.kind.rawValue;
            e.fileSize = stored?.size
            try await e.save(on: tx)
            var after = ["state": next.rawValue, "note": note]
            if let stored { after["file_sha256"] = stored.sha }
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "finding.\(action.rawValue)", entity: "finding",
                entityID: String(findingID), before: before, after: after, at: now)
            return next
        }
        if let unit = OrgCode(finding.unitCode) {
            await ComplianceService.recheck(app: app, root: unit, actor: user.auditActor)
        }
        return next
    }

    struct StoredEvidence: Sendable { let sha: String; let kind: EvidenceFile.Kind; let name: String; let size: Int }

    /// Checks an uploaded evidence file and writes it (named by its hash, written whole then renamed)
    /// before any row names it; nil when none was sent.
    static func storeEvidence(_ app: Application, _ evidence: Evidence?, action: FindingAction) throws
        -> StoredEvidence?
    {
        guard let evidence, !evidence.data.isEmpty else { return nil }
        guard action == .rectify else { throw AppError.invalidField("file") }
        guard evidence.data.count <= EvidenceFile.maxBytes else { throw AppError.payloadTooLarge }
        guard let kind = EvidenceFile.kind(of: evidence.data) else { throw AppError.unsupportedMediaType }
        let sha = SHA256.hash(data: evidence.data).map { String(format: "%02x", $0) }.joined()
        // The file first (named by its hash, written whole then renamed): an event never names a missing file.
        let url = evidenceFile(app, sha256: sha)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) { try evidence.data.write(to: url, options: .atomic) }
        let name = String(
            evidence.filename.filter { !$0.isNewline && $0 != "\"" && $0 != "\\" && $0 != "/" }.suffix(100))
        return StoredEvidence(
            sha: sha, kind: kind, name: name.isEmpty ? "evidence.\(kind.rawValue)" : name, size: evidence.data.count)
    }

}

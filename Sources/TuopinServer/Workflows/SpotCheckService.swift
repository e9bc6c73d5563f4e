import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Spot checks (article 18): the county draws a seeded random sample of at least 10% of the
/// cases awaiting its approval, verifies each, and a failed check sends the case back to
/// verification. Sampled cases cannot be approved until they pass.
enum SpotCheckService {
    struct DrawInput: Content {
        var workflow: String?
        var county_code: String?
        var year: Int?
        var percent: Int?
        var seed: String?
    }

    struct ResultInput: Content {
        var result: String?
        var note: String?
    }

    /// Draws a sample; returns the check's id.
    static func draw(app: Application, user: CurrentUser, input: DrawInput) async throws -> RowID<SpotCheckRecord> {
        guard let id = input.workflow, let workflow = Workflows.named(id), let spot = workflow.spotCheck else {
            throw AppError.invalidField("workflow")
        }
        guard let countyText = input.county_code, let county = OrgCode(countyText), county.level == .county else {
            throw AppError.invalidField("county_code")
        }
        guard let year = input.year, (2014...2100).contains(year) else { throw AppError.invalidField("year") }
        let practice = try await LocalPracticeService.load(on: app.data(for: user.scope))
        let percent = input.percent ?? practice[.spotCheckPercent]
        guard SpotCheck.allows(percent: percent, practice: practice) else { throw AppError.invalidField("percent") }
        let seed: UInt64
        if let text = input.seed, !text.isEmpty {
            guard let value = UInt64(text) else { throw AppError.invalidField("seed") }
            seed = value
        } else {
            seed = UInt64.random(in: 1...UInt64(Int64.max))
        }
        let approve = workflow.steps[spot.before]
        guard user.scope.actingRole(for: approve, on: county) != nil else {
            guard user.scope.permits(.readRegistry, on: county) else { throw AppError.notFound }
            throw AppError.forbidden
        }
        let now = app.tuopin.now()
        return try await app.write { tx in
            let waiting = try await tx.rows(WorkflowCase.self).filter(\.$workflow == workflow.id).filter(
                \.$countyCode == county.value
            )
            .filter(\.$year == year).filter(\.$step == spot.before).filter(\.$status == .open).all()
            guard !waiting.isEmpty else { throw AppError.notEligible("spot_no_cases") }
            let sample = SpotCheck.sample(waiting.map { $0.id!.rawValue }, seed: seed, percent: percent)
            let check = SpotCheckRecord()
            check.workflow = workflow.id; check.countyCode = county.value; check.year = year; check.seed = String(seed)
            check.percent = percent; check.population = waiting.count; check.createdBy = user.id; check.createdAt = now
            try await check.create(on: tx)
            for caseID in sample {
                let item = SpotCheckItem()
                item.checkID = check.id!; item.caseID = RowID(caseID); item.note = ""
                try await item.create(on: tx)
            }
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "spotcheck.draw", entity: "spot_check",
                entityID: String(check.id!),
                after: [
                    "seed": String(seed), "population": String(waiting.count),
                    "sample": sample.map(String.init).joined(separator: ","),
                ],
                at: now)
            return check.id!
        }
    }

    /// Records the verification of one sampled case; a failure sends it back.
    static func record(
        app: Application, user: CurrentUser, checkID: RowID<SpotCheckRecord>, caseID: RowID<WorkflowCase>,
        input: ResultInput
    ) async throws {
        guard let result = input.result, ["passed", "failed"].contains(result) else {
            throw AppError.invalidField("result")
        }
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 1000 else { throw AppError.invalidField("note") }
        if result == "failed", note.isEmpty { throw AppError.missingField("note") }
        let now = app.tuopin.now()
        try await app.write { tx in
            let check = try await tx.scoped(user.scope).spotCheck(id: checkID)
            let workflow = Workflows.named(check.workflow)!
            guard
                user.scope.actingRole(for: workflow.steps[workflow.spotCheck!.before], on: OrgCode(check.countyCode)!)
                    != nil
            else {
                throw AppError.forbidden
            }
            guard
                let item = try await tx.rows(SpotCheckItem.self).filter(\.$checkID == checkID).filter(
                    \.$caseID == caseID
                ).first()
            else {
                throw AppError.notFound
            }
            guard item.result == nil else { throw AppError.conflict }
            item.result = result; item.note = note; item.checkedBy = user.id; item.checkedAt = now
            try await item.update(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "spotcheck.\(result)", entity: "case", entityID: String(caseID),
                after: ["check": String(checkID), "note": note], at: now)
            if result == "failed", let c = try await tx.lookup(WorkflowCase.self, caseID) {
                try await CaseService.sendBack(
                    tx: tx, user: user, cases: [c], to: workflow.spotCheck!.returnTo, reason: note,
                    outcome: "spotCheckFailed", now: now)
            }
        }
    }

    /// A sampled case not yet verified blocks approval.
    static func pending(on db: DataAccess, caseID: RowID<WorkflowCase>) async throws -> Bool {
        try await db.rows(SpotCheckItem.self).filter(\.$caseID == caseID).filter(\.$result == nil).count() > 0
    }

    struct Summary: Content {
        let id: RowID<SpotCheckRecord>; let workflow: String; let county_code: String; let year: Int; let seed: String;
        let percent: Int
        let population: Int; let sampled: Int; let passed: Int; let failed: Int; let pending: Int;
        let case_ids: [RowID<WorkflowCase>]
    }

    /// A check with its accuracy figures (kept for the annual assessment).
    static func summary(_ check: SpotCheckRecord, on db: DataAccess) async throws -> Summary {
        let items = try await db.rows(SpotCheckItem.self).filter(\.$checkID == check.id!).sort(\.$caseID).all()
        return Summary(
            id: check.id!, workflow: check.workflow, county_code: check.countyCode, year: check.year, seed: check.seed,
            percent: check.percent, population: check.population, sampled: items.count,
            passed: items.filter { $0.result == "passed" }.count, failed: items.filter { $0.result == "failed" }.count,
            pending: items.filter { $0.result == nil }.count, case_ids: items.map(\.caseID))
    }
}

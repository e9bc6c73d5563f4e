import Crypto
import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The responsibility chain of a unit: its yearly letter with the unit above, progress reports on
/// the schedule of its level, plans, cadres and principals (with the leadership lock). Each write is
/// one transaction with its audit entry, and the unit is checked again afterwards.
enum ResponsibilityService {
    // MARK: Letters

    struct LetterInput: Content {
        var year: Int?
        var target_households: Int?, target_people: Int?, target_villages: Int?, target_counties: Int?
        /// 元, two decimals at most.
        var target_funds: String?
        var signatory: String?, counterpart_signatory: String?
        var drafted_on: String?
    }

    static func targets(_ h: Int?, _ p: Int?, _ v: Int?, _ c: Int?, funds: String?) throws -> ResponsibilityTargets {
        let money = try FormField.money(funds, "target_funds", empty: .counts(.zero))
        do {
            return try ResponsibilityTargets(
                households: h ?? 0, people: p ?? 0, villages: v ?? 0, counties: c ?? 0, funds: money
            ).validated()
        } catch .field(let name) { throw AppError.invalidField(name) }
    }

    /// Creates the unit's letter for a year, or changes it while it is a draft.
    static func saveLetter(app: Application, user: CurrentUser, unit text: String, input: LetterInput) async throws
        -> RowID<LetterRecord>
    {
        guard let code = OrgCode(text), ResponsibilityChain.letterRule(for: code.level) != nil else {
            throw AppError.notFound
        }
        try await authorise(app, user, code)
        guard let year = input.year else { throw AppError.missingField("year") }
        let targets = try targets(
            input.target_households, input.target_people, input.target_villages, input.target_counties,
            funds: input.target_funds)
        let signatory = try FormField.text(input.signatory, "signatory")
        let counterpart = try FormField.text(input.counterpart_signatory, "counterpart_signatory")
        let drafted = try FormField.date(input.drafted_on, "drafted_on")
        if let field = ResponsibilityChain.letterDateProblem(
            year: year, draftedOn: drafted, signedOn: nil, today: app.clock.today)
        {
            throw AppError.invalidField(field == "year" ? "year" : field)
        }
        let now = app.tuopin.now(), scope = user.scope
        let id = try await app.write { tx -> RowID<LetterRecord> in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            let existing = try await tx.rows(LetterRecord.self).filter(\.$unitCode == code.value).filter(
                \.$year == year
            ).first()
            if let e = existing, e.state != .draft { throw AppError.conflict }
            let letter = existing ?? LetterRecord()
            letter.unitCode = code.value; letter.year = year; letter.state = .draft
            letter.targets = targets; letter.signatory = signatory; letter.counterpartSignatory = counterpart
            letter.draftedOn = drafted; letter.version = (existing?.version ?? 0) + 1
            try await letter.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "letter.draft", entity: "org_unit", entityID: code.value,
                after: [
                    "year": String(year),
                    "targets": targets.auditText,
                    "signatory": signatory, "counterpart": counterpart,
                ], at: now)
            return try letter.requireID()
        }
        return id
    }

    /// Who may act is settled before what they sent is judged: a user outside the unit learns nothing from a refusal.
    @discardableResult
    static func authorise(
        _ app: Application, _ user: CurrentUser, _ code: OrgCode, _ permission: Permission = .keepResponsibility
    ) async throws -> OrgUnit {
        try await app.data(for: user.scope).unit(code, for: permission)
    }

    static func letterFile(_ app: Application, sha256: String) -> URL {
        app.tuopin.settings.dataDirectory.appendingPathComponent("files/letters/\(sha256).pdf")
    }

    /// Signs a draft: both signatories' date and the scanned letter (a PDF, at most 10 MB).
    static func signLetter(
        app: Application, user: CurrentUser, letterID: RowID<LetterRecord>, signedOn text: String?, pdf: Data?
    )
        async throws -> String
    {
        guard let owner = try await app.systemData.lookup(LetterRecord.self, letterID),
            let ownerCode = OrgCode(owner.unitCode)
        else { throw AppError.notFound }
        try await authorise(app, user, ownerCode)
        let signed = try FormField.date(text, "signed_on")
        guard let pdf, !pdf.isEmpty else { throw AppError.missingField("file") }
        guard pdf.count <= ResponsibilityChain.maxLetterBytes else { throw AppError.payloadTooLarge }
        guard ResponsibilityChain.isPDF(pdf) else { throw AppError.unsupportedMediaType }
        let sha = SHA256.hash(data: pdf).map { String(format: "%02x", $0) }.joined()
        let today = app.clock.today, now = app.tuopin.now(), scope = user.scope
        // The file first (named by its hash, written whole then renamed): a letter row never names a missing file.
        let url = letterFile(app, sha256: sha)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) { try pdf.write(to: url, options: .atomic) }
        let unit = try await app.write { tx -> String in
            guard let letter = try await tx.lookup(LetterRecord.self, letterID), let code = OrgCode(letter.unitCode)
            else { throw AppError.notFound }
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            guard letter.state == .draft else { throw AppError.conflict }
            guard let drafted = CivilDate(iso: letter.draftedOn.description) else { throw AppError.corruptData }
            if let field = ResponsibilityChain.letterDateProblem(
                year: letter.year, draftedOn: drafted, signedOn: signed, today: today)
            {
                throw AppError.invalidField(field)
            }
            letter.state = .signed; letter.signedOn = signed
            letter.fileSHA256 = sha; letter.fileSize = pdf.count; letter.version += 1
            try await letter.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "letter.sign", entity: "org_unit", entityID: letter.unitCode,
                after: ["year": String(letter.year), "signed_on": signed.description, "file_sha256": sha], at: now)
            return letter.unitCode
        }
        await recheck(app, unit, user)
        return unit
    }

    /// The unit's own rules again after a write that may resolve one (its letter, report or plan).
    static func recheck(_ app: Application, _ unit: String, _ user: CurrentUser) async {
        guard let code = OrgCode(unit) else { return }
        await ComplianceService.recheck(app: app, root: code, actor: user.auditActor)
    }

    static func archiveLetter(app: Application, user: CurrentUser, letterID: RowID<LetterRecord>) async throws -> String
    {
        let now = app.tuopin.now(), scope = user.scope
        return try await app.write { tx -> String in
            guard let letter = try await tx.lookup(LetterRecord.self, letterID), let code = OrgCode(letter.unitCode)
            else { throw AppError.notFound }
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            guard letter.state == .signed else { throw AppError.conflict }
            letter.state = .archived; letter.version += 1
            try await letter.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "letter.archive", entity: "org_unit", entityID: letter.unitCode,
                after: ["year": String(letter.year)], at: now)
            return letter.unitCode
        }
    }

    // MARK: Reports

    /// The unit's registry figures, frozen into a report when it is submitted.
    struct ReportFigures: Content, Equatable {
        let year: Int
        let households: Int, people: Int
        let remaining_households: Int, remaining_people: Int
        let exited_households: Int, exited_people: Int
        let paired_households: Int
    }

    static func schedule(on db: DataAccess) async throws -> ReportSchedule {
        var byLevel: [OrgLevel: ReportSchedule.Entry] = [:]
        for r in try await db.rows(ReportScheduleRecord.self).all() {
            guard let level = r.id.flatMap(OrgLevel.init(rawValue:)), let f = ReportFrequency(rawValue: r.frequency)
            else { continue }
            byLevel[level] = .init(frequency: f, dueDays: r.dueDays)
        }
        return ReportSchedule(byLevel: byLevel)
    }

    struct ReportInput: Content { var period: String?; var narrative: String? }

    static func submitReport(app: Application, user: CurrentUser, unit text: String, input: ReportInput) async throws
        -> RowID<ProgressReportRecord>
    {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        try await authorise(app, user, code)
        let label = try FormField.text(input.period, "period", max: 10)
        let narrative = try FormField.text(input.narrative, "narrative", max: 4_000)
        let today = app.clock.today, now = app.tuopin.now(), scope = user.scope
        let userID = user.id
        let id = try await app.write { tx -> RowID<ProgressReportRecord> in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            let schedule = try await schedule(on: tx)
            guard
                let period = schedule.periods(level: code.level, from: today.year - 1, through: today).first(where: {
                    $0.label == label
                }),
                today >= period.opensOn
            else { throw AppError.invalidField("period") }
            guard
                try await tx.rows(ProgressReportRecord.self).filter(\.$unitCode == code.value).filter(
                    \.$period == label
                ).count() == 0
            else {
                throw AppError.conflict
            }
            let figures = try await figures(on: tx, unit: code, year: period.end.year)
            let report = ProgressReportRecord()
            report.unitCode = code.value; report.period = label; report.dueOn = period.due
            report.submittedOn = today; report.submittedBy = userID; report.narrative = narrative
            report.figures = String(decoding: try JSONEncoder.sorted.encode(figures), as: UTF8.self)
            try await report.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "report.submit", entity: "org_unit", entityID: code.value,
                after: ["period": label, "figures": report.figures], at: now)
            return try report.requireID()
        }
        await recheck(app, code.value, user)
        return id
    }

    struct ScheduleInput: Content { var frequency: String?; var due_days: Int? }

    /// Region HQ sets when a level reports (a standard, like the poverty line).
    static func setSchedule(app: Application, user: CurrentUser, level raw: Int, input: ScheduleInput) async throws {
        guard let level = OrgLevel(rawValue: raw), ReportSchedule.reportingLevels.contains(level) else {
            throw AppError.notFound
        }
        guard user.scope.has(.editStandards) else { throw AppError.forbidden }
        guard let f = input.frequency.flatMap(ReportFrequency.init(rawValue:)) else {
            throw AppError.invalidField("frequency")
        }
        guard let days = input.due_days else { throw AppError.missingField("due_days") }
        do { _ = try ReportSchedule(byLevel: [level: .init(frequency: f, dueDays: days)]).validated() } catch {
            throw AppError.invalidField("due_days")
        }
        let now = app.tuopin.now()
        try await app.write { tx in
            guard let row = try await tx.lookup(ReportScheduleRecord.self, raw) else { throw AppError.notFound }
            let before = ["frequency": row.frequency, "due_days": String(row.dueDays)]
            row.frequency = f.rawValue; row.dueDays = days; row.version += 1
            try await row.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "report_schedule.set", entity: "org_level",
                entityID: String(raw),
                before: before, after: ["frequency": f.rawValue, "due_days": String(days)], at: now)
        }
    }

    // MARK: Plans

    struct PlanInput: Content {
        var kind: String?; var title: String?; var period_from: Int?; var period_to: Int?
        var target_households: Int?, target_people: Int?, target_villages: Int?, target_counties: Int?
        var target_funds: String?
        var approved_on: String?
    }

    /// Records a plan; a plan of the same kind and first year replaces the earlier one (both audited).
    static func savePlan(app: Application, user: CurrentUser, unit text: String, input: PlanInput) async throws
        -> RowID<UnitPlanRecord>
    {
        guard let code = OrgCode(text), code.level != .village else { throw AppError.notFound }
        try await authorise(app, user, code)
        guard let kind = input.kind.flatMap(PlanKind.init(rawValue:)) else { throw AppError.invalidField("kind") }
        let title = try FormField.text(input.title, "title", max: 200)
        guard let from = input.period_from else { throw AppError.missingField("period_from") }
        let to = input.period_to ?? (kind == .annual ? from : from + 4)
        if let field = kind.periodProblem(from: from, to: to) { throw AppError.invalidField(field) }
        let targets = try targets(
            input.target_households, input.target_people, input.target_villages, input.target_counties,
            funds: input.target_funds)
        let approved = try FormField.date(input.approved_on, "approved_on")
        if let field = PlanKind.approvalProblem(approvedOn: approved, periodFrom: from, today: app.clock.today) {
            throw AppError.invalidField(field)
        }
        let now = app.tuopin.now(), scope = user.scope
        let id = try await app.write { tx -> RowID<UnitPlanRecord> in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            let existing = try await tx.rows(UnitPlanRecord.self).filter(\.$unitCode == code.value).filter(
                \.$kind == kind
            )
            .filter(\.$periodFrom == from).first()
            let plan = existing ?? UnitPlanRecord()
            let before = existing.map { ["title": $0.title, "period_to": String($0.periodTo)] }
            plan.unitCode = code.value; plan.kind = kind; plan.title = title; plan.periodFrom = from; plan.periodTo = to
            plan.targets = targets; plan.approvedOn = approved
            try await plan.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "plan.save", entity: "org_unit", entityID: code.value,
                before: before,
                after: [
                    "kind": kind.rawValue, "title": title, "period": "\(from)-\(to)",
                    "targets": targets.auditText,
                ], at: now)
            return try plan.requireID()
        }
        await recheck(app, code.value, user)
        return id
    }

}

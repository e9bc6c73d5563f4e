import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The fund ledger (article 13, 21): receipts, allocations down the tree or to projects,
/// expenditures against projects, reversals, and their disclosure on the notice board. Each entry
/// is one transaction: the accounts it touches are locked, `FundLedger.post` decides, and the
/// entry, the new totals and the audit entry are written together. A refusal changes nothing.
enum FundService {
    struct EntryInput: Content {
        var source: String?
        var year: Int?
        /// 元, at most two decimals.
        var amount: String?
        var entry_date: String?
        /// A receipt: who sent it (the Centre, a partner province, a donor).
        var counterpart: String?
        /// An allocation: the child unit, or the project.
        var to_unit: String?
        @EmptyIsNil var project_id: RowID<ProjectRecord>?
        /// An expenditure: the voucher number, and the unit that pays when it is not the project's own
        /// account (a county or township paying a contractor directly for a project under it).
        var voucher: String?
        var from_unit: String?
        var note: String?
    }

    struct Parsed { let source: FundSource; let year: Int; let amount: Money; let date: CivilDate; let note: String }

    static func parse(_ input: EntryInput, today: CivilDate) throws -> Parsed {
        guard let s = input.source, !s.isEmpty else { throw AppError.missingField("source") }
        guard let source = FundSource(rawValue: s) else { throw AppError.invalidField("source") }
        guard let year = input.year else { throw AppError.missingField("year") }
        guard (2014...today.year + 1).contains(year) else { throw AppError.invalidField("year") }
        let amount = try FormField.amount(input.amount, "amount")
        let date = try FormField.date(input.entry_date, "entry_date")
        guard date <= today, FundLedger.dateFits(date, year: year) else { throw AppError.invalidField("entry_date") }
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 500, !TextInput.hasControlCharacters(note) else { throw AppError.invalidField("note") }
        return Parsed(source: source, year: year, amount: amount, date: date, note: note)
    }

    /// Money arriving at `unit` from outside the tree.
    static func receive(app: Application, user: CurrentUser, unit text: String, input: EntryInput) async throws
        -> RowID<FundEntryRecord>
    {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        try await authorise(app, user, code)
        let p = try parse(input, today: app.clock.today)
        let counterpart = try FormField.text(input.counterpart, "counterpart")
        return try await post(
            app: app, user: user, move: .receipt, p: p, from: nil, to: FundEntryRecord.holder(unit: code.value),
            fromUnit: nil, toUnit: code.value, projectID: nil, counterpart: counterpart, voucher: "")
    }

    /// From `unit` to a child unit or to a project sited under it.
    static func allocate(app: Application, user: CurrentUser, unit text: String, input: EntryInput) async throws
        -> RowID<FundEntryRecord>
    {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        try await authorise(app, user, code)
        let p = try parse(input, today: app.clock.today)
        if let projectID = input.project_id {
            guard input.to_unit.map(\.isEmpty) ?? true else { throw AppError.invalidField("to_unit") }
            let project = try await app.data(for: user.scope).project(id: projectID)
            guard FundLedger.mayFund(from: code, projectSite: OrgCode(project.siteCode)!) else {
                throw AppError.invalidField("project_id")
            }
            guard project.projectStatus.isApproved, project.projectStatus != .announced else {
                throw AppError.notEligible("fund_project_not_approved")
            }
            return try await post(
                app: app, user: user, move: .allocation, p: p, from: FundEntryRecord.holder(unit: code.value),
                to: project.holder, fromUnit: code.value, toUnit: project.siteCode, projectID: projectID,
                counterpart: "", voucher: "")
        }
        guard let toText = input.to_unit, !toText.isEmpty else { throw AppError.missingField("to_unit") }
        guard let to = OrgCode(toText), FundLedger.mayAllocate(from: code, toUnit: to),
            try await app.systemData.lookup(OrgUnit.self, to.value) != nil
        else { throw AppError.invalidField("to_unit") }
        return try await post(
            app: app, user: user, move: .allocation, p: p, from: FundEntryRecord.holder(unit: code.value),
            to: FundEntryRecord.holder(unit: to.value), fromUnit: code.value, toUnit: to.value, projectID: nil,
            counterpart: "", voucher: "")
    }

    /// Paid out of a project's account, with its voucher.
    /// Paid out against a project, with its voucher: from the project's own account, or from a unit
    /// above its site that pays directly.
    static func spend(app: Application, user: CurrentUser, projectID: RowID<ProjectRecord>, input: EntryInput)
        async throws -> RowID<FundEntryRecord>
    {
        let project = try await app.data(for: user.scope).project(id: projectID)
        let site = OrgCode(project.siteCode)!
        var payer: OrgCode?
        if let text = input.from_unit, !text.isEmpty {
            guard let code = OrgCode(text) else { throw AppError.invalidField("from_unit") }
            try await authorise(app, user, code)
            guard FundLedger.mayFund(from: code, projectSite: site) else { throw AppError.invalidField("from_unit") }
            payer = code
        } else {
            try await authorise(app, user, site)
        }
        let p = try parse(input, today: app.clock.today)
        let voucher = try FormField.text(input.voucher, "voucher", max: 60)
        return try await post(
            app: app, user: user, move: .expenditure, p: p,
            from: payer.map { FundEntryRecord.holder(unit: $0.value) } ?? project.holder,
            to: nil, fromUnit: payer?.value ?? project.siteCode, toUnit: project.siteCode, projectID: projectID,
            counterpart: "", voucher: voucher)
    }

    /// Who may act is settled before what they sent is judged.
    static func authorise(_ app: Application, _ user: CurrentUser, _ code: OrgCode) async throws {
        _ = try await app.data(for: user.scope).unit(code, for: .manageFunds)
    }

    private static func post(
        app: Application, user: CurrentUser, move: LedgerMove, p: Parsed, from: String?, to: String?,
        fromUnit: String?, toUnit: String, projectID: RowID<ProjectRecord>?, counterpart: String, voucher: String
    ) async throws -> RowID<FundEntryRecord> {
        let now = app.tuopin.now()
        return try await app.write { tx in
            let (debit, credit) = try await lock(tx, from: from, to: to, source: p.source, year: p.year)
            let result: (debit: FundAccount?, credit: FundAccount?)
            do {
                result = try FundLedger.post(move, amount: p.amount, debit: debit, credit: credit)
            } catch let error as LedgerProblem { throw problem(error) }
            try await store(tx, from: from, account: result.debit, source: p.source, year: p.year)
            try await store(tx, from: to, account: result.credit, source: p.source, year: p.year)
            let e = FundEntryRecord()
            e.move = move; e.source = p.source; e.year = p.year; e.fromHolder = from; e.toHolder = to
            e.fromUnit = fromUnit; e.toUnit = toUnit; e.projectID = projectID; e.amount = p.amount.fen;
            e.counterpart = counterpart
            e.voucher = voucher; e.entryDate = p.date; e.note = p.note; e.createdBy = user.id; e.createdAt = now
            try await e.create(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "fund.\(move.rawValue)", entity: "fund_entry",
                entityID: String(e.id!),
                after: [
                    "source": p.source.rawValue, "year": String(p.year), "from": from ?? "", "to": to ?? "",
                    "amount": p.amount.description, "date": p.date.description, "voucher": voucher,
                ], at: now)
            return e.id!
        }
    }

    /// A correction: the entry run backwards, as a new entry. The receiving side must still hold the amount.
    static func reverse(app: Application, user: CurrentUser, entryID: RowID<FundEntryRecord>, reason: String?)
        async throws -> RowID<FundEntryRecord>
    {
        let access = app.data(for: user.scope)
        let original = try await access.fundEntry(id: entryID)
        try await authorise(app, user, OrgCode(original.fromUnit ?? original.toUnit)!)
        let why = try FormField.text(reason, "reason", max: 500)
        guard original.reversesID == nil else { throw AppError.notEligible("fund_reversal_of_reversal") }
        let now = app.tuopin.now()
        let today = app.clock.today
        return try await app.write { tx in
            guard try await tx.rows(FundEntryRecord.self).filter(\.$reversesID == entryID).count() == 0 else {
                throw AppError.conflict
            }
            let source = original.source, move = original.move
            let (debit, credit) = try await lock(
                tx, from: original.fromHolder, to: original.toHolder, source: source, year: original.year)
            let result: (debit: FundAccount?, credit: FundAccount?)
            do {
                result = try FundLedger.post(
                    move, amount: Money(fen: original.amount), debit: debit, credit: credit, reversing: true)
            } catch let error as LedgerProblem { throw problem(error) }
            try await store(tx, from: original.fromHolder, account: result.debit, source: source, year: original.year)
            try await store(tx, from: original.toHolder, account: result.credit, source: source, year: original.year)
            let e = FundEntryRecord()
            e.move = original.move; e.source = original.source; e.year = original.year;
            e.fromHolder = original.fromHolder
            e.toHolder = original.toHolder; e.fromUnit = original.fromUnit; e.toUnit = original.toUnit;
            e.projectID = original.projectID
            e.amount = -original.amount; e.counterpart = original.counterpart; e.voucher = original.voucher
            e.entryDate = today; e.note = why; e.reversesID = entryID; e.createdBy = user.id; e.createdAt = now
            do { try await e.create(on: tx) } catch let error as any DatabaseError where error.isConstraintFailure {
                throw AppError.conflict
            }
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "fund.reverse", entity: "fund_entry", entityID: String(e.id!),
                after: ["reverses": String(entryID), "amount": Money(fen: original.amount).description, "reason": why],
                at: now)
            return e.id!
        }
    }

    static func problem(_ error: LedgerProblem) -> AppError {
        switch error {
        case .insufficient(let available): .insufficientFunds(available: available)
        case .nonPositiveAmount: .invalidField("amount")
        case .alreadyReversed: .conflict
        }
    }

    // MARK: Disclosure

    /// A unit's allocations still to publish: its own, not a reversal, not reversed, not on a notice yet.
    static func disclosable(on db: DataAccess, unit: OrgCode) -> QueryBuilder<FundEntryRecord> {
        db.rows(FundEntryRecord.self).filter(\.$fromUnit == unit.value).filter(\.$move == .allocation)
            .filter(\.$reversesID == nil).filter(\.$noticeID == nil)
            .filter(.sql(SQLRaw("NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = fund_entries.id)")))
    }

    struct DiscloseInput: Content {
        var entry_ids: [RowID<FundEntryRecord>]?
        var place: String?
        var starts_on: String?
        var ends_on: String?
    }

    /// Puts a unit's allocations on the notice board (article 21, 25: "who allocates, uses and
    /// discloses"): one notice, at least the year's board minimum, open for objections.
    static func disclose(app: Application, user: CurrentUser, unit text: String, input: DiscloseInput) async throws
        -> RowID<Notice>
    {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        try await authorise(app, user, code)
        let ids = Array(Set(input.entry_ids ?? [])).sorted()
        guard !ids.isEmpty else { throw AppError.missingField("entry_ids") }
        guard ids.count <= 500 else { throw AppError.invalidField("entry_ids") }
        let today = app.clock.today
        let place = try FormField.text(input.place, "place", max: 200)
        let start = try FormField.date(input.starts_on, "starts_on")
        let end = try FormField.date(input.ends_on, "ends_on")
        let now = app.tuopin.now()
        return try await app.write { tx in
            let entries = try await disclosable(on: tx, unit: code).filter(\.$id ~~ ids).sort(\.$id).all()
            guard entries.count == ids.count else {
                // Already on a notice (a second submit) is a conflict; anything else is not this unit's to publish.
                let published = try await tx.rows(FundEntryRecord.self).filter(\.$id ~~ ids).filter(\.$noticeID != nil)
                    .count()
                throw published > 0 ? AppError.conflict : AppError.invalidField("entry_ids")
            }
            let standards = try await StandardsController.lookup(on: tx)
            let minDays = standards[entries[0].year]?.fundNoticeMinDays ?? 10
            try NoticeService.validatePeriod(start: start, end: end, today: today, minDays: minDays)
            let unit = try await tx.lookup(OrgUnit.self, code.value)!
            let zh = app.localizer.translations(.zh)
            var rows: [[String]] = []
            let projects = try await tx.rows(ProjectRecord.self).filter(\.$id ~~ entries.compactMap(\.projectID)).all()
            let projectNames = Dictionary(uniqueKeysWithValues: projects.map { ($0.id!, $0.name) })
            for e in entries {
                var recipient = e.projectID.flatMap { projectNames[$0] } ?? ""
                if recipient.isEmpty { recipient = try await tx.fullName(of: e.toUnit) }
                rows.append([
                    e.entryDate.description, zh[e.source.labelKey], recipient, Money(fen: e.amount).description, e.note,
                ])
            }
            let notice = Notice()
            notice.kind = NoticeKind.gonggao; notice.workflow = Workflows.fundDisclosure.id; notice.action = "disclose"
            notice.unitCode = code.value
            notice.countyCode = code.ancestor(at: .county)?.value ?? code.value
            notice.prefectureCode = code.ancestor(at: .prefecture)?.value ?? code.value
            notice.place = place; notice.startsOn = start; notice.endsOn = end
            notice.createdBy = user.id; notice.createdAt = now
            notice.title = zh.format(
                "notice_title_W-funds", try await tx.fullName(of: unit.id!), String(entries[0].year))
            notice.entries = String(
                decoding: try JSONEncoder().encode(
                    NoticeService.Entries(
                        columns: [
                            "notice_col_date", "notice_col_source", "notice_col_recipient", "notice_col_amount",
                            "notice_col_use",
                        ], rows: rows)),
                as: UTF8.self)
            try await notice.create(on: tx)
            try await tx.markDisclosed(entries: ids, by: notice.requireID())
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "fund.disclose", entity: "notice", entityID: String(notice.id!),
                after: [
                    "unit": code.value, "entries": ids.map(String.init).joined(separator: ","),
                    "starts_on": notice.startsOn.description, "ends_on": notice.endsOn.description,
                ], at: now)
            return notice.id!
        }
    }
}

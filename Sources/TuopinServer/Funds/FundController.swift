import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Funds and projects as pages and through the API: a unit's ledger (`/units/{code}/funds`), the
/// project library (`/projects`), a project with its money and workflow, the fund-flow report.
/// Reads go through the scoped data access; changes through `FundService` and `ProjectService`.
enum FundController {
    struct Option: Encodable { let value: String; let label: String }
    struct AccountRow: Content {
        let source: String; let source_label: String; let year: Int; let received: String; let allocated: String;
        let spent: String
        let balance: String; let disbursement_pct: String?
    }
    struct EntryRow: Content {
        let id: RowID<FundEntryRecord>; let move: String; let move_label: String; let source: String;
        let source_label: String;
        let year: Int
        let from_unit: String?; let to_unit: String; let project_id: RowID<ProjectRecord>?; let recipient: String;
        let amount: String;
        let entry_date: String
        let voucher: String; let counterpart: String; let note: String; let reverses_id: RowID<FundEntryRecord>?;
        let reversed: Bool;
        let notice_id: RowID<Notice>?
        /// The user may reverse (冲销) this entry: it is neither reversed nor a reversal, and the user manages the
        /// funds of the unit that made it.
        let may_reverse: Bool
    }
    struct FundsView: Content {
        let unit_code: String; let unit_name: String; let accounts: [AccountRow]; let entries: [EntryRow]
    }

    /// The accounts of a holder (a unit or a project), by year and source.
    static func accounts(_ db: DataAccess, holder: String, t: Translations) async throws -> [AccountRow] {
        try await db.rows(FundAccountRecord.self).filter(\.$id.$holder == holder).all()
            .sorted { ($0.id!.year, $0.id!.source) > ($1.id!.year, $1.id!.source) }.map { r in
                let a = r.account
                return AccountRow(
                    source: r.id!.source, source_label: t["fund_source_\(r.id!.source)"], year: r.id!.year,
                    received: a.received.description, allocated: a.allocated.description, spent: a.spent.description,
                    balance: a.balance.description, disbursement_pct: a.disbursementBP.map(StandardsController.percent))
            }
    }

    static func entryRows(_ req: Request, _ entries: [FundEntryRecord]) async throws -> [EntryRow] {
        let t = req.t, user = req.auth.get(CurrentUser.self)
        let reversed = Set(
            try await req.data.rows(FundEntryRecord.self).filter(\.$reversesID ~~ entries.compactMap(\.id)).all()
                .compactMap(\.reversesID))
        let projects = try await req.data.rows(ProjectRecord.self).filter(\.$id ~~ entries.compactMap(\.projectID))
            .all()
        let projectNames = Dictionary(uniqueKeysWithValues: projects.map { ($0.id!, $0.name) })
        let unitNames = try await req.data.unitNames(Set(entries.map(\.toUnit)))
        return entries.map { e in
            EntryRow(
                id: e.id!, move: e.move.rawValue, move_label: t["fund_move_\(e.move)"], source: e.source.rawValue,
                source_label: t["fund_source_\(e.source)"],
                year: e.year, from_unit: e.fromUnit, to_unit: e.toUnit, project_id: e.projectID,
                recipient: e.projectID.flatMap { projectNames[$0] } ?? unitNames[e.toUnit] ?? e.toUnit,
                amount: Money(fen: e.amount).description, entry_date: e.entryDate.description, voucher: e.voucher,
                counterpart: e.counterpart,
                note: e.note, reverses_id: e.reversesID, reversed: reversed.contains(e.id!), notice_id: e.noticeID,
                may_reverse: !reversed.contains(e.id!) && e.reversesID == nil
                    && (user?.scope.permits(.manageFunds, on: OrgCode(e.fromUnit ?? e.toUnit)!) ?? false))
        }
    }

    static func funds(_ req: Request, code text: String) async throws -> FundsView {
        _ = try req.requireUser()
        guard let code = OrgCode(text) else { throw AppError.notFound }
        let unit = try await req.data.unit(code)
        guard req.data.mayReadRegistry else { throw AppError.forbidden }
        let entries = try await req.data.fundEntries().group(.or) {
            $0.filter(\.$fromUnit == code.value).filter(\.$toUnit == code.value)
        }
        .sort(\.$id, .descending).limit(200).all()
        return FundsView(
            unit_code: code.value, unit_name: try await req.data.fullName(of: unit.id!),
            accounts: try await accounts(req.data, holder: FundEntryRecord.holder(unit: code.value), t: req.t),
            entries: try await entryRows(req, entries))
    }

    // MARK: Pages

    struct ProjectRow: Content {
        let id: RowID<ProjectRecord>; let name: String; let category: String; let category_label: String;
        let site: String;
        let site_name: String
        let budget: String; let status: String; let status_label: String; let progress_pct: Int; let start_year: Int;
        let end_year: Int
        let case_id: RowID<WorkflowCase>?
    }

    struct FundsPage: Encodable {
        let f: FundsView; let mayManage: Bool; let formError: String?; let sources: [Option]; let children: [Option];
        let projects: [ProjectRow]
        let undisclosed: [EntryRow]; let today: String; let year: Int; let minDays: Int; let endsOn: String
        let reportHref: String; let loans: LoanTotals; let objections: [ObjectionRow]
    }
    struct ObjectionRow: Encodable {
        let id: RowID<Objection>; let notice_id: RowID<Notice>; let filed_at: String; let text: String;
        let name: String; let contact: String
        let status_label: String
        let decision_reason: String; let can_decide: Bool
    }

    /// Objections on the unit's fund disclosures: decided here, since they have no case.
    static func objections(_ req: Request, code: OrgCode, mayManage: Bool) async throws -> [ObjectionRow] {
        let notices = try await req.data.notices().filter(\.$unitCode == code.value).filter(
            \.$workflow == Workflows.fundDisclosure.id
        ).all(\.$id)
        guard !notices.isEmpty else { return [] }
        let t = req.t
        let objections = try await req.data.rows(Objection.self).filter(\.$noticeID ~~ notices)
            .filter(\.$kind == .objection).sort(\.$id, .descending).limit(100).all()
        // An objector's contact shown in full is a read of personal data: audited, like a household's.
        let contacts = mayManage ? objections.filter { $0.contactCipher != nil }.compactMap(\.id) : []
        if !contacts.isEmpty {
            try await ReadAudit.record(
                req, user: try req.requireUser(), action: "objection.contact_read", entity: "org_unit",
                entityID: code.value, detail: ["objections": contacts.map(String.init).joined(separator: ",")])
        }
        return objections.map { o in
            ObjectionRow(
                id: o.id!, notice_id: o.noticeID, filed_at: Clock.minute(o.filedAt), text: o.text, name: o.name,
                contact: ObjectionContact.shown(o, toDecider: mayManage, req.tuopin.protector),
                status_label: t["objection_status_\(o.status)"], decision_reason: o.decisionReason,
                can_decide: mayManage && o.status == .open)
        }
    }
    struct LoanTotals: Content { let count: Int; let amount: String; let outstanding: String; let overdue: Int }

    @Sendable static func page(req: Request) async throws -> Response {
        try await renderFunds(req, formError: nil, status: .ok)
    }

    static func renderFunds(_ req: Request, formError: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try req.requireUser()
        let text = req.parameters.get("code") ?? ""
        let f = try await funds(req, code: text)
        let code = OrgCode(text)!
        let t = req.t, today = req.clock.today
        let children = try await req.data.children(of: code).map { Option(value: $0.id!, label: $0.name) }
        let projects = try await projectRows(
            req,
            try await req.data.projects().filter(\.$siteCode =~ code.value).sort(\.$id, .descending).limit(200).all())
        let standard = try await StandardsController.lookup(on: req.data)[today.year]
        let minDays = standard?.fundNoticeMinDays ?? 10
        let mayManage = user.scope.permits(.manageFunds, on: code)
        return try await Page.render(
            req, "funds",
            FundsPage(
                f: f, mayManage: mayManage, formError: formError,
                sources: FundSource.allCases.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                children: children, projects: projects,
                undisclosed: try await entryRows(
                    req, try await FundService.disclosable(on: req.data, unit: code).sort(\.$id).limit(500).all()),
                today: today.description, year: today.year, minDays: minDays,
                endsOn: today.adding(days: minDays - 1).description,
                reportHref: SiteURL.unitPart(code.value, "fund-flow").path,
                loans: try await loanTotals(req, code: code, today: today),
                objections: try await objections(req, code: code, mayManage: mayManage)), status: status)
    }

    static func loanTotals(_ req: Request, code: OrgCode, today: CivilDate) async throws -> LoanTotals {
        let loans = try await req.data.loans().filter(.sql(ScopeSQL.under([code], column: "village_code"))).all()
        let outstanding = loans.reduce(Int64(0)) { $0 + $1.amount - $1.repaid }
        let overdue = loans.filter {
            LoanTerms.isOverdue(
                start: CivilDate(iso: $0.startDate.description)!, months: $0.months,
                outstanding: Money(fen: $0.amount - $0.repaid), today: today)
        }.count
        return LoanTotals(
            count: loans.count, amount: Money(fen: loans.reduce(0) { $0 + $1.amount }).description,
            outstanding: Money(fen: outstanding).description, overdue: overdue)
    }

    /// A unit form: the change, then back to the funds page (or the page again with the reason).
    static func unitForm<Input: Content, Created>(
        _ type: Input.Type,
        _ action: @escaping @Sendable (Application, CurrentUser, String, Input) async throws -> Created
    )
        -> @Sendable (Request) async throws -> Response
    {
        { req in
            let user = try req.requireUser(), code = req.parameters.get("code") ?? ""
            // Who may act is settled before what they sent is read.
            guard let unit = OrgCode(code) else { throw AppError.notFound }
            try await FundService.authorise(req.application, user, unit)
            return try await FormFlow.submit(req) {
                let input = try req.content.decode(type)
                _ = try await action(req.application, user, code, input)
                return .redirect(SiteURL.unitPart(code, "funds").path)
            } orShow: { refusal in
                return try await renderFunds(req, formError: refusal.message, status: refusal.status)
            }
        }
    }
    static let receiptForm = unitForm(FundService.EntryInput.self, FundService.receive(app:user:unit:input:))
    static let allocationForm = unitForm(FundService.EntryInput.self, FundService.allocate(app:user:unit:input:))
    static let disclosureForm = unitForm(FundService.DiscloseInput.self, FundService.disclose(app:user:unit:input:))

    struct ReverseInput: Content { var reason: String? }

    @Sendable static func reverseForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<FundEntryRecord> = try req.intParameter("id")
        let entry = try await req.data.fundEntry(id: id)
        let input = try req.content.decode(ReverseInput.self)
        let back =
            entry.projectID.map { SiteURL.project($0, nil).path }
            ?? SiteURL.unitPart(entry.fromUnit ?? entry.toUnit, "funds").path
        return try await FormFlow.submit(req) {
            _ = try await FundService.reverse(app: req.application, user: user, entryID: id, reason: input.reason)
            return .redirect(back)
        } orShow: { refusal in
            if let p = entry.projectID {
                return try await renderProject(req, id: p, formError: refusal.message, status: refusal.status)
            }
            req.parameters.set("code", to: entry.fromUnit ?? entry.toUnit)
            return try await renderFunds(req, formError: refusal.message, status: refusal.status)
        }
    }
}

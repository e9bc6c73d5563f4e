import Crypto
import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Public notices (公示/公告) and objections (article 15, 22). A notice carries only what may be
/// shown in public: names, village, household size and attribute, never ID numbers, phones,
/// bank accounts or health. Objections block the cases they concern until the responsible unit
/// decides them.
enum NoticeService {
    /// A notice's rows as stored: column keys (message keys) and masked values.
    struct Entries: Codable, Sendable {
        var columns: [String]
        var rows: [[String]]
    }

    static func entries(tx: DataAccess, workflow: WorkflowDefinition, cases: [WorkflowCase], zh: Translations)
        async throws -> String
    {
        var result: Entries
        switch workflow.subject {
        case .household:
            result = Entries(
                columns: [
                    "notice_col_number", "notice_col_head", "notice_col_village", "notice_col_size",
                    "notice_col_attribute",
                ], rows: [])
            let ids = cases.compactMap(\.householdID)
            let households = try await tx.rows(Household.self).filter(\.$id ~~ ids).all()
            let heads = try await tx.rows(Member.self).filter(\.$household.$id ~~ ids).filter(\.$relation == .head)
                .all()
            let headBy = Dictionary(heads.map { ($0.$household.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let villages = try await tx.unitNames(Set(households.map(\.villageCode)))
            for h in households.sorted(by: { $0.number < $1.number }) {
                result.rows.append([
                    h.number, headBy[h.id!] ?? "", villages[h.villageCode] ?? h.villageCode, String(h.memberCount),
                    h.attribute.label,
                ])
            }
        case .village, .township:
            result = Entries(
                columns: [
                    "notice_col_village", "notice_col_rural_population", "notice_col_remaining_poor",
                    "notice_col_incidence",
                ], rows: [])
            for c in cases {
                let (poor, population) =
                    workflow.subject == .village
                    ? try await CaseFigures.village(on: tx, code: c.unitCode)
                    : try await CaseFigures.township(on: tx, code: c.unitCode)
                let bp = population.flatMap { basisPoints(poor, of: $0) }
                result.rows.append([
                    try await tx.fullName(of: c.unitCode), population.map(String.init) ?? "—", String(poor),
                    bp.map { StandardsController.percent($0) + "%" } ?? "—",
                ])
            }
        case .project, .allocation:
            // What the public may know of a project (article 21): no personal data, counts only.
            result = Entries(
                columns: [
                    "notice_col_project", "notice_col_site", "notice_col_category", "notice_col_budget",
                    "notice_col_sources", "notice_col_beneficiaries", "notice_col_period",
                ], rows: [])
            let projects = try await tx.rows(ProjectRecord.self).filter(\.$id ~~ cases.compactMap(\.projectID)).sort(
                \.$id
            ).all()
            for p in projects {
                result.rows.append([
                    p.name, try await tx.fullName(of: p.siteCode), zh[p.category.labelKey],
                    Money(fen: p.budget).description, p.fundingSources,
                    zh.format(
                        "notice_beneficiaries", String(p.households), String(p.people), String(p.poorHouseholds),
                        String(p.poorPeople)),
                    "\(p.startYear)–\(p.endYear)",
                ])
            }
        case .county:
            result = Entries(
                columns: [
                    "notice_col_county", "notice_col_rural_population", "notice_col_remaining_poor",
                    "notice_col_incidence",
                ], rows: [])
            for c in cases {
                let (poor, _, population) = try await CaseFigures.county(on: tx, code: c.unitCode)
                let recorded = (try? JSONDecoder().decode(CaseService.Recorded.self, from: Data(c.facts.utf8)))
                result.rows.append([
                    try await tx.fullName(of: c.unitCode), String(population), String(poor),
                    recorded?.incidenceBP.map { StandardsController.percent($0) + "%" } ?? "—",
                ])
            }
        }
        return String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
    }

    /// A notice's period as TuopinCore judges it, as the user's error.
    static func validatePeriod(start: CivilDate, end: CivilDate, today: CivilDate, minDays: Int) throws {
        do {
            try NoticePeriod.validate(start: start, end: end, today: today, minDays: minDays)
        } catch {
            switch error {
            case .startInPast: throw AppError.invalidField("starts_on")
            case .tooShort(let days): throw AppError.noticeTooShort(days)
            case .tooLong: throw AppError.invalidField("ends_on")
            }
        }
    }

    /// Open objections that block `caseID`: those about the case, and those about the whole notice.
    static func openObjections(on db: DataAccess, noticeID: RowID<Notice>, caseID: RowID<WorkflowCase>) async throws
        -> Int
    {
        // Objections and supervisors' observations alike (article 30).
        try await db.rows(Objection.self).filter(\.$noticeID == noticeID).filter(\.$status == .open)
            .group(.or) { $0.filter(\.$caseID == nil).filter(\.$caseID == caseID) }.count()
    }

    /// A notice still takes objections while any of its cases waits on it.
    /// A notice takes objections while a case waits on it; a fund disclosure (no case) while its period runs.
    static func isOpen(on db: DataAccess, noticeID: RowID<Notice>, today: CivilDate) async throws -> Bool {
        if let n = try await db.lookup(Notice.self, noticeID), n.workflow == Workflows.fundDisclosure.id {
            return !NoticePeriod.hasEnded(end: CivilDate(iso: n.endsOn.description)!, today: today)
        }
        return try await db.rows(WorkflowCase.self).filter(\.$noticeID == noticeID).filter(\.$status == .open).count()
            > 0
    }

    // MARK: Objections

    struct ObjectionInput: Content {
        var text: String?
        var name: String?
        var contact: String?
        var case_id: RowID<WorkflowCase>?
        var kind: String?
        /// The page form's one-time token: the same form sent again files nothing and returns the first code.
        var form_token: String?
    }

    static let codeAlphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// Files an objection (anyone) or an observation (the village supervisor of the notice's village).
    /// Returns the tracking code.
    static func file(
        app: Application, user: CurrentUser?, noticeID: RowID<Notice>, input: ObjectionInput, client: String
    )
        async throws -> String
    {
        let text = (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw AppError.missingField("text") }
        guard text.count <= 2000, !TextInput.hasControlCharacters(text) else { throw AppError.invalidField("text") }
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard name.count <= PersonName.maxLength, !PersonName.hasHiddenCharacters(name) else {
            throw AppError.invalidField("name")
        }
        let contact = (input.contact ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard contact.count <= 100, !PersonName.hasHiddenCharacters(contact) else {
            throw AppError.invalidField("contact")
        }
        guard let kind = ObjectionKind(rawValue: input.kind ?? ObjectionKind.objection.rawValue) else {
            throw AppError.invalidField("kind")
        }
        let now = app.tuopin.now()
        let protector = app.tuopin.protector
        // Keyed: a copy of the database does not give the addresses back (issue #22).
        let clientHash = protector.index("objection-client:" + client)
        let token = input.form_token.flatMap { $0.count == 32 && $0.allSatisfy(\.isHexDigit) ? $0 : nil }
        return try await app.write { tx in
            guard let notice = try await tx.lookup(Notice.self, noticeID) else { throw AppError.notFound }
            if let token, let first = try await tx.rows(Objection.self).filter(\.$formToken == token).first() {
                guard first.noticeID == noticeID else { throw AppError.invalidField("form_token") }
                return first.code
            }
            guard try await isOpen(on: tx, noticeID: noticeID, today: app.clock.today) else {
                throw AppError.noticeClosed
            }
            if kind == .observation {
                // Observations are the village supervisors' (村务监督委员会) own channel.
                guard let user, user.scope.mayObserve(noticeConcerning: try await tx.unitsConcerned(byNotice: notice))
                else {
                    throw AppError.forbidden
                }
            }
            if let caseID = input.case_id {
                guard
                    try await tx.rows(NoticeCase.self).filter(\.$id.$noticeID == noticeID).filter(
                        \.$id.$caseID == caseID
                    ).count() == 1
                else {
                    throw AppError.invalidField("case_id")
                }
            }
            let recent = try await tx.rows(Objection.self).filter(\.$clientHash == clientHash)
                .filter(\.$filedAt > now.addingTimeInterval(-3600)).count()
            guard recent < ObjectionRule.perHour else { throw AppError.tooManyRequests }
            var rng = SystemRandomNumberGenerator()
            let objection = Objection()
            objection.noticeID = noticeID; objection.caseID = input.case_id; objection.kind = kind;
            objection.text = text
            objection.name = name; objection.contactCipher = contact.isEmpty ? nil : try protector.encrypt(contact)
            objection.status = ObjectionRule.initialStatus(kind); objection.decisionReason = ""
            objection.filedAt = now; objection.filedBy = user?.id; objection.clientHash = clientHash
            objection.formToken = token
            objection.code = String((0..<10).map { _ in codeAlphabet[Int(rng.next() % UInt64(codeAlphabet.count))] })
            try await objection.create(on: tx)
            try await AuditLog.append(
                on: tx, actor: user?.auditActor ?? .init(id: "public"), action: "objection.file", entity: "objection",
                entityID: String(objection.id!),
                after: [
                    "notice": String(noticeID), "kind": kind.rawValue,
                    "case": input.case_id.map(String.init) ?? "",
                ], at: now)
            return objection.code
        }
    }

    struct DecisionInput: Content {
        var decision: String?
        var reason: String?
    }

    /// The responsible unit decides: accepted sends the case(s) back to the step before the notice;
    /// rejected keeps them, with the reason shown publicly; an observation is answered (the answer shown too).
    static func decide(app: Application, user: CurrentUser, objectionID: RowID<Objection>, input: DecisionInput)
        async throws
    {
        guard let decision = input.decision, let status = ObjectionRule.status(after: decision) else {
            throw AppError.invalidField("decision")
        }
        let reason = (input.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw AppError.missingField("reason") }
        guard reason.count <= 1000 else { throw AppError.invalidField("reason") }
        let now = app.tuopin.now()
        try await app.write { tx in
            // Only those who may read the notice's unit see it; only the publishing step's roles decide.
            let access = tx.scoped(user.scope)
            guard let objection = try await tx.lookup(Objection.self, objectionID),
                let notice = try await access.notices().filter(\.$id == objection.noticeID).first()
            else { throw AppError.notFound }
            guard ObjectionRule.decisions(for: objection.kind).contains(decision) else {
                throw AppError.invalidField("decision")
            }
            let workflow = Workflows.named(notice.workflow)!
            guard
                user.scope.decidesObjections(
                    onNoticeOf: notice.workflow, action: notice.action, unit: OrgCode(notice.unitCode)!)
            else { throw AppError.forbidden }
            guard
                try await tx.decideObjection(id: objectionID, status: status, reason: reason, by: user.id, at: now)
            else {
                throw AppError.conflict
            }
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "objection.\(decision)", entity: "objection",
                entityID: String(objectionID), after: ["reason": reason], at: now)
            if decision == "accept" {
                var affected = try await access.cases().filter(\.$noticeID == notice.id!).all()
                if let caseID = objection.caseID { affected = affected.filter { $0.id == caseID } }
                let before = workflow.stepIndex(notice.action)!
                try await CaseService.sendBack(
                    tx: tx, user: user, cases: affected, to: before, reason: reason, outcome: "objectionAccepted",
                    now: now)
            }
        }
    }
}

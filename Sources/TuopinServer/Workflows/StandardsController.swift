import Fluent
import TuopinCore
import Vapor

/// The yearly standards (扶贫标准): readable by every signed-in user, changed only by region HQ,
/// versioned and audited. R-06-1 (低保 line ≥ poverty line) is shown for every year.
enum StandardsController {
    struct Row: Content {
        let year: Int; let poverty_line: String; let dibao_line: String; let notice_min_days: Int
        let village_incidence_pct: String; let county_incidence_pct: String; let wrong_exit_pct: String
        let missed_pct: String; let recognition_pct: String; let is_default: Bool; let version: Int;
        let meets_r06_1: Bool
        let fund_notice_min_days: Int; let aid_county_pct: String; let aid_livelihood_pct: String;
        let loan_max_rate_pct: String
    }

    static func percent(_ bp: Int) -> String { "\(bp / 100).\(String(format: "%02d", bp % 100))" }

    static func row(_ r: StandardRecord) -> Row {
        let s = r.standard
        return Row(
            year: s.year, poverty_line: s.povertyLine.description, dibao_line: s.dibaoLine.description,
            notice_min_days: s.noticeMinDays, village_incidence_pct: percent(s.villageIncidenceBP),
            county_incidence_pct: percent(s.countyIncidenceBP), wrong_exit_pct: percent(s.wrongExitBP),
            missed_pct: percent(s.missedBP), recognition_pct: percent(s.recognitionBP), is_default: r.isDefault,
            version: r.version, meets_r06_1: s.meetsR06_1, fund_notice_min_days: s.fundNoticeMinDays,
            aid_county_pct: percent(s.aidCountyBP), aid_livelihood_pct: percent(s.aidLivelihoodBP),
            loan_max_rate_pct: percent(s.loanMaxRateBP))
    }

    static func all(on db: DataAccess) async throws -> [StandardRecord] {
        try await db.rows(StandardRecord.self).sort(\.$id).all()
    }

    /// The standard of a year as the workflows and checks read it.
    static func lookup(on db: DataAccess) async throws -> [Int: Standard] {
        Dictionary(uniqueKeysWithValues: try await all(on: db).map { ($0.id!, $0.standard) })
    }

    struct QuotaRow: Encodable { let rank: String; let label: String; let households: Int; let version: Int }
    struct View: Encodable {
        let rows: [Row]; let canEdit: Bool; let error: String?; let quotas: [QuotaRow]
        /// The year after the latest, offered prefilled with the latest year's values (region HQ adds it).
        let nextYear: Int?; let latest: Row?; let missingThisYear: Bool
        /// The local-practice numbers (地方实践) and the practice numbers edited elsewhere.
        let practices: [LocalPracticeController.Row]; let practicesElsewhere: [LocalPracticeController.Elsewhere]
        /// The monitoring standards (issue #26), with the year after the latest offered like the standards'.
        let monitoring: [MonitoringStandardsController.Row]; let monitoringLatest: MonitoringStandardsController.Row?
        let monitoringNextYear: Int?; let monitoringMissingThisYear: Bool
    }

    @Sendable static func page(req: Request) async throws -> Response {
        try await page(req, error: nil)
    }

    static func page(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let t = req.t
        let stored = Dictionary(
            uniqueKeysWithValues: try await req.data.rows(PairingQuotaRecord.self).all().map { ($0.id!, $0.version) })
        let quotas = try await PairingService.quotas(on: req.data)
        let rows = try await all(on: req.data).map(row)
        let latest = rows.max { $0.year < $1.year }
        let monitoring = try await MonitoringStandardsController.rows(on: req.data)
        let monitoringLatest = monitoring.max { $0.year < $1.year }
        return try await Page.render(
            req, "standards",
            View(
                rows: rows, canEdit: user.scope.has(.editStandards), error: error,
                quotas: QuotaGroup.allCases.map { r in
                    QuotaRow(
                        rank: r.rawValue, label: t[r.labelKey], households: quotas.required(for: r),
                        version: stored[r.rawValue] ?? 0)
                }, nextYear: latest.map { $0.year + 1 }, latest: latest,
                missingThisYear: !rows.contains { $0.year == req.clock.today.year },
                practices: try await LocalPracticeController.rows(on: req.data, t: t),
                practicesElsewhere: LocalPracticeController.elsewhere(t), monitoring: monitoring,
                monitoringLatest: monitoringLatest, monitoringNextYear: monitoringLatest.map { $0.year + 1 },
                monitoringMissingThisYear: !monitoring.contains { $0.year == req.clock.today.year }), status: status)
    }

    @Sendable static func quotaForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await FormFlow.submit(req) {
            let input = try req.content.decode(PairingService.QuotaInput.self)
            try await PairingService.setQuota(
                app: req.application, user: user, rank: req.parameters.get("rank") ?? "", input: input)
            return .redirect(SiteURL.standards.path)
        } orShow: { refusal in
            return try await page(req, error: refusal.message, status: refusal.status)
        }
    }

    @Sendable static func apiList(req: Request) async throws -> [Row] {
        _ = try req.requireUser()
        return try await all(on: req.data).map(row)
    }

    /// Text fields (元 and %) as a form or JSON sends them.
    struct Input: Content {
        let version: Int?; let poverty_line: String?; let dibao_line: String?; let notice_min_days: String?
        let village_incidence_pct: String?; let county_incidence_pct: String?; let wrong_exit_pct: String?
        let missed_pct: String?; let recognition_pct: String?
        /// The fund standards (articles 25, 33, 36); when left out, the year keeps its current ones.
        let fund_notice_min_days: String?; let aid_county_pct: String?; let aid_livelihood_pct: String?;
        let loan_max_rate_pct: String?
    }

    static func parsePercent(_ text: String?, field: String) throws -> Int {
        guard let text, let m = IncomesTemplate.parseYuan(text.trimmingCharacters(in: .whitespaces)), m.fen >= 0,
            m.fen <= 10_000
        else {
            throw AppError.invalidField(field)
        }
        return Int(m.fen)  // "3.00" → 300 basis points
    }

    static func save(req: Request, year: Int, input: Input) async throws -> Row {
        let user = try req.requireUser()
        guard user.scope.has(.editStandards) else { throw AppError.forbidden }
        guard let version = input.version else { throw AppError.missingField("version") }
        guard let days = input.notice_min_days.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw AppError.invalidField("notice_min_days")
        }
        let current =
            try await req.data.lookup(StandardRecord.self, year)?.standard
            ?? Standard(year: year, povertyLine: .zero, dibaoLine: .zero)
        func optionalPercent(_ text: String?, _ field: String, _ keep: Int) throws -> Int {
            guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return keep }
            return try parsePercent(text, field: field)
        }
        var fundDays = current.fundNoticeMinDays
        if let text = input.fund_notice_min_days?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let d = Int(text) else { throw AppError.invalidField("fund_notice_min_days") }
            fundDays = d
        }
        let candidate = Standard(
            year: year, povertyLine: try FormField.money(input.poverty_line, "poverty_line", empty: .invalid),
            dibaoLine: try FormField.money(input.dibao_line, "dibao_line", empty: .invalid), noticeMinDays: days,
            villageIncidenceBP: try parsePercent(input.village_incidence_pct, field: "village_incidence_pct"),
            countyIncidenceBP: try parsePercent(input.county_incidence_pct, field: "county_incidence_pct"),
            wrongExitBP: try parsePercent(input.wrong_exit_pct, field: "wrong_exit_pct"),
            missedBP: try parsePercent(input.missed_pct, field: "missed_pct"),
            recognitionBP: try parsePercent(input.recognition_pct, field: "recognition_pct"),
            fundNoticeMinDays: fundDays,
            aidCountyBP: try optionalPercent(input.aid_county_pct, "aid_county_pct", current.aidCountyBP),
            aidLivelihoodBP: try optionalPercent(
                input.aid_livelihood_pct, "aid_livelihood_pct", current.aidLivelihoodBP),
            loanMaxRateBP: try optionalPercent(input.loan_max_rate_pct, "loan_max_rate_pct", current.loanMaxRateBP))
        let standard: Standard
        do { standard = try candidate.validated() } catch {
            if case .field(let f) = error {
                throw AppError.invalidField(
                    [
                        "aid_county": "aid_county_pct", "aid_livelihood": "aid_livelihood_pct",
                        "loan_max_rate": "loan_max_rate_pct",
                    ][f] ?? f)
            }
            throw AppError.badRequest
        }
        let now = req.tuopin.now()
        let saved = try await req.application.write { tx in
            let existing = try await tx.lookup(StandardRecord.self, year)
            let before = existing.map { $0.standard }
            if let existing, existing.version != version { throw AppError.conflict }
            if existing == nil && version != 0 { throw AppError.conflict }
            let record =
                existing
                ?? {
                    let r = StandardRecord(); r.id = year; r.version = 0; return r
                }()
            record.apply(standard)
            record.isDefault = false
            record.version += 1
            try await record.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "standard.set", entity: "standard", entityID: String(year),
                before: before, after: standard, at: now)
            return record
        }
        // R-06-1 reads the standards: the region's own violations follow the change at once.
        await ComplianceService.recheck(app: req.application, root: OrgCode("54")!, actor: user.auditActor)
        return row(saved)
    }

    @Sendable static func apiPut(req: Request) async throws -> Row {
        guard let year = req.parameters.get("year").flatMap(Int.init) else { throw AppError.notFound }
        return try await save(req: req, year: year, input: try req.decodeJSON(Input.self))
    }

    /// A new year's standards from the page's 新增年度 form (the year is a field, not in the path).
    @Sendable static func addForm(req: Request) async throws -> Response {
        _ = try req.requireUser()
        struct Year: Content { let year: String? }
        let typed = try req.content.decode(Year.self).year?.trimmingCharacters(in: .whitespaces) ?? ""
        return try await FormFlow.submit(req, answering: [.forbidden]) {
            guard let year = Int(typed), (2014...2100).contains(year) else { throw AppError.invalidField("year") }
            _ = try await save(req: req, year: year, input: try req.content.decode(Input.self))
            return .redirect(SiteURL.standards.path + "#standard-\(year)")
        } orShow: { refusal in
            return try await page(req, error: refusal.message, status: refusal.status)
        }
    }

    @Sendable static func formPost(req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard let year = req.parameters.get("year").flatMap(Int.init) else { throw AppError.notFound }
        return try await FormFlow.submit(req, answering: [.forbidden]) {
            _ = try await save(req: req, year: year, input: try req.content.decode(Input.self))
            return .redirect(SiteURL.standards.path)
        } orShow: { refusal in
            return try await page(req, error: refusal.message, status: refusal.status)
        }
    }
}

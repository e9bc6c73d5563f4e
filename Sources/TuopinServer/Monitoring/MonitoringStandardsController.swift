import Fluent
import TuopinCore
import Vapor

/// The yearly monitoring standards (防返贫动态监测, issue #26) on the Standards page and in the API: the
/// monitoring line and the three thresholds of hard spending. Every signed-in user reads them; region HQ
/// changes them (versioned, audited) and adds a year prefilled from the latest.
enum MonitoringStandardsController {
    struct Row: Content {
        let year: Int; let income_line: String; let medical_threshold: String; let education_threshold: String
        let loss_threshold: String; let is_default: Bool; let version: Int
    }

    static func row(_ r: MonitoringStandardRecord) -> Row {
        let s = r.standard
        return Row(
            year: s.year, income_line: s.incomeLine.description, medical_threshold: s.medicalThreshold.description,
            education_threshold: s.educationThreshold.description, loss_threshold: s.lossThreshold.description,
            is_default: r.isDefault, version: r.version)
    }

    static func rows(on db: DataAccess) async throws -> [Row] {
        try await db.rows(MonitoringStandardRecord.self).sort(\.$id).all().map(row)
    }

    @Sendable static func apiList(req: Request) async throws -> [Row] {
        _ = try req.requireUser()
        return try await rows(on: req.data)
    }

    /// The figures in 元 as a form or JSON sends them, with the version seen.
    struct Input: Content {
        let version: Int?; let income_line: String?; let medical_threshold: String?; let education_threshold: String?
        let loss_threshold: String?
    }

    static func save(req: Request, year: Int, input: Input) async throws -> Row {
        let user = try req.requireUser()
        guard user.scope.has(.editStandards) else { throw AppError.forbidden }
        guard let version = input.version else { throw AppError.missingField("version") }
        let candidate = MonitoringStandard(
            year: year, incomeLine: try FormField.money(input.income_line, "income_line", empty: .invalid),
            medicalThreshold: try FormField.money(input.medical_threshold, "medical_threshold", empty: .invalid),
            educationThreshold: try FormField.money(input.education_threshold, "education_threshold", empty: .invalid),
            lossThreshold: try FormField.money(input.loss_threshold, "loss_threshold", empty: .invalid))
        let standard: MonitoringStandard
        do { standard = try candidate.validated() } catch {
            guard case .field(let f) = error else { throw AppError.badRequest }
            throw AppError.invalidField(f == "monitoring_line" ? "income_line" : f)
        }
        let now = req.tuopin.now()
        let saved = try await req.application.write { tx in
            let existing = try await tx.lookup(MonitoringStandardRecord.self, year)
            if let existing, existing.version != version { throw AppError.conflict }
            if existing == nil && version != 0 { throw AppError.conflict }
            let record =
                existing
                ?? {
                    let r = MonitoringStandardRecord(); r.id = year; r.version = 0; return r
                }()
            let before = existing?.standard
            record.apply(standard)
            record.isDefault = false
            record.version += 1
            try await record.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "monitoring_standard.set", entity: "monitoring_standard",
                entityID: String(year), before: before, after: standard, at: now)
            return record
        }
        return row(saved)
    }

    @Sendable static func apiPut(req: Request) async throws -> Row {
        guard let year = req.parameters.get("year").flatMap(Int.init) else { throw AppError.notFound }
        return try await save(req: req, year: year, input: try req.decodeJSON(Input.self))
    }

    @Sendable static func formPost(req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard let year = req.parameters.get("year").flatMap(Int.init) else { throw AppError.notFound }
        return try await FormFlow.submit(req, answering: [.forbidden]) {
            _ = try await save(req: req, year: year, input: try req.content.decode(Input.self))
            return .redirect(SiteURL.standards.path + "#monitoring-standard-\(year)")
        } orShow: { refusal in
            try await StandardsController.page(req, error: refusal.message, status: refusal.status)
        }
    }

    /// A new year from the page's add form (the year is a field).
    @Sendable static func addForm(req: Request) async throws -> Response {
        _ = try req.requireUser()
        struct Year: Content { let year: String? }
        let typed = try req.content.decode(Year.self).year?.trimmingCharacters(in: .whitespaces) ?? ""
        return try await FormFlow.submit(req, answering: [.forbidden]) {
            // The years a standard may have are TuopinCore's (`MonitoringStandard.validated`).
            guard let year = Int(typed) else { throw AppError.invalidField("year") }
            _ = try await save(req: req, year: year, input: try req.content.decode(Input.self))
            return .redirect(SiteURL.standards.path + "#monitoring-standard-\(year)")
        } orShow: { refusal in
            try await StandardsController.page(req, error: refusal.message, status: refusal.status)
        }
    }
}

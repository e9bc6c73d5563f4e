import Fluent
import TuopinCore
import Vapor

/// The web upload of the import templates, for users with write rights over the villages in the file.
enum ImportController {
    struct Upload: Content { var kind: String?; var dry_run: String?; var file: File?; var change_reason: String? }
    struct ProblemRow: Encodable { let row: Int; let column: String; let code: String; let message: String }
    struct View: Encodable {
        let summary: String?; let ok: Bool; let problems: [ProblemRow]; let hasProblems: Bool; let more: Int
        let membersHeader: String; let incomesHeader: String; let codes: [String]
    }

    static func view(summary: String? = nil, ok: Bool = false, problems: [ImportProblem] = []) -> View {
        View(
            summary: summary, ok: ok,
            problems: problems.prefix(500).map {
                ProblemRow(row: $0.row, column: $0.column, code: $0.code.rawValue, message: $0.message)
            },
            hasProblems: !problems.isEmpty, more: max(0, problems.count - 500),
            membersHeader: MembersTemplate.header.joined(separator: ","),
            incomesHeader: IncomesTemplate.header.joined(separator: ","),
            codes: ImportErrorCode.allCases.map(\.rawValue))
    }

    @Sendable static func show(req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard req.data.mayWriteRegistry else { throw AppError.forbidden }
        return try await Page.render(req, "imports", view())
    }

    @Sendable static func upload(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard req.data.mayWriteRegistry else { throw AppError.forbidden }
        let form = try req.content.decode(Upload.self)
        guard let kind = form.kind.flatMap(RegistryExport.Kind.init(rawValue:)) else {
            throw AppError.invalidField("kind")
        }
        guard let file = form.file, file.data.readableBytes > 0 else { throw AppError.missingField("file") }
        let t = req.t
        let dryRun = form.dry_run != nil
        let report = try await req.withProgress { progress in
            try await CertificationService.$changeReason.withValue(form.change_reason) {
                try await RegistryImport.file(
                    app: req.application, kind: kind, data: Data(buffer: file.data), filename: file.filename,
                    actor: .user(user), dryRun: dryRun, progress: progress)
            }
        }
        if !report.isValid {
            return try await Page.render(
                req, "imports",
                view(
                    summary: t.format("import_invalid", String(report.problems.count)),
                    problems: report.problems), status: .unprocessableEntity)
        }
        let summary =
            dryRun
            ? t.format("import_valid", String(report.rows))
            : kind == .members
                ? t.format("import_ok", String(report.created), String(report.updated))
                : t.format("import_incomes_ok", String(report.created))
        return try await Page.render(req, "imports", view(summary: summary, ok: true))
    }
}

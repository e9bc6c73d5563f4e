import Fluent
import TuopinCore
import Vapor

/// The web upload of the import templates, for users with write rights over the villages in the file.
enum ImportController {
    struct Upload: Content { var kind: String?; var dry_run: String?; var file: File?; var change_reason: String? }
    /// `code_label`: what the code means, in the reader's language (the message is the report's, in Chinese).
    struct ProblemRow: Encodable {
        let row: Int; let column: String; let code: String; let code_label: String; let message: String
    }
    struct CodeRow: Encodable { let code: String; let label: String }
    struct View: Encodable {
        let summary: String?; let ok: Bool; let problems: [ProblemRow]; let hasProblems: Bool; let more: Int
        let membersHeader: String; let incomesHeader: String; let codes: [CodeRow]
    }

    static func codeLabel(_ code: ImportErrorCode, _ t: Translations) -> String {
        t["import_code_" + code.rawValue.replacingOccurrences(of: "-", with: "_")]
    }

    static func view(
        _ t: Translations, summary: String? = nil, ok: Bool = false, problems: [ImportProblem] = []
    ) -> View {
        View(
            summary: summary, ok: ok,
            problems: problems.prefix(500).map {
                ProblemRow(
                    row: $0.row, column: $0.column, code: $0.code.rawValue, code_label: codeLabel($0.code, t),
                    message: $0.message)
            },
            hasProblems: !problems.isEmpty, more: max(0, problems.count - 500),
            membersHeader: MembersTemplate.header.joined(separator: ","),
            incomesHeader: IncomesTemplate.header.joined(separator: ","),
            codes: ImportErrorCode.allCases.map { CodeRow(code: $0.rawValue, label: codeLabel($0, t)) })
    }

    /// A blank template to fill in: the header row of the members or incomes file, as XLSX.
    @Sendable static func template(req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard req.data.mayWriteRegistry else { throw AppError.forbidden }
        let header: [String]
        switch req.parameters.get("kind") {
        case "members": header = MembersTemplate.header
        case "incomes": header = IncomesTemplate.header
        default: throw AppError.notFound
        }
        let kind = req.parameters.get("kind")!
        let response = Response(status: .ok, body: .init(data: try XLSX.write([header], sheetName: kind)))
        response.headers.contentType = HTTPMediaType(
            type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers.contentDisposition = .init(.attachment, filename: "\(kind)-template.xlsx")
        return response
    }

    @Sendable static func show(req: Request) async throws -> Response {
        _ = try req.requireUser()
        guard req.data.mayWriteRegistry else { throw AppError.forbidden }
        return try await Page.render(req, "imports", view(req.t))
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
                    t, summary: t.format("import_invalid", String(report.problems.count)),
                    problems: report.problems), status: .unprocessableEntity)
        }
        let summary =
            dryRun
            ? t.format("import_valid", String(report.rows))
            : kind == .members
                ? t.format("import_ok", String(report.created), String(report.updated))
                : t.format("import_incomes_ok", String(report.created))
        return try await Page.render(req, "imports", view(req.t, summary: summary, ok: true))
    }
}

import TuopinCore
import Vapor

/// The local-practice numbers on the Standards page and in the API: each with its value, what region HQ
/// may choose, where it comes from, what the article itself says, and the rules that read it.
enum LocalPracticeController {
    struct Row: Content {
        let key: String; let kind: String; let value: String; let default_value: String; let bounds: String
        let is_default: Bool; let version: Int; let rules: [String]
        /// Words (absent in the API): the number's name, its source, and the article's own part.
        let label: String?; let source: String?; let article: String?
    }

    static func text(_ v: Int, _ key: LocalPractice.Key) -> String {
        key.kind == .monthDay ? LocalPractice.monthDayText(v) : String(v)
    }

    static func rows(on db: DataAccess, t: Translations?) async throws -> [Row] {
        let (practice, versions) = try await LocalPracticeService.stored(on: db)
        return LocalPractice.Key.allCases.map { key in
            Row(
                key: key.rawValue, kind: key.kind.rawValue, value: text(practice[key], key),
                default_value: text(key.defaultValue, key),
                bounds: "\(text(key.bounds.lowerBound, key)) – \(text(key.bounds.upperBound, key))",
                is_default: (versions[key] ?? 0) == 0, version: versions[key] ?? 0, rules: key.rules.map(\.rawValue),
                label: t?[key.labelKey], source: t?[key.sourceKey], article: t?[key.articleKey])
        }
    }

    /// The other numbers that are practice, kept where they are edited: the yearly notice days and loan rate,
    /// and the report schedule.
    struct Elsewhere: Encodable { let label: String; let source: String; let href: String }
    static func elsewhere(_ t: Translations) -> [Elsewhere] {
        ["notice_min_days", "fund_notice_min_days", "loan_max_rate"].map {
            Elsewhere(label: t[$0], source: t["practice_source_\($0)"], href: SiteURL.standards.path + "#standards")
        } + [
            Elsewhere(
                label: t["practice_report_schedule"], source: t["practice_source_report_schedule"],
                href: SiteURL.unitPart("54", "responsibility").path + "#h-schedule")
        ]
    }

    @Sendable static func form(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let key = req.parameters.get("key") ?? ""
        return try await FormFlow.submit(req, answering: [.forbidden]) {
            // The field is named after its number, so that a refusal is shown beside the right one.
            let input = LocalPracticeService.Input(
                value: try? req.content.get(String.self, at: key),
                version: try? req.content.get(Int.self, at: "version"))
            try await LocalPracticeService.set(app: req.application, user: user, key: key, input: input)
            return .redirect(SiteURL.standards.path + "#practice-" + key)
        } orShow: { refusal in
            return try await StandardsController.page(req, error: refusal.message, status: refusal.status)
        }
    }

    @Sendable static func apiList(req: Request) async throws -> [Row] {
        _ = try req.requireUser()
        return try await rows(on: req.data, t: nil)
    }

    @Sendable static func apiPut(req: Request) async throws -> Row {
        let user = try req.requireUser()
        let key = req.parameters.get("key") ?? ""
        try await LocalPracticeService.set(
            app: req.application, user: user, key: key, input: try req.decodeJSON(LocalPracticeService.Input.self))
        guard let row = try await rows(on: req.data, t: nil).first(where: { $0.key == key }) else {
            throw AppError.notFound
        }
        return row
    }
}

import Fluent
import Foundation
import TuopinCore
import Vapor

/// The assessment's pages and API: the schemes, one scheme with its indicators, steps, typed-in
/// values and results by level, one unit's result with each indicator's value, source and score,
/// and the results as CSV or XLSX; third-party surveys of a unit.
enum AssessmentController {
    /// Hundredths as "92.50".
    static func fixed(_ v: Int) -> String {
        (v < 0 ? "-" : "") + "\(abs(v) / 100).\(String(format: "%02d", abs(v) % 100))"
    }

    struct IndicatorView: Content {
        let id: RowID<IndicatorRecord>; let position: Int; let key: String; let label: String; let weight: String;
        let full: String;
        let zero: String; let computed: Bool
    }
    struct UnitRow: Content {
        let code: String; let name: String; let level: Int; let total: String?; let rank: Int?; let grade: String?;
        let grade_label: String?
    }
    struct DistributionView: Content {
        let recipient: String; let recipient_label: String; let document_no: String; let distributed_on: String
    }
    struct EnteredView: Content {
        let unit_code: String; let unit_name: String; let indicator_id: RowID<IndicatorRecord>; let label: String;
        let value: String?;
        let note: String
    }
    struct SchemeView: Content {
        let id: RowID<SchemeRecord>; let year: Int; let state: String; let state_label: String; let good: String;
        let fair: String;
        let pass: String
        /// The assessing unit: region HQ ('54'), a prefecture or a county.
        let assessor_code: String; let assessor_name: String
        let indicators: [IndicatorView]; let prefectures: [UnitRow]; let counties: [UnitRow]; let townships: [UnitRow]
        /// Recorded distributions, and the recipients still to receive the results (article 40: all four).
        let missing_recipients: [String]; let distributions: [DistributionView]
        let entered: [EnteredView]; let computed_at: String?; let approved_on: String?
    }
    struct SchemeSummary: Content {
        let id: RowID<SchemeRecord>; let year: Int; let state: String; let state_label: String
        let assessor_code: String; let assessor_name: String
    }
    struct ValueView: Content {
        let indicator: String; let key: String; let source: String; let value: String?; let numerator: Int64;
        let denominator: Int64
        let weight: String; let score: String; let note: String
    }
    struct UnitResult: Content {
        let scheme_id: RowID<SchemeRecord>; let year: Int; let state: String; let unit_code: String;
        let unit_name: String
        let total: String?; let rank: Int?; let grade: String?; let grade_label: String?; let values: [ValueView];
        let inputs: AssessmentInputs
        /// The result as it reaches the unit's leadership team and its secretary and head (article 40).
        let leaders: [LeaderView]
    }
    struct LeaderView: Content { let role: String; let role_label: String; let name: String; let grade_label: String }

    static func label(_ r: IndicatorRecord, _ t: Translations) -> String {
        r.name.isEmpty ? t["indicator_\(r.key)"] : r.name
    }

    /// A value as shown: percent, or problems per 100 poor households.
    static func valueText(_ v: Int?, key: String, _ t: Translations) -> String? {
        v.map {
            key == IndicatorKey.violationsPer100.rawValue ? t.format("indicator_per100", fixed($0)) : fixed($0) + "%"
        }
    }

    static func scheme(_ req: Request, id: RowID<SchemeRecord>) async throws -> (SchemeRecord, SchemeView) {
        _ = try req.requireUser()
        guard let s = try await req.data.lookup(SchemeRecord.self, id), let assessor = OrgCode(s.assessorCode),
            req.data.scope.maySeeScheme(of: assessor)
        else { throw AppError.notFound }
        let t = req.t, scope = req.data.scope
        let indicators = try await req.data.rows(IndicatorRecord.self).filter(\.$schemeID == id).sort(\.$position).all()
        let units = try await req.data.rows(AssessedUnit.self).filter(\.$schemeID == id).all()
            .filter { OrgCode($0.unitCode).map { scope.permitsAggregates(on: $0) } ?? false }
        let names = try await req.data.unitNames(Set(units.map(\.unitCode) + [assessor.value]))
        func rows(_ level: OrgLevel) -> [UnitRow] {
            units.filter { $0.level == level.rawValue }
                .sorted { ($0.rank ?? Int.max, $0.unitCode) < ($1.rank ?? Int.max, $1.unitCode) }
                .map {
                    UnitRow(
                        code: $0.unitCode, name: names[$0.unitCode] ?? $0.unitCode, level: $0.level,
                        total: $0.total.map(fixed), rank: $0.rank,
                        grade: $0.grade, grade_label: $0.grade.map { t["grade_\($0)"] })
                }
        }
        let bands = (try? JSONDecoder().decode(GradeBands.self, from: Data(s.bands.utf8))) ?? GradeBands()
        let byID = Dictionary(uniqueKeysWithValues: indicators.map { ($0.id!, $0) })
        let entered = try await req.data.rows(AssessmentValue.self).filter(\.$schemeID == id).filter(
            \.$source == "entered"
        ).all()
            .filter { v in units.contains { $0.unitCode == v.unitCode } }
            .sorted { ($0.unitCode, $0.indicatorID) < ($1.unitCode, $1.indicatorID) }
        let distributions = try await req.data.rows(DistributionRecord.self).filter(\.$schemeID == id).sort(\.$id).all()
        return (
            s,
            SchemeView(
                id: id, year: s.year, state: s.state.rawValue, state_label: t["scheme_state_\(s.state)"],
                good: fixed(bands.good), fair: fixed(bands.fair),
                pass: fixed(bands.pass), assessor_code: assessor.value, assessor_name: names[assessor.value] ?? "",
                indicators: indicators.map { r in
                    IndicatorView(
                        id: r.id!, position: r.position, key: r.key, label: label(r, t), weight: fixed(r.weight),
                        full: fixed(r.fullValue),
                        zero: fixed(r.zeroValue), computed: IndicatorKey(rawValue: r.key)?.isComputed ?? false)
                },
                prefectures: rows(.prefecture), counties: rows(.county), townships: rows(.township),
                missing_recipients: AssessmentRecipient.allCases.filter { r in
                    !distributions.contains { $0.recipient == r.rawValue }
                }.map { t[$0.labelKey] },
                distributions: distributions.map {
                    DistributionView(
                        recipient: $0.recipient, recipient_label: t["recipient_\($0.recipient)"],
                        document_no: $0.documentNo, distributed_on: $0.distributedOn.description)
                },
                entered: entered.map { v in
                    EnteredView(
                        unit_code: v.unitCode, unit_name: names[v.unitCode] ?? v.unitCode, indicator_id: v.indicatorID,
                        label: byID[v.indicatorID].map { label($0, t) } ?? "", value: v.value.map(fixed), note: v.note)
                },
                computed_at: s.computedAt.map { Clock.second(logged: $0) }, approved_on: s.approvedOn?.description)
        )
    }

    static func unitResult(_ req: Request, id: RowID<SchemeRecord>, code text: String) async throws -> UnitResult {
        _ = try req.requireUser()
        guard let code = OrgCode(text) else { throw AppError.notFound }
        let unit = try await req.data.unit(code)
        guard let s = try await req.data.lookup(SchemeRecord.self, id),
            OrgCode(s.assessorCode).map({ req.data.scope.maySeeScheme(of: $0) }) ?? false,
            let a = try await req.data.rows(AssessedUnit.self).filter(\.$schemeID == id).filter(
                \.$unitCode == code.value
            ).first()
        else { throw AppError.notFound }
        let t = req.t
        let indicators = try await req.data.rows(IndicatorRecord.self).filter(\.$schemeID == id).sort(\.$position).all()
        let values = Dictionary(
            try await req.data.rows(AssessmentValue.self).filter(\.$schemeID == id).filter(\.$unitCode == code.value)
                .all()
                .map { ($0.indicatorID, $0) }
        ) { a, _ in a }
        guard let inputs = try? JSONDecoder().decode(AssessmentInputs.self, from: Data(a.inputs.utf8)) else {
            throw AppError.corruptData
        }
        return UnitResult(
            scheme_id: id, year: s.year, state: s.state.rawValue, unit_code: code.value, unit_name: unit.name,
            total: a.total.map(fixed), rank: a.rank,
            grade: a.grade, grade_label: a.grade.map { t["grade_\($0)"] },
            values: indicators.map { r in
                let v = values[r.id!]
                return ValueView(
                    indicator: label(r, t), key: r.key, source: t["indicator_source_\(v?.source ?? "computed")"],
                    value: valueText(v?.value, key: r.key, t), numerator: v?.numerator ?? 0,
                    denominator: v?.denominator ?? 0,
                    weight: fixed(r.weight), score: fixed(v?.score ?? 0), note: v?.note ?? "")
            }, inputs: inputs,
            leaders: try await req.data.rows(LeaderResult.self).filter(\.$schemeID == id).filter(
                \.$unitCode == code.value
            ).sort(\.$id).all().map {
                LeaderView(
                    role: $0.role, role_label: t["assess_leader_\($0.role)"], name: $0.cadreName,
                    grade_label: t["grade_\($0.grade)"])
            })
    }

    struct Option: Encodable { let value: String; let label: String }

    // MARK: Pages

    @Sendable static func listPage(req: Request) async throws -> Response { try await listPage(req, formError: nil) }

    static func listPage(_ req: Request, formError: String?) async throws -> Response {
        let user = try req.requireUser(), t = req.t
        let schemes = try await req.data.rows(SchemeRecord.self).sort(\.$year, .descending).sort(\.$assessorCode).all()
            .filter { OrgCode($0.assessorCode).map { user.scope.maySeeScheme(of: $0) } ?? false }
        // The units whose schemes this user keeps (region HQ, a prefecture's or a county's office).
        let assessors = Set(user.scope.bindings.map(\.unit).filter { user.scope.mayAssess(as: $0) }).sorted {
            $0.value < $1.value
        }
        let names = try await req.data.unitNames(Set(schemes.map(\.assessorCode) + assessors.map(\.value)))
        struct View: Encodable {
            let schemes: [SchemeSummary]; let mayAssess: Bool; let formError: String?; let year: Int
            let assessors: [Option]
        }
        return try await Page.render(
            req, "assessments",
            View(
                schemes: schemes.map {
                    SchemeSummary(
                        id: $0.id!, year: $0.year, state: $0.state.rawValue, state_label: t["scheme_state_\($0.state)"],
                        assessor_code: $0.assessorCode, assessor_name: names[$0.assessorCode] ?? $0.assessorCode)
                },
                mayAssess: !assessors.isEmpty, formError: formError, year: req.clock.today.year - 1,
                assessors: assessors.map { Option(value: $0.value, label: names[$0.value] ?? $0.value) }))
    }

    @Sendable static func createForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        struct Form: Content { var year: Int?; var assessor_code: String? }
        return try await FormFlow.submit(req) {
            let form = try req.content.decode(Form.self)
            let id = try await AssessmentService.create(
                app: req.application, user: user, input: .init(year: form.year, assessor_code: form.assessor_code))
            return .redirect(SiteURL.assessment(id, nil).path)
        } orShow: { refusal in
            return try await listPage(req, formError: refusal.message)
        }
    }

    @Sendable static func page(req: Request) async throws -> Response { try await page(req, formError: nil) }

    static func page(_ req: Request, formError: String?) async throws -> Response {
        let user = try req.requireUser()
        let (s, view) = try await scheme(req, id: try req.intParameter("id"))
        let t = req.t, state = s.state
        let mayAssess = OrgCode(s.assessorCode).map { user.scope.mayAssess(as: $0) } ?? false
        let next = SchemeAction.allCases.filter { $0.from == state || ($0 == .compute && state == .computed) }
        struct View: Encodable {
            let s: SchemeView; let formError: String?; let mayAssess: Bool; let actions: [Option]; let isDraft: Bool;
            let isComputed: Bool
            let isDistributable: Bool; let recipients: [Option]; let ranked: Bool
        }
        return try await Page.render(
            req, "assessment",
            View(
                s: view, formError: formError, mayAssess: mayAssess,
                actions: mayAssess
                    ? next.filter { $0 != .distribute }.map { Option(value: $0.rawValue, label: t[$0.labelKey]) } : [],
                isDraft: state == .draft, isComputed: state == .computed,
                isDistributable: mayAssess && state == .approved,
                recipients: AssessmentRecipient.allCases.filter { r in
                    !view.distributions.contains { $0.recipient == r.rawValue }
                }.map { Option(value: $0.rawValue, label: t[$0.labelKey]) },
                ranked: [.ranked, .approved, .distributed].contains(state)))
    }

    @Sendable static func unitPage(req: Request) async throws -> Response {
        let r = try await unitResult(req, id: try req.intParameter("id"), code: req.parameters.get("code") ?? "")
        return try await Page.render(req, "assessment-unit", r)
    }

    static func run(_ req: Request, scheme id: RowID<SchemeRecord>, _ change: () async throws -> Void) async throws
        -> Response
    {
        return try await FormFlow.submit(req) {
            try await change()
            return .redirect(SiteURL.assessment(id, nil).path)
        } orShow: { refusal in
            req.parameters.set("id", to: String(id))
            return try await page(req, formError: refusal.message)
        }
    }

    @Sendable static func stepForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<SchemeRecord> = try req.intParameter("id")
        let input = try req.content.decode(AssessmentService.StepInput.self)
        return try await run(req, scheme: id) {
            _ = try await AssessmentService.step(app: req.application, user: user, scheme: id, input: input)
        }
    }

    /// The draft's weights and bounds, one row per indicator (`weight[]`, `full[]`, `zero[]`, in the order shown).
    struct RevisionForm: Content {
        var weight: [String]?; var full: [String]?; var zero: [String]?; var good: String?; var fair: String?;
        var pass: String?
    }

    @Sendable static func revisionForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<SchemeRecord> = try req.intParameter("id")
        try await AssessmentService.authorise(req.application, user, scheme: id)
        let form = try req.content.decode(RevisionForm.self)
        let current = try await req.data.rows(IndicatorRecord.self).filter(\.$schemeID == id).sort(\.$position).all()
        return try await run(req, scheme: id) {
            let w = form.weight ?? [], f = form.full ?? [], z = form.zero ?? []
            guard w.count == current.count, f.count == current.count, z.count == current.count else {
                throw AppError.invalidField("indicators")
            }
            let rows = current.enumerated().map { k, r in
                AssessmentService.IndicatorInput(key: r.key, name: r.name, weight: w[k], full_pct: f[k], zero_pct: z[k])
            }
            try await AssessmentService.revise(
                app: req.application, user: user, scheme: id,
                input: .init(
                    year: nil, assessor_code: nil, indicators: rows, good: form.good, fair: form.fair, pass: form.pass))
        }
    }

    /// The page's table of typed-in values: parallel `unit_code[]`, `indicator_id[]`, `value_pct[]`, `note[]`; rows
    /// left empty are skipped.
    struct EnteredForm: Content {
        var unit_code: [String]?; var indicator_id: [RowID<IndicatorRecord>]?; var value_pct: [String]?;
        var note: [String]?
    }

    @Sendable static func enteredForm(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<SchemeRecord> = try req.intParameter("id")
        try await AssessmentService.authorise(req.application, user, scheme: id)
        let form = try req.content.decode(EnteredForm.self)
        return try await run(req, scheme: id) {
            let codes = form.unit_code ?? [], ids = form.indicator_id ?? [], values = form.value_pct ?? [],
                notes = form.note ?? []
            guard codes.count == ids.count, values.count == codes.count, notes.count == codes.count else {
                throw AppError.invalidField("value_pct")
            }
            let rows = codes.indices.filter { !values[$0].trimmingCharacters(in: .whitespaces).isEmpty }
                .map {
                    AssessmentService.EnteredInput(
                        unit_code: codes[$0], indicator_id: ids[$0], value_pct: values[$0], note: notes[$0])
                }
            try await AssessmentService.enter(app: req.application, user: user, scheme: id, inputs: rows)
        }
    }

    /// The results by level (rank, unit, each indicator's score, total, grade) as CSV or XLSX; audited.
    @Sendable static func export(req: Request) async throws -> Response {
        let user = try req.requireUser(), id: RowID<SchemeRecord> = try req.intParameter("id")
        let format = (try? req.query.get(String.self, at: "format")) ?? "csv"
        guard ["csv", "xlsx"].contains(format) else { throw AppError.invalidField("format") }
        let (s, view) = try await scheme(req, id: id)
        let t = req.t
        let values = Dictionary(
            grouping: try await req.data.rows(AssessmentValue.self).filter(\.$schemeID == id).all(), by: \.unitCode)
        var table = [
            [t["assess_level"], t["assessment_rank"], t["unit"]] + view.indicators.map(\.label) + [
                t["assessment_total"], t["assessment_grade"],
            ]
        ]
        for row in view.prefectures + view.counties + view.townships {
            let scores = Dictionary(uniqueKeysWithValues: (values[row.code] ?? []).map { ($0.indicatorID, $0.score) })
            table.append(
                [t["level_\(row.level)"], row.rank.map(String.init) ?? "", row.name]
                    + view.indicators.map { fixed(scores[$0.id] ?? 0) }
                    + [row.total ?? "", row.grade_label ?? ""])
        }
        try await ReadAudit.record(
            req, user: user, action: "export.assessment", entity: "assessment", entityID: String(id),
            detail: ["format": format])
        return try TableDownload.response(
            table, format: format, filename: "assessment-\(s.year).\(format)", sheet: String(s.year),
            title: TableDownload.title(req, [String(s.year), t["assess_results"]]))
    }

    // MARK: API

    @Sendable static func apiList(req: Request) async throws -> [SchemeSummary] {
        let user = try req.requireUser()
        let t = req.t
        let schemes = try await req.data.rows(SchemeRecord.self).sort(\.$year, .descending).sort(\.$assessorCode).all()
            .filter { OrgCode($0.assessorCode).map { user.scope.maySeeScheme(of: $0) } ?? false }
        let names = try await req.data.unitNames(Set(schemes.map(\.assessorCode)))
        return schemes.map {
            SchemeSummary(
                id: $0.id!, year: $0.year, state: $0.state.rawValue, state_label: t["scheme_state_\($0.state)"],
                assessor_code: $0.assessorCode, assessor_name: names[$0.assessorCode] ?? $0.assessorCode)
        }
    }

    @Sendable static func apiShow(req: Request) async throws -> SchemeView {
        try await scheme(req, id: try req.intParameter("id")).1
    }

    @Sendable static func apiUnit(req: Request) async throws -> UnitResult {
        try await unitResult(req, id: try req.intParameter("id"), code: req.parameters.get("code") ?? "")
    }

    @Sendable static func apiCreate(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try req.decodeJSON(
            AssessmentService.SchemeInput.self, keys: ["year", "assessor_code", "indicators", "good", "fair", "pass"])
        return try await ResponsibilityController.created(
            req, try await AssessmentService.create(app: req.application, user: user, input: input))
    }

    struct StateAnswer: Content { let id: RowID<SchemeRecord>; let state: String }

    @Sendable static func apiStep(req: Request) async throws -> StateAnswer {
        let input = try req.decodeJSON(AssessmentService.StepInput.self, keys: ["action", "document_no", "recipients"])
        let id: RowID<SchemeRecord> = try req.intParameter("id")
        let state = try await AssessmentService.step(
            app: req.application, user: try req.requireUser(), scheme: id, input: input)
        return StateAnswer(id: id, state: state.rawValue)
    }

    @Sendable static func apiEnter(req: Request) async throws -> HTTPStatus {
        let input = try req.decodeJSON(
            AssessmentService.EnteredInput.self, keys: ["unit_code", "indicator_id", "value_pct", "note"])
        try await AssessmentService.enter(
            app: req.application, user: try req.requireUser(), scheme: try req.intParameter("id"), input: input)
        return .noContent
    }
}

import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The annual assessment (articles 15, 18, 40): an assessor — region HQ for prefectures and counties, a
/// prefecture for its counties, a county for its townships (`AssessmentLevels`) — creates a year's scheme
/// (indicators, weights, bands), publishes it, computes the indicators for every unit it assesses (values
/// frozen with their inputs), enters the typed-in scores, ranks and grades (the grade reaching each unit's
/// leadership team and leading cadres), approves (article 6) and records where the results went — the scheme
/// is distributed once all four recipients have them. One transaction and one audit entry per step.
enum AssessmentService {

    // MARK: Inputs

    // MARK: Schemes

    struct IndicatorInput: Content {
        var key: String?; var name: String?; var weight: String?; var full_pct: String?; var zero_pct: String?
    }
    struct SchemeInput: Content {
        var year: Int?
        /// The assessing unit (default region HQ, '54').
        var assessor_code: String?
        var indicators: [IndicatorInput]?
        /// Grade bands in points: 好 from `good`, 较好 from `fair`, 一般 from `pass`.
        var good: String?; var fair: String?; var pass: String?
    }

    /// "92.5" points or percent → hundredths (9,250); nil when not a number with at most two decimals.
    static func hundredths(_ text: String?) -> Int? {
        guard let t = text?.trimmingCharacters(in: .whitespaces), !t.isEmpty, t.count <= 12 else { return nil }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0]), whole >= -1_000_000, whole <= 1_000_000 else { return nil }
        guard parts.count == 2 else { return whole * 100 }
        let frac = parts[1]
        guard (1...2).contains(frac.count), frac.allSatisfy(\.isNumber), let f = Int(frac) else { return nil }
        return whole * 100 + (whole < 0 || t.hasPrefix("-") ? -1 : 1) * (frac.count == 1 ? f * 10 : f)
    }

    static func authorise(_ user: CurrentUser, assessor: OrgCode) throws {
        guard user.scope.mayAssess(as: assessor) else { throw AppError.forbidden }
    }

    /// The scheme's assessor, for deciding who may act on it before its transaction.
    static func authorise(_ app: Application, _ user: CurrentUser, scheme id: RowID<SchemeRecord>) async throws {
        guard let s = try await app.systemData.lookup(SchemeRecord.self, id), let assessor = OrgCode(s.assessorCode),
            user.scope.maySeeScheme(of: assessor)
        else { throw AppError.notFound }
        try authorise(user, assessor: assessor)
    }

    static func indicators(_ input: [IndicatorInput]?) throws -> [SchemeIndicator] {
        guard let input, !input.isEmpty else { return AssessmentRules.defaultIndicators() }
        return try input.map { i in
            guard let key = i.key.flatMap(IndicatorKey.init(rawValue:)) else {
                throw AppError.invalidField("indicators")
            }
            let name = (i.name ?? "").trimmingCharacters(in: .whitespaces)
            guard name.count <= 100, !TextInput.hasControlCharacters(name) else {
                throw AppError.invalidField("indicators")
            }
            guard let weight = hundredths(i.weight) else { throw AppError.invalidField("indicators") }
            // Bounds come as percent (or, for violations, per 100 households); stored ×100.
            let full = try i.full_pct.map {
                guard let v = hundredths($0) else { throw AppError.invalidField("indicators") }; return v
            }
            let zero = try i.zero_pct.map {
                guard let v = hundredths($0) else { throw AppError.invalidField("indicators") }; return v
            }
            return SchemeIndicator(key: key, name: name, weight: weight, full: full, zero: zero)
        }
    }

    static func bands(_ input: SchemeInput) throws -> GradeBands {
        guard input.good != nil || input.fair != nil || input.pass != nil else { return GradeBands() }
        guard let g = hundredths(input.good), let f = hundredths(input.fair), let p = hundredths(input.pass) else {
            throw AppError.invalidField("bands")
        }
        return GradeBands(good: g, fair: f, pass: p)
    }

    static func create(app: Application, user: CurrentUser, input: SchemeInput) async throws -> RowID<SchemeRecord> {
        guard let assessor = OrgCode(input.assessor_code ?? "54") else { throw AppError.invalidField("assessor_code") }
        try authorise(user, assessor: assessor)
        let today = app.clock.today
        guard let year = input.year else { throw AppError.missingField("year") }
        guard (2014...today.year).contains(year) else { throw AppError.invalidField("year") }
        let list = try indicators(input.indicators), bands = try bands(input)
        if let field = AssessmentRules.schemeProblem(list, bands: bands) { throw AppError.invalidField(field) }
        let now = app.tuopin.now(), bandsJSON = try AuditLog.canonicalJSON(bands)
        return try await app.write { tx -> RowID<SchemeRecord> in
            guard
                try await tx.rows(SchemeRecord.self).filter(\.$assessorCode == assessor.value).filter(\.$year == year)
                    .count() == 0
            else { throw AppError.conflict }
            let s = SchemeRecord()
            s.year = year; s.assessorCode = assessor.value; s.state = .draft; s.bands = bandsJSON;
            s.createdBy = user.id; s.version = 1
            try await s.save(on: tx)
            let id = try s.requireID()
            for (k, ind) in list.enumerated() {
                let r = IndicatorRecord()
                r.schemeID = id; r.position = k + 1; r.key = ind.key.rawValue; r.name = ind.name; r.weight = ind.weight
                r.fullValue = ind.full; r.zeroValue = ind.zero
                try await r.save(on: tx)
            }
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "assessment.create", entity: "assessment", entityID: String(id),
                after: [
                    "year": String(year), "assessor": assessor.value, "indicators": try AuditLog.canonicalJSON(list),
                    "bands": bandsJSON,
                ],
                at: now)
            return id
        }
    }

    static func indicators(of scheme: RowID<SchemeRecord>, on db: DataAccess) async throws -> [(
        IndicatorRecord, SchemeIndicator
    )] {
        try await db.rows(IndicatorRecord.self).filter(\.$schemeID == scheme).sort(\.$position).all().compactMap { r in
            IndicatorKey(rawValue: r.key).map {
                (r, SchemeIndicator(key: $0, name: r.name, weight: r.weight, full: r.fullValue, zero: r.zeroValue))
            }
        }
    }

    struct StepInput: Content {
        var action: String?
        /// For `distribute`: the document's number and the recipients (default: all four).
        var document_no: String?; var recipients: [String]?
    }

    /// The scheme's next step. `compute` may be taken again before ranking: the values are read afresh and frozen
    /// again.
    static func step(app: Application, user: CurrentUser, scheme id: RowID<SchemeRecord>, input: StepInput) async throws
        -> SchemeState
    {
        try await authorise(app, user, scheme: id)
        guard let action = input.action.flatMap(SchemeAction.init(rawValue:)) else {
            throw AppError.invalidField("action")
        }
        let document = action == .distribute ? try FormField.text(input.document_no, "document_no", max: 100) : ""
        let recipients = try action == .distribute ? distributionRecipients(input.recipients) : []
        let today = app.clock.today, now = app.tuopin.now()
        return try await app.write { tx -> SchemeState in
            guard let s = try await tx.lookup(SchemeRecord.self, id) else { throw AppError.notFound }
            let state = s.state
            // Distribution may be recorded recipient by recipient; the scheme stays approved until all four have it.
            guard state == action.from || (action == .compute && state == .computed) else { throw AppError.conflict }
            var next = action.to
            var detail: [String: String] = ["year": String(s.year), "from": state.rawValue]
            switch action {
            case .compute: detail["units"] = String(try await compute(tx, scheme: s, today: today))
            case .rank:
                guard let bands = try? JSONDecoder().decode(GradeBands.self, from: Data(s.bands.utf8)) else {
                    throw AppError.corruptData
                }
                let missing = try await tx.rows(AssessmentValue.self).filter(\.$schemeID == id).filter(
                    \.$source == "entered"
                ).filter(\.$value == nil).count()
                guard missing == 0 else { throw AppError.notEligible("assessment_entered_missing") }
                try await rank(tx, scheme: id, bands: bands)
            case .approve: s.approvedOn = today; s.approvedBy = user.id
            case .distribute:
                next = try await distribute(tx, scheme: id, to: recipients, document: document, today: today)
                detail["document_no"] = document
                detail["recipients"] = recipients.map(\.rawValue).joined(separator: ",")
            case .publish: break
            }
            if action == .compute { s.computedAt = AuditLog.timestamp(now) }
            s.state = next; s.version += 1
            try await s.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "assessment.\(action.rawValue)", entity: "assessment",
                entityID: String(id), after: detail, at: now)
            return next
        }
    }

    /// Computes every indicator for every prefecture and county and freezes the inputs; entered
    /// values already typed in are kept. Answers the number of units.
    static func compute(_ tx: DataAccess, scheme s: SchemeRecord, today: CivilDate) async throws -> Int {
        let id = try s.requireID()
        let indicators = try await indicators(of: id, on: tx)
        guard let assessor = OrgCode(s.assessorCode) else { throw AppError.corruptData }
        let units = try await tx.rows(OrgUnit.self)
            .filter(\.$level ~~ AssessmentLevels.assessed(by: assessor.level).map(\.rawValue))
            .filter(\.$id, .custom("LIKE"), assessor.value + "%").sort(\.$id).all()
            .filter { OrgCode($0.id!).map { AssessmentLevels.assesses(assessor, $0) } ?? false }
        let entered = Dictionary(
            try await tx.rows(AssessmentValue.self).filter(\.$schemeID == id).filter(\.$source == "entered").all()
                .map { ("\($0.unitCode)|\($0.indicatorID)", $0) }
        ) { a, _ in a }
        try await tx.rows(AssessmentValue.self).filter(\.$schemeID == id).filter(\.$source == "computed").delete()
        try await tx.rows(AssessedUnit.self).filter(\.$schemeID == id).delete()
        let schedule = try await ResponsibilityService.schedule(on: tx)
        for unit in units {
            guard let code = OrgCode(unit.id!) else { continue }
            let inputs = try await inputs(on: tx, unit: code, year: s.year, today: today, schedule: schedule)
            let a = AssessedUnit()
            a.schemeID = id; a.unitCode = code.value; a.level = code.level.rawValue;
            a.inputs = try AuditLog.canonicalJSON(inputs)
            try await a.save(on: tx)
            for (record, indicator) in indicators {
                if let v = indicator.key.value(inputs) {
                    let row = AssessmentValue()
                    row.schemeID = id; row.unitCode = code.value; row.indicatorID = record.id!; row.value = v.value
                    row.numerator = v.numerator; row.denominator = v.denominator; row.score = indicator.score(v.value)
                    row.source = "computed"; row.note = ""
                    try await row.save(on: tx)
                } else if entered["\(code.value)|\(record.id!)"] == nil {
                    let row = AssessmentValue()
                    row.schemeID = id; row.unitCode = code.value; row.indicatorID = record.id!; row.value = nil
                    row.numerator = 0; row.denominator = 0; row.score = 0; row.source = "entered"; row.note = ""
                    try await row.save(on: tx)
                }
            }
        }
        return units.count
    }

    /// Totals, ranks within each level and grades.
    static func rank(_ tx: DataAccess, scheme id: RowID<SchemeRecord>, bands: GradeBands) async throws {
        let values = try await tx.rows(AssessmentValue.self).filter(\.$schemeID == id).all()
        var totals: [String: Int] = [:]
        for v in values { totals[v.unitCode, default: 0] += v.score }
        let units = try await tx.rows(AssessedUnit.self).filter(\.$schemeID == id).all()
        for (_, group) in Dictionary(grouping: units, by: \.level) {
            let ranks = AssessmentRules.ranks(
                Dictionary(uniqueKeysWithValues: group.map { ($0.unitCode, totals[$0.unitCode] ?? 0) }))
            for u in group {
                let total = totals[u.unitCode] ?? 0
                u.total = total; u.rank = ranks[u.unitCode]; u.grade = bands.grade(total).rawValue
                try await u.save(on: tx)
            }
        }
        try await recordLeaders(tx, scheme: id, units: units)
    }

    struct EnteredInput: Content {
        var unit_code: String?; var indicator_id: RowID<IndicatorRecord>?; var value_pct: String?; var note: String?
    }

    /// A typed-in indicator's value for a unit (percent, two decimals), with where it came from.
    static func enter(app: Application, user: CurrentUser, scheme id: RowID<SchemeRecord>, input: EnteredInput)
        async throws
    {
        try await enter(app: app, user: user, scheme: id, inputs: [input])
    }

    /// Several typed-in values at once (the page's table), all or none; one audit entry each.
    static func enter(app: Application, user: CurrentUser, scheme id: RowID<SchemeRecord>, inputs: [EnteredInput])
        async throws
    {
        try await authorise(app, user, scheme: id)
        guard !inputs.isEmpty else { throw AppError.missingField("value_pct") }
        struct Checked: Sendable {
            let code: String; let indicator: RowID<IndicatorRecord>; let value: Int; let note: String
        }
        let checked = try inputs.map { input -> Checked in
            guard let code = input.unit_code, !code.isEmpty else { throw AppError.missingField("unit_code") }
            guard let indicatorID = input.indicator_id else { throw AppError.missingField("indicator_id") }
            guard let value = hundredths(input.value_pct), (0...10_000).contains(value) else {
                throw AppError.invalidField("value_pct")
            }
            return Checked(
                code: code, indicator: indicatorID, value: value, note: try FormField.text(input.note, "note", max: 500)
            )
        }
        let now = app.tuopin.now()
        try await app.write { tx in
            guard let s = try await tx.lookup(SchemeRecord.self, id) else { throw AppError.notFound }
            guard s.state == .computed else { throw AppError.conflict }
            let indicators = Dictionary(
                uniqueKeysWithValues: try await indicators(of: id, on: tx).map { ($0.0.id!, $0.1) })
            for c in checked {
                guard let indicator = indicators[c.indicator], !indicator.key.isComputed else {
                    throw AppError.invalidField("indicator_id")
                }
                guard
                    let row = try await tx.rows(AssessmentValue.self).filter(\.$schemeID == id).filter(
                        \.$unitCode == c.code
                    )
                    .filter(\.$indicatorID == c.indicator).first()
                else { throw AppError.invalidField("unit_code") }
                let before = ["value": row.value.map(String.init) ?? "", "note": row.note]
                row.value = c.value; row.score = indicator.score(c.value)
                row.numerator = Int64(c.value); row.denominator = 10_000; row.note = c.note
                try await row.save(on: tx)
                try await AuditLog.append(
                    on: tx, actor: user.auditActor, action: "assessment.enter", entity: "assessment",
                    entityID: String(id),
                    before: before,
                    after: [
                        "unit": c.code, "indicator": String(c.indicator), "value": String(c.value), "note": c.note,
                    ], at: now)
            }
        }
    }

    /// Changes a draft scheme's weights, bounds and bands (the indicators keep their order).
    static func revise(app: Application, user: CurrentUser, scheme id: RowID<SchemeRecord>, input: SchemeInput)
        async throws
    {
        try await authorise(app, user, scheme: id)
        let list = try indicators(input.indicators), bands = try bands(input)
        if let field = AssessmentRules.schemeProblem(list, bands: bands) { throw AppError.invalidField(field) }
        let now = app.tuopin.now(), bandsJSON = try AuditLog.canonicalJSON(bands)
        try await app.write { tx in
            guard let s = try await tx.lookup(SchemeRecord.self, id) else { throw AppError.notFound }
            guard s.state == .draft else { throw AppError.conflict }
            // The same indicators keep their rows (and ids); another list replaces them.
            let current = try await tx.rows(IndicatorRecord.self).filter(\.$schemeID == id).sort(\.$position).all()
            let same = current.map(\.key) == list.map(\.key.rawValue)
            if !same { try await tx.rows(IndicatorRecord.self).filter(\.$schemeID == id).delete() }
            for (k, ind) in list.enumerated() {
                let r = same ? current[k] : IndicatorRecord()
                r.schemeID = id; r.position = k + 1; r.key = ind.key.rawValue; r.name = ind.name; r.weight = ind.weight
                r.fullValue = ind.full; r.zeroValue = ind.zero
                try await r.save(on: tx)
            }
            s.bands = bandsJSON; s.version += 1
            try await s.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "assessment.revise", entity: "assessment", entityID: String(id),
                after: ["indicators": try AuditLog.canonicalJSON(list), "bands": bandsJSON], at: now)
        }
    }
}

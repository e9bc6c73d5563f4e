import Crypto
import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The demo's oversight: inspections (article 39) — each prefecture inspected its counties four
/// months ago and the region's discipline patrol visited the prefectures, their findings in every
/// state (open and past the deadline for R-39-1, open within it, rectified but not accepted after
/// the deadline, accepted in time and late, reopened) with notes and a scanned evidence file —
/// third-party surveys of every county last year (article 7), disputes in townships (article 26,
/// some past their deadline), last year's assessment carried through to distribution (article 40),
/// a discipline case and rewards and penalties resting on them (articles 9, 41, 42).
struct DemoOversight {
    let app: Application

    struct Planned {
        let unit: String; let category: FindingCategory; let person: String; let text: String; let deadline: Int
        let steps: [(FindingAction, Int)]
    }

    /// Five findings for a county's share of its prefecture's inspection (days relative to today).
    static func countyFindings(county: String, townships: [String]) -> [Planned] {
        let t1 = townships.first ?? county, t2 = townships.dropFirst().first ?? t1
        return [
            Planned(
                unit: county, category: .responsibility, person: "县扶贫办主任", text: "县级年度减贫计划未分解到乡镇，责任清单不完整",
                deadline: -20, steps: []),
            Planned(
                unit: t1, category: .identification, person: "乡镇扶贫专干", text: "部分贫困户识别档案缺少民主评议记录", deadline: 30,
                steps: []),
            Planned(
                unit: t1, category: .funds, person: "乡镇财政所所长", text: "到户产业资金拨付台账与银行流水不一致", deadline: -40,
                steps: [(.rectify, -45)]),
            Planned(
                unit: t2, category: .data, person: "乡镇扶贫专干", text: "建档立卡信息中家庭人口与户籍登记不一致", deadline: -60,
                steps: [(.rectify, -70), (.accept, -65)]),
            Planned(
                unit: county, category: .projects, person: "县发改委分管副主任", text: "易地搬迁安置点配套工程进度滞后于计划", deadline: 15,
                steps: [(.rectify, -10), (.reopen, -5)]),
        ]
    }

    /// Last year's findings for a county, all rectified and accepted — most by the deadline, the county's own
    /// finding in every other county late — so last year's 按期整改 has something to read (`base`: the
    /// inspection's first day, days relative to today).
    static func lastYearFindings(county: String, townships: [String], base: Int, late: Bool) -> [Planned] {
        let t1 = townships.first ?? county
        return [
            Planned(
                unit: county, category: .funds, person: "县财政局分管副局长", text: "扶贫项目资金报账不及时，支出进度滞后",
                deadline: base + 90,
                steps: late
                    ? [(.rectify, base + 104), (.accept, base + 112)]
                    : [
                        (.rectify, base + 80), (.accept, base + 86),
                    ]),
            Planned(
                unit: t1, category: .identification, person: "乡镇扶贫专干", text: "个别脱贫户收入核算漏计转移性支出",
                deadline: base + 60, steps: [(.rectify, base + 41), (.accept, base + 47)]),
            Planned(
                unit: t1, category: .data, person: "村第一书记", text: "村级帮扶台账与一户一策措施不一致", deadline: base + 120,
                steps: [(.rectify, base + 117), (.accept, base + 125)]),
        ]
    }

    static let supervisors = [
        ["name": "次仁多吉", "department": InspectionDepartment.povertyOffice.rawValue],
        ["name": "王建国", "department": InspectionDepartment.finance.rawValue],
        ["name": "卓玛", "department": InspectionDepartment.audit.rawValue],
        ["name": "李明", "department": InspectionDepartment.organisation.rawValue],
    ]

    /// Region HQ's scheme for a consolidation year (巩固拓展): no exits or identification spot checks were due in the
    /// demo's last year, so it weighs what was — the surveys, money, rectification, the chain, pairing and data.
    static let consolidationScheme: [AssessmentService.IndicatorInput] = [
        (IndicatorKey.missedRate, "", "10"), (.wrongExitRate, "", "10"), (.fundDisbursement, "", "12"),
        (.onTimeRectification, "", "10"), (.violationsPer100, "", "8"), (.lettersSigned, "", "6"),
        (.reportsOnTime, "", "6"), (.pairingCoverage, "", "10"), (.dataQualityErrorRate, "", "6"),
        (.publicRecognition, "", "8"), (.returnRate, "", "4"), (.entered, "督查考核评价", "10"),
    ].map { .init(key: $0.0.rawValue, name: $0.1, weight: $0.2) }

    /// Everything but the assessment, which reads the compliance and quality checks: the seeder runs it after them.
    func run() async throws {
        try await seedInspections()
        try await seedSurveysAndDisputes()
    }

    func seedInspections() async throws {
        let today = app.clock.today, now = app.tuopin.now()
        let scan = DemoResponsibility.scan
        let sha = SHA256.hash(data: scan).map { String(format: "%02x", $0) }.joined()
        let url = InspectionService.evidenceFile(app, sha256: sha)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) { try scan.write(to: url, options: .atomic) }
        try await app.write { tx in
            struct CodeRow: Decodable { let county_code: String }
            let counties = try await tx.sqlDatabase.select().distinct().column("county_code").from(Household.schema)
                .orderBy("county_code")
                .all(decoding: CodeRow.self).map(\.county_code)
            let users = Dictionary(try await User.query(on: tx.db).all().map { ($0.username, $0.id!) }) { a, _ in a }
            let allTownships: [OrgUnit] = try await OrgUnit.query(on: tx.db)
                .filter(\.$level == OrgLevel.township.rawValue).sort(\.$id).all()
            let townships: [String: [OrgUnit]] = Dictionary(
                grouping: allTownships.filter { counties.contains(String($0.id!.prefix(6))) },
                by: { String($0.id!.prefix(6)) })
            func day(_ offset: Int) -> CivilDate { today.adding(days: offset) }
            func save(
                unit: String, kind: InspectionKind, title: String, team: [[String: String]], targets: [String],
                start: Int,
                findings: [Planned], inspector: RowID<User>, rectifier: (String) -> RowID<User>
            ) async throws {
                let i = InspectionRecord()
                i.unitCode = unit; i.kind = kind; i.title = title; i.team = try AuditLog.canonicalJSON(team)
                i.targets = targets.sorted().joined(separator: ","); i.startedOn = day(start);
                i.endedOn = day(start + 10)
                i.createdBy = inspector; i.version = 1
                try await i.save(on: tx)
                try await Self.saveFindings(
                    findings, of: i, start: start, today: today, inspector: inspector, rectifier: rectifier,
                    evidence: (sha, scan.count), on: tx)
                try await AuditLog.append(
                    on: tx, actor: .system, action: "inspection.demo", entity: "inspection",
                    entityID: String(try i.requireID()),
                    after: ["unit": unit, "title": title, "findings": String(findings.count)], at: now)
            }
            let byPrefecture = Dictionary(grouping: counties, by: { String($0.prefix(4)) })
            let clerk: RowID<User> = users["clerk1"] ?? 0, countyUser: RowID<User> = users["chengguan"] ?? 0
            func rectifier(_ unit: String) -> RowID<User> {
                unit.hasPrefix("540102001") ? clerk : unit.hasPrefix("540102") ? countyUser : 0
            }
            // Each prefecture's supervision of its counties this year (findings in every state) and last year
            // (closed within last year, some late).
            let lastYear = CivilDate(year: today.year - 1, month: 4, day: 1)!.daysSince(today)
            for (pi, prefecture) in byPrefecture.keys.sorted().enumerated() {
                let list = byPrefecture[prefecture]!
                for (year, start) in [(today.year, -120), (today.year - 1, lastYear)] {
                    let findings = list.enumerated().flatMap { k, c in
                        let mine = (townships[c] ?? []).prefix(2).map { $0.id! }
                        return year == today.year
                            ? Self.countyFindings(county: c, townships: mine)
                            : Self.lastYearFindings(county: c, townships: mine, base: start, late: (k + pi) % 2 == 1)
                    }
                    try await save(
                        unit: prefecture, kind: .supervision, title: "\(year)年脱贫攻坚专项督查",
                        team: Array(Self.supervisors.prefix(year == today.year ? 4 : 2)), targets: list, start: start,
                        findings: findings, inspector: prefecture == "5401" ? (users["lasa"] ?? 0) : 0,
                        rectifier: rectifier)
                }
            }
            // The region's discipline patrol: one finding per prefecture, accepted — some late.
            let prefectures = byPrefecture.keys.sorted()
            try await save(
                unit: "54", kind: .patrol, title: "\(today.year)年脱贫攻坚作风专项巡查",
                team: [
                    ["name": "扎西", "department": InspectionDepartment.discipline.rawValue],
                    ["name": "张卫东", "department": InspectionDepartment.developmentReform.rawValue],
                    ["name": "央金", "department": InspectionDepartment.statistics.rawValue],
                ],
                targets: prefectures, start: -200,
                findings: prefectures.enumerated().map { k, p in
                    Planned(
                        unit: p, category: .conduct, person: "市扶贫办主任", text: "督导检查流于形式，问题台账更新不及时", deadline: -150,
                        steps: [(.rectify, k % 2 == 0 ? -160 : -140), (.accept, -130)])
                }, inspector: users["discipline"] ?? 0, rectifier: { _ in users["lasa"] ?? 0 })
        }
    }

    /// An inspection's planned findings with their events, each step by its actor on its day.
    static func saveFindings(
        _ findings: [Planned], of i: InspectionRecord, start: Int, today: CivilDate, inspector: RowID<User>,
        rectifier: (String) -> RowID<User>, evidence: (sha256: String, size: Int), on tx: DataAccess
    ) async throws {
        func day(_ offset: Int) -> CivilDate { today.adding(days: offset) }
        for p in findings {
            let f = FindingRecord()
            f.inspectionID = try i.requireID(); f.unitCode = p.unit; f.responsiblePerson = p.person;
            f.category = p.category
            f.description = p.text; f.raisedOn = day(start + 10); f.deadline = day(p.deadline); f.version = 1
            var state = FindingState.open
            for (action, _) in p.steps { state = FindingWorkflow.transition(state, action, by: action.actor)! }
            f.state = state
            f.rectifiedOn = p.steps.last { $0.0 == .rectify }.map { day($0.1) }
            f.verifiedOn = p.steps.last { $0.0 == .accept }.map { day($0.1) }
            try await f.save(on: tx)
            for (action, offset) in p.steps {
                let e = FindingEvent()
                e.findingID = try f.requireID(); e.action = action.rawValue; e.onDate = day(offset)
                e.userID = action.actor == .responsible ? rectifier(p.unit) : inspector
                e.note =
                    action == .rectify
                    ? "已按要求整改：\(p.text)问题已核实纠正，相关台账已补齐"
                    : action == .reopen ? "整改材料不完整，请补充佐证后重新提交" : "经现场核查，整改到位"
                if action == .rectify {
                    e.fileSHA256 = evidence.sha256; e.fileName = "整改佐证.pdf";
                    e.fileType = EvidenceFile.Kind.pdf.rawValue;
                    e.fileSize = evidence.size
                }
                try await e.save(on: tx)
            }
        }
    }

    /// The counties with households (the demo may cover only some).
    func demoCounties(on dbAccess: DataAccess) async throws -> [String] {
        let db = dbAccess.db
        struct CodeRow: Decodable { let county_code: String }
        return try await db.sqlDatabase.select().distinct().column("county_code").from(Household.schema).orderBy(
            "county_code"
        )
        .all(decoding: CodeRow.self).map(\.county_code)
    }

    /// A survey of every county last year; three disputes in each of a county's first two townships:
    /// one received long ago and still open past its deadline, one being mediated, one resolved.
    func seedSurveysAndDisputes() async throws {
        let today = app.clock.today, now = app.tuopin.now()
        try await app.write { tx in
            let counties = try await demoCounties(on: tx)
            let users = Dictionary(try await User.query(on: tx.db).all().map { ($0.username, $0.id!) }) { a, _ in a }
            for (k, county) in counties.enumerated() {
                let s = SurveyRecord()
                let surveyed = 80 + (k * 7) % 41
                s.unitCode = county; s.year = today.year - 1; s.evaluator = "西藏自治区第三方评估组";
                s.surveyedOn = CivilDate(year: today.year - 1, month: 11, day: 10 + k % 15)!
                s.sampledExited = 40 + k % 11; s.wronglyExited = k % 4 == 3 ? 1 : 0;
                s.sampledNonRegistered = 30 + k % 7; s.missed = k % 3
                s.surveyedHouseholds = surveyed; s.approving = surveyed - 2 - k % 5; s.note = ""
                s.createdBy = users["region"] ?? 0
                try await s.save(on: tx)
            }
            let townships = try await OrgUnit.query(on: tx.db).filter(\.$level == OrgLevel.township.rawValue).sort(
                \.$id
            ).all()
                .filter { counties.contains(String($0.id!.prefix(6))) }
            let byCounty = Dictionary(grouping: townships, by: { String($0.id!.prefix(6)) })
            var n = 0
            for county in counties {
                for township in (byCounty[county] ?? []).prefix(2) {
                    let clerk = township.id! == "540102001" ? users["clerk1"] ?? 0 : 0
                    let plans: [(DisputeKind, String, String, Int, Int, [(DisputeAction, String)])] = [
                        (.land, "次仁 与 扎西", "两户因草场边界发生争执", -60, -10, [(.mediate, "村调委会组织双方现场踏勘")]),
                        (.benefits, "村民 格桑", "对本村帮扶物资分配有异议", -12, 20, [(.mediate, "乡镇核对分配台账并向当事人说明")]),
                        (
                            .debt, "央宗 与 本村合作社", "合作社拖欠务工报酬", -90, -60,
                            [(.mediate, "乡镇司法所调解"), (.resolve, "合作社已全额支付报酬，双方签订调解协议")]
                        ),
                    ]
                    for (kind, parties, text, received, deadline, steps) in plans {
                        let d = DisputeRecord()
                        d.townshipCode = township.id!; d.parties = parties; d.kind = kind; d.description = text
                        d.receivedOn = today.adding(days: received); d.deadline = today.adding(days: deadline)
                        var status = DisputeStatus.open
                        for (action, _) in steps { status = DisputeRules.transition(status, action)! }
                        // The first is still being mediated past its deadline.
                        d.status = status; d.createdBy = clerk; d.version = 1 + steps.count
                        if status.isClosed {
                            d.resolution = steps.last!.1; d.closedOn = today.adding(days: deadline - 5)
                        }
                        try await d.save(on: tx)
                        for (k, (action, note)) in steps.enumerated() {
                            let step = DisputeStep()
                            step.disputeID = try d.requireID(); step.onDate = today.adding(days: received + 5 + k * 10)
                            step.action = action.rawValue; step.note = note; step.userID = clerk
                            try await step.save(on: tx)
                        }
                        n += 1
                    }
                }
            }
            try await AuditLog.append(
                on: tx, actor: .system, action: "oversight.demo", entity: "org_unit", entityID: "54",
                after: ["surveys": String(counties.count), "disputes": String(n)], at: now)
        }
    }

    /// Last year's assessment from scheme to distribution, through the service as region HQ; a
    /// discipline case; a reward for the best county, a penalty for the last and one for an overdue finding.
    func seedAssessment() async throws {
        let today = app.clock.today
        guard let region = try await User.query(on: app.db).filter(\.$username == "region").with(\.$bindings).first(),
            let discipline = try await User.query(on: app.db).filter(\.$username == "discipline").with(\.$bindings)
                .first()
        else { return }
        let hq = try CurrentUser(region, sessionKind: "demo"), body = try CurrentUser(discipline, sessionKind: "demo")
        let year = today.year - 1
        let id = try await AssessmentService.create(
            app: app, user: hq, input: .init(year: year, indicators: Self.consolidationScheme))
        for action in ["publish", "compute"] {
            _ = try await AssessmentService.step(app: app, user: hq, scheme: id, input: .init(action: action))
        }
        let entered = try await AssessmentValue.query(on: app.db).filter(\.$schemeID == id).filter(
            \.$source == "entered"
        ).sort(\.$unitCode).all()
        for (k, v) in entered.enumerated() {
            try await AssessmentService.enter(
                app: app, user: hq, scheme: id,
                input: .init(
                    unit_code: v.unitCode, indicator_id: v.indicatorID, value_pct: String(78 + (k * 5) % 21),
                    note: "\(year)年度督查考核评价"))
        }
        for action in ["rank", "approve"] {
            _ = try await AssessmentService.step(app: app, user: hq, scheme: id, input: .init(action: action))
        }
        _ = try await AssessmentService.step(
            app: app, user: hq, scheme: id, input: .init(action: "distribute", document_no: "藏扶领〔\(year + 1)〕1号"))
        let counties = try await AssessedUnit.query(on: app.db).filter(\.$schemeID == id).filter(
            \.$level == OrgLevel.county.rawValue
        )
        .sort(\.$rank).sort(\.$unitCode).all()
        let decided = today.adding(days: -30).description
        if let best = counties.first {
            _ = try await RegisterService.addSanction(
                app: app, user: hq,
                input: .init(
                    kind: "reward", measure: "commendation", subject_type: "unit", unit_code: best.unitCode,
                    subject_name: "县委、县政府",
                    reason: "\(year)年度脱贫攻坚考核排名第一", decided_on: decided, document_no: "藏扶领〔\(year + 1)〕3号",
                    basis: "assessment", basis_id: id.rawValue))
        }
        if let last = counties.last, counties.count > 1 {
            _ = try await RegisterService.addSanction(
                app: app, user: hq,
                input: .init(
                    kind: "penalty", measure: "interview", subject_type: "cadre", unit_code: last.unitCode,
                    subject_name: "县委书记",
                    reason: "\(year)年度脱贫攻坚考核排名靠后", decided_on: decided, document_no: "藏扶领〔\(year + 1)〕4号",
                    basis: "assessment", basis_id: id.rawValue))
        }
        let overdue = try await FindingRecord.query(on: app.db).filter(\.$state == .open)
            .filter(\.$deadline < today).sort(\.$id).first()
        if let f = overdue {
            _ = try await RegisterService.addSanction(
                app: app, user: body,
                input: .init(
                    kind: "penalty", measure: "criticism", subject_type: "unit", unit_code: f.unitCode,
                    subject_name: "责任单位",
                    reason: "督查发现问题逾期未整改", decided_on: today.adding(days: -2).description,
                    document_no: "藏纪〔\(today.year)〕12号",
                    basis: "finding", basis_id: f.id?.rawValue))
        }
        if let county = counties.first(where: { $0.unitCode.hasPrefix("540102") }) ?? counties.first {
            let c = try await RegisterService.openCase(
                app: app, user: body,
                input: .init(
                    unit_code: county.unitCode, person: "某乡镇干部", title: "反映产业扶贫资金使用问题", note: "收到群众来信，反映产业扶贫资金拨付不及时"))
            try await RegisterService.caseNote(
                app: app, user: body, case: c, input: .init(note: "已调取资金拨付台账和银行流水", outcome: nil))
        }
    }
}

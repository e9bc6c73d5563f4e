import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The demo's money and projects (articles 13, 21, 25, 33, 36) for the last two closed years and
/// this one: central and region money down the tree to townships and some villages, partner aid
/// into each prefecture and on to its counties, projects in every state of W-project with their
/// notices, money and expenditures, fund disclosures, and microcredit loans. Every amount goes
/// through `FundLedger.post`, so the demo's ledger holds the same invariant as the service's.
/// Sprinkled: a county whose money fell (R-07-2), allocations never published or published late
/// (R-21-1, R-25-1), a prefecture keeping too much aid above county level and a county spending aid
/// on sector infrastructure (R-33-1), a prefecture whose aid shrank (R-33-2), loans above the
/// preferential rate (R-36-1).
struct DemoFunds {
    let app: Application
    let seed: UInt64

    static let provinces = ["北京市", "江苏省", "上海市", "山东省", "天津市", "广东省", "福建省"]

    struct Entry {
        let move: LedgerMove; let source: FundSource; let year: Int; let from: String?; let to: String?
        let fromUnit: String?; let toUnit: String; let project: RowID<ProjectRecord>?; let amount: Money;
        let counterpart: String;
        let voucher: String
        let date: CivilDate; let note: String
    }

    /// Accounts as the ledger keeps them, checked entry by entry.
    struct Book {
        var accounts: [String: FundAccount] = [:]
        var entries: [Entry] = []
        static func key(_ holder: String, _ source: FundSource, _ year: Int) -> String {
            "\(holder)|\(source.rawValue)|\(year)"
        }
        mutating func post(_ e: Entry) throws {
            let d = e.from.map { accounts[Self.key($0, e.source, e.year), default: FundAccount()] }
            let c = e.to.map { accounts[Self.key($0, e.source, e.year), default: FundAccount()] }
            let r = try FundLedger.post(e.move, amount: e.amount, debit: d, credit: c)
            if let f = e.from { accounts[Self.key(f, e.source, e.year)] = r.debit }
            if let t = e.to { accounts[Self.key(t, e.source, e.year)] = r.credit }
            entries.append(e)
        }
        func balance(_ holder: String, _ source: FundSource, _ year: Int) -> Money {
            accounts[Self.key(holder, source, year)]?.balance ?? .zero
        }
    }

    func run() async throws {
        let today = app.clock.today, now = app.tuopin.now(), seed = self.seed
        try await app.write { tx in
            let sql = tx.sqlDatabase
            var rng = SplitMix64(seed: seed, stream: 36)
            let units = try await OrgUnit.query(on: tx.db).sort(\.$id).all()
            let children = Dictionary(grouping: units.filter { $0.parentCode != nil }, by: { $0.parentCode! })
            let prefectures = units.filter { $0.level == OrgLevel.prefecture.rawValue }.map(\.id!)
            let counties = units.filter { $0.level == OrgLevel.county.rawValue }.map(\.id!)
            guard !counties.isEmpty else { return }
            let years = [today.year - 2, today.year - 1, today.year]
            var book = try Self.bookTheMoney(
                counties: counties, prefectures: prefectures, children: children, years: years, today: today)
            let projectRows = try await Self.seedProjects(
                on: tx, counties: counties, children: children, today: today, now: now, rng: &rng)
            let zh = app.localizer.translations(.zh)
            try await Self.seedProjectNotices(
                on: tx, sql: sql, projectRows: projectRows, today: today, now: now, zh: zh)
            try Self.fundProjects(projectRows, book: &book, today: today)
            try Self.spendClosedYears(&book, projects: projectRows, today: today)
            try await Self.write(book, on: sql, now: now)
            try await Self.seedDisclosures(
                on: tx, sql: sql, units: units, counties: counties, today: today, now: now, zh: zh)
            let loans = try await Self.seedLoans(on: sql, today: today, now: now)
            try await AuditLog.append(
                on: tx, actor: .system, action: "demo.funds", entity: "org_unit", entityID: "54",
                after: [
                    "entries": String(book.entries.count), "projects": String(projectRows.count),
                    "loans": String(loans),
                ], at: now)
        }
    }

    typealias ProjectRow = (
        id: RowID<ProjectRecord>, county: String, site: String, step: Int, category: ProjectCategory,
        approved: CivilDate?, caseID: RowID<WorkflowCase>
    )

    /// The Centre's and the region's money down the tree, and partner aid into each prefecture and on to its counties.
    static func bookTheMoney(
        counties: [String], prefectures: [String], children: [String: [OrgUnit]], years: [Int], today: CivilDate
    ) throws -> Book {
        func on(_ year: Int, _ month: Int, _ day: Int) -> CivilDate {
            min(CivilDate(year: year, month: month, day: day)!, today)
        }
        func u(_ code: String) -> String { FundEntryRecord.holder(unit: code) }
        func yuan(_ n: Int) -> Money { Money(yuan: Int64(n)) }
        var book = Book()
        let shrinking = counties[counties.count / 2]
        for (yi, year) in years.enumerated() {
            let growth = 100 + yi * 8
            // The Centre's and the region's money, down to prefectures, counties and townships.
            let perCounty = 6_000_000 * growth / 100
            try book.post(
                Entry(
                    move: .receipt, source: .central, year: year, from: nil, to: u("54"), fromUnit: nil, toUnit: "54",
                    project: nil,
                    amount: yuan(perCounty * counties.count), counterpart: "中央财政", voucher: "", date: on(year, 2, 20),
                    note: "中央财政专项扶贫资金"))
            for p in prefectures {
                let mine = counties.filter { $0.hasPrefix(p) }
                try book.post(
                    Entry(
                        move: .allocation, source: .central, year: year, from: u("54"), to: u(p), fromUnit: "54",
                        toUnit: p, project: nil,
                        amount: yuan(perCounty * mine.count), counterpart: "", voucher: "", date: on(year, 3, 10),
                        note: "下达中央专项资金"))
                for c in mine {
                    // R-07-2: one county's money falls in the last closed year.
                    let share = c == shrinking && yi == 1 ? perCounty * 80 / 100 : perCounty
                    try book.post(
                        Entry(
                            move: .allocation, source: .central, year: year, from: u(p), to: u(c), fromUnit: p,
                            toUnit: c, project: nil,
                            amount: yuan(share), counterpart: "", voucher: "", date: on(year, 3, 25), note: "下达中央专项资金"))
                    let townships = (children[c] ?? []).map(\.id!)
                    for t in townships {
                        let toTownship = share * 40 / 100 / max(townships.count, 1)
                        try book.post(
                            Entry(
                                move: .allocation, source: .central, year: year, from: u(c), to: u(t), fromUnit: c,
                                toUnit: t, project: nil,
                                amount: yuan(toTownship), counterpart: "", voucher: "", date: on(year, 4, 15),
                                note: "乡镇产业和基础设施"))
                        for v in (children[t] ?? []).prefix(2).map(\.id!) {
                            try book.post(
                                Entry(
                                    move: .allocation, source: .central, year: year, from: u(t), to: u(v), fromUnit: t,
                                    toUnit: v,
                                    project: nil, amount: yuan(toTownship / 5), counterpart: "", voucher: "",
                                    date: on(year, 5, 10),
                                    note: "村级集体经济"))
                        }
                    }
                }
            }
            try bookPartnerAid(
                into: &book, year: year, growth: growth, shrinks: yi == 1, prefectures: prefectures, counties: counties,
                today: today)
        }
        return book
    }

    /// Partner aid into each prefecture, mostly on to its counties (R-33-1); the last prefecture's
    /// falls in the year that `shrinks` (R-33-2), the first keeps more above county level.
    static func bookPartnerAid(
        into book: inout Book, year: Int, growth: Int, shrinks: Bool, prefectures: [String], counties: [String],
        today: CivilDate
    ) throws {
        func on(_ year: Int, _ month: Int, _ day: Int) -> CivilDate {
            min(CivilDate(year: year, month: month, day: day)!, today)
        }
        func u(_ code: String) -> String { FundEntryRecord.holder(unit: code) }
        func yuan(_ n: Int) -> Money { Money(yuan: Int64(n)) }
        let aidShrinking = prefectures.last!, aidKeeping = prefectures.first!
        // Partner aid into each prefecture, mostly on to its counties.
        for (pi, p) in prefectures.enumerated() {
            let mine = counties.filter { $0.hasPrefix(p) }
            var aid = 3_000_000 * mine.count * growth / 100
            if p == aidShrinking && shrinks { aid = 3_000_000 * mine.count * 90 / 100 }
            try book.post(
                Entry(
                    move: .receipt, source: .partnerAid, year: year, from: nil, to: u(p), fromUnit: nil, toUnit: p,
                    project: nil,
                    amount: yuan(aid), counterpart: Self.provinces[pi % Self.provinces.count], voucher: "",
                    date: on(year, 3, 1),
                    note: "对口援藏资金"))
            let down = p == aidKeeping ? 70 : 88
            for c in mine {
                try book.post(
                    Entry(
                        move: .allocation, source: .partnerAid, year: year, from: u(p), to: u(c), fromUnit: p,
                        toUnit: c, project: nil,
                        amount: yuan(aid * down / 100 / mine.count), counterpart: "", voucher: "",
                        date: on(year, 4, 1), note: "援藏项目资金"))
            }
        }
    }

    /// Projects: eight per county, one in every state from proposal to the completion notice, each with its case.
    static func seedProjects(
        on txAccess: DataAccess, counties: [String], children: [String: [OrgUnit]], today: CivilDate, now: Date,
        rng: inout SplitMix64
    ) async throws -> [ProjectRow] {
        let tx = txAccess.db
        func on(_ year: Int, _ month: Int, _ day: Int) -> CivilDate {
            min(CivilDate(year: year, month: month, day: day)!, today)
        }
        var projectRows: [ProjectRow] = []
        let states = [1, 2, 3, 4, 5, 6, 7, 9]
        // Each project's category matches what its name says it builds.
        let projects: [(name: String, category: ProjectCategory)] = [
            ("牦牛养殖合作社", .industry), ("易地搬迁安置点配套设施", .relocation), ("草场生态补奖管护", .ecological),
            ("双语幼儿园", .education), ("劳务输出培训基地", .employment), ("村级互助幸福院", .socialSecurity),
            ("饮水安全巩固", .infrastructure), ("村卫生室", .publicService),
        ]
        let steps = Workflows.project.steps
        for (ci, county) in counties.enumerated() {
            let villages = (children[county] ?? []).flatMap { children[$0.id!] ?? [] }.map(\.id!)
            guard !villages.isEmpty else { continue }
            for (k, step) in states.enumerated() {
                let site = villages[(k * 7 + ci) % villages.count]
                let (name, category) = projects[(k + ci) % projects.count]
                let year = step >= 6 ? today.year - 1 : today.year
                let r = ProjectRecord()
                r.name = name; r.category = category; r.nature = ProjectNature.allCases[k % 3].rawValue;
                r.siteCode = site
                r.villageCode = site; r.townshipCode = String(site.prefix(9)); r.countyCode = county;
                r.prefectureCode = String(county.prefix(4))
                r.startYear = year; r.endYear = year + 1; r.responsibleUnit = "县农业农村局";
                r.responsiblePerson = ["次仁", "扎西", "格桑", "尼玛", "达瓦"][(k + ci) % 5]
                r.tasks = "建设内容见实施方案"; r.budget = Int64(600_000 + k * 150_000) * 100; r.fundingSources = "援藏资金、统筹整合资金"
                r.performanceTargets = "带动 \(20 + k) 户贫困户户均增收 \(2000 + k * 200) 元"; r.linkingMechanism = "入股分红、务工就业"
                r.households = 40 + k; r.people = 160 + k * 4; r.poorHouseholds = 20 + k; r.poorPeople = 80 + k * 4
                r.progressPct = step >= 7 ? 100 : step == 6 ? 35 + Int(rng.next() % 50) : 0
                r.status = .after(steps: step)
                let approved: CivilDate? = step >= 5 ? on(year, 4, 20) : nil
                r.approvedOn = approved; r.revision = ""; r.version = 1; r.createdAt = now
                try await r.create(on: tx)
                let c = WorkflowCase()
                c.workflow = Workflows.project.id; c.year = year; c.step = step;
                c.status = step == steps.count ? CaseStatus.closed : CaseStatus.open
                c.facts = "{}"; c.version = 1; c.openedAt = now; c.updatedAt = now; c.projectID = r.id!;
                c.unitCode = site; c.villageCode = site
                c.townshipCode = r.townshipCode; c.countyCode = county; c.prefectureCode = r.prefectureCode
                try await c.create(on: tx)
                r.caseID = c.id!
                try await r.update(on: tx)
                projectRows.append((r.id!, county, site, step, category, approved, c.id!))
            }
        }
        return projectRows
    }

    /// A notice of the demo's, as the workflow would have published it.
    static func notice(
        on txAccess: DataAccess, zh: Translations, now: Date, _ workflow: WorkflowDefinition, action: String,
        unit: String,
        start: CivilDate, rows: NoticeService.Entries, year: Int
    ) async throws -> RowID<Notice> {
        let tx = txAccess.db
        let n = Notice()
        n.kind = workflow.steps[workflow.stepIndex(action)!].notice!; n.workflow = workflow.id; n.action = action;
        n.unitCode = unit
        n.countyCode = String(unit.prefix(6)); n.prefectureCode = String(unit.prefix(4));
        n.place = unit.count > 6 ? "村委会公示栏" : "县政府网站"
        n.startsOn = start; n.endsOn = start.adding(days: 9); n.createdBy = 0; n.createdAt = now
        n.title = zh.format(
            "notice_title_\(workflow.id)", try await txAccess.fullName(of: unit), String(year),
            zh["notice_kind_\(n.kind)"])
        n.entries = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try await n.create(on: tx)
        return n.id!
    }

    /// The projects' notices: the township's, the approval (one county in five late, one project in 40 never), the
    /// completion.
    static func seedProjectNotices(
        on txAccess: DataAccess, sql: any SQLDatabase, projectRows: [ProjectRow], today: CivilDate, now: Date,
        zh: Translations
    ) async throws {
        let tx = txAccess.db
        func notice(
            _ workflow: WorkflowDefinition, action: String, unit: String, start: CivilDate, rows: NoticeService.Entries,
            year: Int
        ) async throws -> RowID<Notice> {
            try await Self.notice(
                on: txAccess, zh: zh, now: now, workflow, action: action, unit: unit, start: start, rows: rows,
                year: year)
        }
        var links: [[any Encodable & Sendable]] = []
        for (i, p) in projectRows.enumerated() {
            let c = try await WorkflowCase.find(p.caseID, on: tx)!
            let entries = NoticeService.Entries(columns: [], rows: [])
            var rows = try JSONDecoder().decode(
                NoticeService.Entries.self,
                from: Data(
                    try await NoticeService.entries(tx: txAccess, workflow: Workflows.project, cases: [c], zh: zh).utf8)
            )
            if rows.rows.isEmpty { rows = entries }
            if p.step >= 3 {
                let start = (p.approved ?? today).adding(days: -25)
                links.append([
                    try await notice(
                        Workflows.project, action: "publishTownshipNotice", unit: p.site, start: min(start, today),
                        rows: rows, year: c.year), p.caseID,
                ])
            }
            if p.step >= 5, let approved = p.approved, i % 40 != 3 {
                let late = i % 40 == 11
                let id = try await notice(
                    Workflows.project, action: "approveCounty", unit: p.site,
                    start: late ? approved.adding(days: 45) : approved,
                    rows: rows, year: c.year)
                links.append([id, p.caseID])
            }
            if p.step >= 9, let approved = p.approved {
                links.append([
                    try await notice(
                        Workflows.project, action: "announceCompletion", unit: p.site,
                        start: min(approved.adding(days: 200), today),
                        rows: rows, year: c.year), p.caseID,
                ])
            }
        }
        try await sql.bulkInsert(into: NoticeCase.schema, columns: ["notice_id", "case_id"], rows: links)
    }

    /// Money to approved projects from their county's partner aid, and what was spent; one county in ten spends aid on
    /// infrastructure.
    static func fundProjects(_ projectRows: [ProjectRow], book: inout Book, today: CivilDate) throws {
        func u(_ code: String) -> String { FundEntryRecord.holder(unit: code) }
        for p in projectRows where p.step >= 5 {
            guard let approved = p.approved else { continue }
            let year = approved.year
            let available = book.balance(u(p.county), .partnerAid, year)
            let give = min(Money(yuan: 400_000), Money(fen: available.fen / 4))
            guard give.fen > 0 else { continue }
            let holder = FundEntryRecord.holder(project: p.id)
            try book.post(
                Entry(
                    move: .allocation, source: .partnerAid, year: year, from: u(p.county), to: holder,
                    fromUnit: p.county, toUnit: p.site,
                    project: p.id, amount: give, counterpart: "", voucher: "",
                    date: min(approved.adding(days: 10), today), note: "项目资金"))
            if p.step >= 6 {
                // The county also pays the contractor directly from its central money (国库集中支付).
                let direct = Money(
                    fen: min(Money(yuan: 200_000).fen, book.balance(u(p.county), .central, year).fen / 6))
                if direct.fen > 0 {
                    try book.post(
                        Entry(
                            move: .expenditure, source: .central, year: year, from: u(p.county), to: nil,
                            fromUnit: p.county, toUnit: p.site,
                            project: p.id, amount: direct, counterpart: "", voucher: "县付-\(1000 + p.id)",
                            date: min(approved.adding(days: 45), today), note: "县级直接支付工程款"))
                }
                let spent = p.step >= 7 ? give : Money(fen: give.fen / 2)
                try book.post(
                    Entry(
                        move: .expenditure, source: .partnerAid, year: year, from: holder, to: nil, fromUnit: p.site,
                        toUnit: p.site,
                        project: p.id, amount: spent, counterpart: "", voucher: "记-\(1000 + p.id)",
                        date: min(approved.adding(days: 60), today),
                        note: "工程进度款"))
            }
        }
    }

    /// Writes the entries, then the accounts they add up to.
    static func write(_ book: Book, on sql: any SQLDatabase, now: Date) async throws {
        var entryRows: [[any Encodable & Sendable]] = []
        for e in book.entries {
            entryRows.append([
                e.move.rawValue, e.source.rawValue, e.year, e.from, e.to, e.fromUnit, e.toUnit, e.project, e.amount.fen,
                e.counterpart,
                e.voucher, e.date.description, e.note, 0, now,
            ])
        }
        try await sql.bulkInsert(
            into: FundEntryRecord.schema,
            columns: [
                "move", "source", "year", "from_holder", "to_holder", "from_unit", "to_unit",
                "project_id", "amount", "counterpart", "voucher", "entry_date", "note",
                "created_by", "created_at",
            ], rows: entryRows)
        try await sql.bulkInsert(
            into: FundAccountRecord.schema, columns: ["holder", "source", "year", "received", "allocated", "spent"],
            rows: book.accounts.map { key, a in
                let parts = key.split(separator: "|").map(String.init)
                return [parts[0], parts[1], Int(parts[2])!, a.received.fen, a.allocated.fen, a.spent.fen]
            })
    }

}

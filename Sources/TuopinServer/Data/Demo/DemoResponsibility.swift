import Crypto
import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The demo's responsibility chain: letters for last year (archived) and this year (signed), the
/// progress reports due so far, annual and five-year plans, and a realistic sprinkling of gaps —
/// the region's own letter for this year still a draft and its annual report missing, some units
/// without this year's letter or plan, some reports missing or late, and a few principal changes
/// made while the unit was locked and never exempted (R-05-1, R-20-2).
struct DemoResponsibility {
    let app: Application
    let seed: UInt64

    /// A one-page PDF standing in for the scanned letters (every demo letter shares it).
    static var scan: Data {
        let text = "BT /F1 18 Tf 72 720 Td (Tuopin demo: scanned responsibility letter) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> "
                + ">> >>",
            "<< /Length \(text.utf8.count) >>\nstream\n\(text)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var pdf = "%PDF-1.4\n", offsets: [Int] = []
        for (i, o) in objects.enumerated() { offsets.append(pdf.utf8.count); pdf += "\(i + 1) 0 obj\n\(o)\nendobj\n" }
        let xref = pdf.utf8.count
        pdf +=
            "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
            + offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(pdf.utf8)
    }

    func run() async throws {
        try await seedStandardsGap()
        try await seedChain()
        try await seedVillageActors()
    }

    /// The first year's 低保 line set at 90% of its poverty line, as before the two lines were merged
    /// (两线合一), so that R-06-1 has something to show; region HQ corrects it on the Standards page.
    func seedStandardsGap() async throws {
        let now = app.tuopin.now()
        try await app.write { tx in
            guard let first = try await StandardRecord.query(on: tx.db).sort(\.$id).first() else { return }
            let before = first.standard
            var changed = before
            changed.dibaoLine = Money(fen: before.povertyLine.fen * 9 / 10)
            first.apply(changed); first.isDefault = false; first.version += 1
            try await first.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: .system, action: "standard.set", entity: "standard", entityID: String(changed.year),
                before: before, after: changed, at: now)
        }
    }

    func seedChain() async throws {
        let today = app.clock.today
        let scan = Self.scan
        let sha = SHA256.hash(data: scan).map { String(format: "%02x", $0) }.joined()
        let file = ResponsibilityService.letterFile(app, sha256: sha)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try scan.write(to: file, options: .atomic)
        let now = app.tuopin.now(), seed = self.seed
        try await app.write { tx in
            let sql = tx.sqlDatabase
            let units = try await OrgUnit.query(on: tx.db).filter(\.$level <= OrgLevel.township.rawValue).sort(\.$id)
                .all()
            let names = Dictionary(
                uniqueKeysWithValues: try await Cadre.query(on: tx.db).filter(
                    \.$id ~~ units.flatMap { [$0.secretaryID, $0.headID].compactMap { $0 } }
                )
                .all().map { ($0.id!, $0.name) })
            let schedule = try await ResponsibilityService.schedule(on: tx)
            let reporter = try await User.query(on: tx.db).sort(\.$id).first()?.id
            var letters: [[any Encodable & Sendable]] = [], reports: [[any Encodable & Sendable]] = [],
                plans: [[any Encodable & Sendable]] = []
            let registry = try await Self.registrySize(on: sql)
            for (i, unit) in units.enumerated() {
                guard let code = OrgCode(unit.id!) else { continue }
                let secretary = unit.secretaryID.flatMap { names[$0] } ?? unit.name
                let scale =
                    code.level == .township ? 1 : code.level == .county ? 10 : code.level == .prefecture ? 80 : 600
                let size = registry[code.value] ?? Size()
                letters += Self.letterRows(
                    unit, code, i: i, scale: scale, size: size, secretary: secretary, today: today,
                    file: (sha, scan.count))
                reports += try await Self.reportRows(
                    unit, code, i: i, schedule: schedule, today: today, reporter: reporter, on: tx)
                plans += Self.planRows(unit, code, i: i, scale: scale, size: size, today: today)
            }
            try await Self.insertChain(on: sql, letters: letters, reports: reports, plans: plans)
            let changes = try await Self.seedLockedChanges(on: tx, units: units, today: today, now: now, seed: seed)
            struct Seeded: Encodable { let letters: Int; let reports: Int; let plans: Int; let principal_changes: Int }
            try await AuditLog.append(
                on: tx, actor: .system, action: "demo.responsibility", entity: "org_unit", entityID: "54",
                after: Seeded(
                    letters: letters.count, reports: reports.count, plans: plans.count, principal_changes: changes),
                at: now)
        }
    }

    typealias Row = [any Encodable & Sendable]

    /// What a unit's registry holds: its poor households (not yet exited or fallen back) and their people,
    /// and all its registered households and their people.
    struct Size {
        var poor = 0, poorPeople = 0, registered = 0, registeredPeople = 0
        static func + (a: Size, b: Size) -> Size {
            Size(
                poor: a.poor + b.poor, poorPeople: a.poorPeople + b.poorPeople, registered: a.registered + b.registered,
                registeredPeople: a.registeredPeople + b.registeredPeople)
        }
    }

    /// Each unit's `Size` (region, prefectures, counties and townships), so that letters and plans commit a unit to
    /// what its registry holds.
    static func registrySize(on sql: any SQLDatabase) async throws -> [String: Size] {
        struct Row: Decodable { let village_code: String; let status: String; let n: Int; let people: Int }
        let rows = try await sql.raw(
            """
            SELECT village_code, status, COUNT(*) AS n, \(DataAccess.bigintSum("member_count")) AS people \
            FROM households WHERE status <> \(bind: HouseholdStatus.applicant.rawValue) GROUP BY village_code, status
            """
        ).all(decoding: Row.self)
        var size: [String: Size] = [:]
        for r in rows {
            let poor = HouseholdStatus(rawValue: r.status)?.isRemainingPoor == true
            let add = Size(
                poor: poor ? r.n : 0, poorPeople: poor ? r.people : 0, registered: r.n, registeredPeople: r.people)
            for length in [2, 4, 6, 9] where r.village_code.count > length {
                let unit = String(r.village_code.prefix(length))
                size[unit] = size[unit, default: Size()] + add
            }
        }
        return size
    }

    /// A unit's letters of last year (archived) and this year (signed; the region's and every
    /// 23rd unit's a draft, every 17th unit's missing). They commit the unit to lifting the poor households
    /// its registry still holds.
    static func letterRows(
        _ unit: OrgUnit, _ code: OrgCode, i: Int, scale: Int, size: Size, secretary: String, today: CivilDate,
        file: (sha: String, size: Int)
    ) -> [Row] {
        let sha = file.sha
        var letters: [Row] = []
        for year in [today.year - 1, today.year] {
            let isRegionThisYear = code.level == .region && year == today.year
            // Some units have not signed this year's letter (R-04-1, R-10-1, R-16-1, R-22-1): the region's is a
            // draft.
            if year == today.year && !isRegionThisYear && i % 17 == 5 { continue }
            let state: LetterState =
                isRegionThisYear || (year == today.year && i % 23 == 7)
                ? .draft
                : year < today.year ? .archived : .signed
            let drafted = CivilDate(year: year, month: 1, day: 5 + i % 20)!
            letters.append([
                unit.id!, year, state.rawValue, size.poor, size.poorPeople, code.level == .township ? 0 : scale / 10, 0,
                Int64(scale) * 1_000_000,
                secretary, code.level == .region ? "国务院扶贫开发领导小组" : "上级党委政府", drafted.description,
                state.binds ? drafted.adding(days: 20 + i % 30).description : nil, state.binds ? sha : nil,
                state.binds ? scan.count : nil, 1,
            ])
        }
        return letters
    }

    /// A unit's progress reports due so far: the region's annual report and here and there a
    /// unit's latest missing, some late.
    static func reportRows(
        _ unit: OrgUnit, _ code: OrgCode, i: Int, schedule: ReportSchedule, today: CivilDate,
        reporter: RowID<User>?, on tx: DataAccess
    ) async throws -> [Row] {
        var reports: [Row] = []
        for period in schedule.periods(level: code.level, from: today.year - 1, through: today)
        where period.end <= today {
            // The region's annual report and, here and there, a unit's latest report are missing; some come
            // late.
            if code.level == .region && period.label == String(today.year - 1) { continue }
            if i % 13 == 3
                && period
                    == schedule.periods(level: code.level, from: today.year - 1, through: today).first(where: {
                        $0.due < today
                    })
            {
                continue
            }
            guard period.due <= today || i % 3 == 0, let reporter else { continue }
            let submitted =
                i % 11 == 4 ? period.due.adding(days: 3 + i % 5) : period.due.adding(days: -(i % 10))
            guard submitted <= today else { continue }
            let figures = try await ResponsibilityService.figures(on: tx, unit: code, year: period.end.year)
            reports.append([
                unit.id!, period.label, period.due.description, submitted.description, reporter,
                String(decoding: try JSONEncoder.sorted.encode(figures), as: UTF8.self),
                "本期按计划推进产业扶贫、易地搬迁和结对帮扶，未脱贫户均已落实帮扶措施。",
            ])
        }
        return reports
    }

    /// A unit's five-year plan (every registered household consolidated) and annual plans (its poor households
    /// lifted), above townships; some lack this year's.
    static func planRows(_ unit: OrgUnit, _ code: OrgCode, i: Int, scale: Int, size: Size, today: CivilDate) -> [Row] {
        var plans: [Row] = []
        if code.level != .township {
            plans.append([
                unit.id!, PlanKind.fiveYear.rawValue, "\(unit.name)“十四五”巩固拓展脱贫攻坚成果规划", 2021, 2025,
                size.registered, size.registeredPeople, code.level == .region ? 74 : scale / 4,
                code.level == .region ? 74 : 0,
                Int64(scale) * 20_000_000, "2021-03-01",
            ])
            // Some prefectures and counties have no annual plan for this year (R-07-1).
            for year in [today.year - 1, today.year] where !(year == today.year && i % 9 == 2) {
                plans.append([
                    unit.id!, PlanKind.annual.rawValue, "\(unit.name)\(year)年度巩固脱贫成果计划", year, year,
                    size.poor, size.poorPeople, scale / 10, 0, Int64(scale) * 2_000_000, "\(year)-02-15",
                ])
            }
        }
        return plans
    }

    static func insertChain(on sql: any SQLDatabase, letters: [Row], reports: [Row], plans: [Row]) async throws {
        try await sql.bulkInsert(
            into: LetterRecord.schema,
            columns: [
                "unit_code", "year", "state", "target_households", "target_people",
                "target_villages", "target_counties", "target_funds", "signatory",
                "counterpart_signatory", "drafted_on", "signed_on", "file_sha256", "file_size", "version",
            ],
            rows: letters)
        try await sql.bulkInsert(
            into: ProgressReportRecord.schema,
            columns: [
                "unit_code", "period", "due_on", "submitted_on", "submitted_by",
                "figures", "narrative",
            ], rows: reports)
        try await sql.bulkInsert(
            into: UnitPlanRecord.schema,
            columns: [
                "unit_code", "kind", "title", "period_from", "period_to", "target_households",
                "target_people", "target_villages", "target_counties", "target_funds", "approved_on",
            ],
            rows: plans)
    }

    /// Principal changes from before the lock was kept here: a county's secretary replaced the year
    /// before it exited, a township's head while it had poor villages; neither exempted.
    static func seedLockedChanges(on txAccess: DataAccess, units: [OrgUnit], today: CivilDate, now: Date, seed: UInt64)
        async throws -> Int
    {
        let tx = txAccess.db
        var changes = 0
        var seen: [OrgLevel: Int] = [:]
        for unit in units {
            guard let code = OrgCode(unit.id!) else { continue }
            // The second county and township, and every twentieth county and sixtieth township after them.
            let n = seen[code.level, default: 0]; seen[code.level] = n + 1
            let (rule, role, when): (String, PrincipalRole, CivilDate)
            switch code.level {
            case .county where unit.isPovertyCounty && n % 20 == 1:
                (rule, role, when) = (
                    RuleID.r05_1.rawValue, .secretary,
                    CivilDate(year: (unit.exitYear ?? today.year) - 1, month: 6, day: 15)!
                )
            case .township where n % 60 == 1:
                (rule, role, when) = (RuleID.r20_2.rawValue, .head, CivilDate(year: 2017, month: 3, day: 1)!)
            default: continue
            }
            guard let current = role == .secretary ? unit.secretaryID : unit.headID else { continue }
            let former = Cadre()
            former.name = DemoCadres.cadres(of: code, seed: seed &+ 1).first?.name ?? "—";
            former.rank = CadreRank.section.rawValue
            former.unitCode = unit.id!; former.active = false
            former.position = (role == .secretary ? CadrePosition.secretary : .head).rawValue
            former.stationedRole = StationedRole.none.rawValue
            try await former.save(on: tx)
            let change = PrincipalChange()
            change.unitCode = unit.id!; change.role = role; change.fromCadreID = former.id; change.toCadreID = current
            change.changedOn = when; change.lockedRule = rule; change.recordedAt = now
            try await change.save(on: tx)
            changes += 1
        }
        return changes
    }
}

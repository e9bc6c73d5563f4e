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
        let objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
                       "<< /Length \(text.utf8.count) >>\nstream\n\(text)\nendstream", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
        var pdf = "%PDF-1.4\n", offsets: [Int] = []
        for (i, o) in objects.enumerated() { offsets.append(pdf.utf8.count); pdf += "\(i + 1) 0 obj\n\(o)\nendobj\n" }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n" + offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(pdf.utf8)
    }

    func run() async throws {
        try await seedStandardsGap()
        try await seedChain()
        try await seedVillageActors()
    }

    /// Organisations of every county and village (a work team from one of the county's departments
    /// in each), party-member leaders in poor villages with projects, trainings and linked poor
    /// people, joint-household units and enterprises' help. Some villages have one leader only, some
    /// leaders no project or too many, and some lead fewer than three people whose income rose.
    func seedVillageActors() async throws {
        let today = app.clock.today, now = app.tuopin.now(), seed = self.seed
        try await app.write { tx in
            let sql = tx.sqlDatabase
            let units = try await OrgUnit.query(on: tx.db).sort(\.$id).all()
            let (organisations, aidCount) = try await Self.seedOrganisations(on: sql, units: units, today: today)
            let villages = units.filter { $0.level == OrgLevel.village.rawValue }

            // Heads of registered households, by village: the people leaders lead and the joint units' households.
            struct HeadRow: Decodable { let member_id: Int; let household_id: Int; let village_code: String; let status: String }
            let heads = try await sql.raw("""
                SELECT m.id AS member_id, h.id AS household_id, h.village_code, h.status FROM members m JOIN households h ON h.id = m.household_id
                WHERE m.relation = \(bind: Relation.head.rawValue) AND h.status <> \(bind: HouseholdStatus.monitored.rawValue) ORDER BY h.village_code, h.id
                """).all(decoding: HeadRow.self)
            let byVillage = Dictionary(grouping: heads, by: \.village_code)
            // Leaders lead poor people of their township (villages are small in a small demo).
            let byTownship = Dictionary(grouping: heads, by: { String($0.village_code.prefix(9)) })
            var leaders: [[any Encodable & Sendable]] = [], plan: [(village: String, projects: Int, links: Int)] = []
            var joint: [(village: String, households: [Int])] = []
            for (i, v) in villages.enumerated() {
                guard let people = byVillage[v.id!] else { continue }
                var rng = SplitMix64(seed: seed, stream: UInt64(v.id!)! &+ 7_000_000_000_000)
                if people.count >= 6 { joint.append((v.id!, people.prefix(min(8, people.count)).map(\.household_id))) }
                guard people.contains(where: { HouseholdStatus(rawValue: $0.status)?.isRemainingPoor ?? false }) else { continue }
                let count = i % 19 == 4 ? 1 : 2 + rng.int(0...1)
                for k in 0..<count {
                    let names = DemoCadres.cadres(of: OrgCode(v.id!)!, seed: seed &+ UInt64(k + 11))
                    leaders.append([v.id!, names.first?.name ?? "带头人\(k + 1)", true])
                    let projects = (i + k) % 23 == 6 ? 0 : (i + k) % 29 == 8 ? 3 : 1 + rng.int(0...1)
                    let links = (i + k) % 13 == 5 ? 2 : 3 + rng.int(0...2)
                    plan.append((v.id!, projects, links))
                }
            }
            try await sql.bulkInsert(into: PartyLeader.schema, columns: ["village_code", "name", "active"], rows: leaders)
            struct LeaderRow: Decodable { let id: Int }
            let leaderIDs = try await sql.select().column("id").from(PartyLeader.schema).orderBy("id").all(decoding: LeaderRow.self).map(\.id)
            var projects: [[any Encodable & Sendable]] = [], trainings: [[any Encodable & Sendable]] = [], links: [[any Encodable & Sendable]] = []
            let kinds = ["牦牛养殖合作社", "青稞种植基地", "藏香猪养殖", "民族手工艺合作社", "乡村旅游接待点", "蔬菜大棚"]
            var offset: [String: Int] = [:]
            for (id, p) in zip(leaderIDs, plan) {
                for k in 0..<p.projects { projects.append([id, kinds[(id + k) % kinds.count], "\(today.year - 2)-0\(3 + k)-01"]) }
                trainings.append([id, "\(today.year - 1)-05-20", "致富带头人实用技术培训"])
                let township = String(p.village.prefix(9))
                let people = byTownship[township] ?? []
                let start = offset[township, default: 0]
                for k in 0..<min(p.links, people.count) { links.append([id, people[(start + k) % people.count].member_id]) }
                offset[township] = start + p.links
            }
            try await sql.bulkInsert(into: LeaderProject.schema, columns: ["leader_id", "name", "started_on"], rows: projects)
            try await sql.bulkInsert(into: LeaderTraining.schema, columns: ["leader_id", "held_on", "topic"], rows: trainings)
            try await sql.bulkInsert(into: LeaderBeneficiary.schema, columns: ["leader_id", "member_id"], rows: links)
            try await sql.bulkInsert(into: JointUnit.schema, columns: ["village_code", "name", "head_household_id"],
                                     rows: joint.map { [$0.village, "第一联户", $0.households[0]] })
            let jointIDs = try await sql.select().column("id").from(JointUnit.schema).orderBy("id").all(decoding: LeaderRow.self).map(\.id)
            try await sql.bulkInsert(into: JointUnitMember.schema, columns: ["joint_unit_id", "household_id"],
                                     rows: zip(jointIDs, joint).flatMap { id, j in j.households.map { [id, $0] as [any Encodable & Sendable] } })
            struct Seeded: Encodable { let organisations: Int; let leaders: Int; let links: Int; let joint_units: Int; let enterprise_aid: Int }
            try await AuditLog.append(on: tx, actor: .system, action: "demo.village_actors", entity: "org_unit", entityID: "54",
                                      after: Seeded(organisations: organisations, leaders: leaders.count, links: links.count,
                                                    joint_units: joint.count, enterprise_aid: aidCount), at: now)
        }
    }

    /// Party committees, governments and departments down to counties, each village's own bodies and
    /// work team, and county enterprises helping every fourth village, with what they gave.
    static func seedOrganisations(on sql: any SQLDatabase, units: [OrgUnit], today: CivilDate) async throws -> (organisations: Int, aid: Int) {
        var orgs: [[any Encodable & Sendable]] = []
        let departments = ["扶贫开发办公室", "农业农村局", "发展和改革委员会", "教育局", "卫生健康委员会"]
        for unit in units where unit.level <= OrgLevel.county.rawValue {
            orgs.append([unit.id!, "\(unit.name)委员会", OrganisationType.partyCommittee.rawValue, nil as Int?, true])
            orgs.append([unit.id!, "\(unit.name)人民政府", OrganisationType.government.rawValue, nil as Int?, true])
            if unit.level == OrgLevel.region.rawValue {
                orgs.append([unit.id!, "自治区扶贫开发领导小组", OrganisationType.leadingGroup.rawValue, nil as Int?, true])
                orgs.append([unit.id!, "自治区脱贫攻坚指挥部", OrganisationType.commandHQ.rawValue, nil as Int?, true])
            }
            for d in departments { orgs.append([unit.id!, "\(unit.name)\(d)", OrganisationType.department.rawValue, nil as Int?, true]) }
            if unit.level == OrgLevel.county.rawValue {
                orgs.append([unit.id!, "\(unit.name)高原农牧产业开发有限公司", OrganisationType.enterprise.rawValue, nil as Int?, true])
            }
        }
        try await sql.bulkInsert(into: Organisation.schema, columns: ["unit_code", "name", "type", "sponsor_id", "active"], rows: orgs)
        struct OrgRow: Decodable { let id: Int; let unit_code: String; let type: String }
        let saved = try await sql.select().columns("id", "unit_code", "type").from(Organisation.schema).orderBy("id").all(decoding: OrgRow.self)
        let countyDepartments = Dictionary(grouping: saved.filter { $0.type == OrganisationType.department.rawValue && $0.unit_code.count == 6 }, by: \.unit_code)
        let enterprises = Dictionary(saved.filter { $0.type == OrganisationType.enterprise.rawValue }.map { ($0.unit_code, $0.id) }) { a, _ in a }
        let villages = units.filter { $0.level == OrgLevel.village.rawValue }
        var villageOrgs: [[any Encodable & Sendable]] = [], aid: [[any Encodable & Sendable]] = []
        for (i, v) in villages.enumerated() {
            let county = String(v.id!.prefix(6))
            villageOrgs.append([v.id!, "\(v.name)党支部", OrganisationType.villageBranch.rawValue, nil as Int?, true])
            villageOrgs.append([v.id!, "\(v.name)村民委员会", OrganisationType.villageCommittee.rawValue, nil as Int?, true])
            villageOrgs.append([v.id!, "\(v.name)村务监督委员会", OrganisationType.villageSupervision.rawValue, nil as Int?, true])
            if let list = countyDepartments[county], !list.isEmpty {
                villageOrgs.append([v.id!, "\(v.name)驻村工作队", OrganisationType.workTeam.rawValue, list[i % list.count].id, true])
            }
            if i % 4 == 0, let e = enterprises[county] { aid.append([e, v.id!, "\(today.year - 2)-04-01"]) }
        }
        try await sql.bulkInsert(into: Organisation.schema, columns: ["unit_code", "name", "type", "sponsor_id", "active"], rows: villageOrgs)
        try await sql.bulkInsert(into: EnterpriseAid.schema, columns: ["organisation_id", "village_code", "started_on"], rows: aid)
        struct AidRow: Decodable { let id: Int }
        let aidIDs = try await sql.select().column("id").from(EnterpriseAid.schema).orderBy("id").all(decoding: AidRow.self)
        try await sql.bulkInsert(into: AidContribution.schema, columns: ["aid_id", "contributed_on", "kind", "amount", "description"],
                                 rows: aidIDs.enumerated().flatMap { i, a -> [[any Encodable & Sendable]] in
                                     [[a.id, "\(today.year - 1)-06-01", ContributionKind.money.rawValue, Int64(50_000_00 + i % 7 * 10_000_00), "产业发展资金"],
                                      [a.id, "\(today.year - 1)-09-15", ContributionKind.jobs.rawValue, Int64(0), "提供 \(5 + i % 10) 个就业岗位"]]
                                 })
        return (orgs.count + villageOrgs.count, aid.count)
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
            try await AuditLog.append(on: tx, actor: .system, action: "standard.set", entity: "standard", entityID: String(changed.year),
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
            let units = try await OrgUnit.query(on: tx.db).filter(\.$level <= OrgLevel.township.rawValue).sort(\.$id).all()
            let names = Dictionary(uniqueKeysWithValues: try await Cadre.query(on: tx.db).filter(\.$id ~~ units.flatMap { [$0.secretaryID, $0.headID].compactMap { $0 } })
                .all().map { ($0.id!, $0.name) })
            let schedule = try await ResponsibilityService.schedule(on: tx)
            let reporter = try await User.query(on: tx.db).sort(\.$id).first()?.id
            var letters: [[any Encodable & Sendable]] = [], reports: [[any Encodable & Sendable]] = [], plans: [[any Encodable & Sendable]] = []
            for (i, unit) in units.enumerated() {
                guard let code = OrgCode(unit.id!) else { continue }
                var rng = SplitMix64(seed: seed, stream: UInt64(code.value)! &+ 5_000_000_000_000)
                let secretary = unit.secretaryID.flatMap { names[$0] } ?? unit.name
                let scale = code.level == .township ? 1 : code.level == .county ? 10 : code.level == .prefecture ? 80 : 600
                for year in [today.year - 1, today.year] {
                    let isRegionThisYear = code.level == .region && year == today.year
                    // Some units have not signed this year's letter (R-04-1, R-10-1, R-16-1, R-22-1): the region's is a draft.
                    if year == today.year && !isRegionThisYear && i % 17 == 5 { continue }
                    let state: LetterState = isRegionThisYear || (year == today.year && i % 23 == 7) ? .draft
                        : year < today.year ? .archived : .signed
                    let drafted = CivilDate(year: year, month: 1, day: 5 + i % 20)!
                    let h = scale * rng.int(8...30)
                    letters.append([unit.id!, year, state.rawValue, h, h * 4, code.level == .township ? 0 : scale / 10, 0, Int64(scale) * 1_000_000,
                                    secretary, code.level == .region ? "国务院扶贫开发领导小组" : "上级党委政府", drafted.description,
                                    state.binds ? drafted.adding(days: 20 + i % 30).description : nil, state.binds ? sha : nil,
                                    state.binds ? scan.count : nil, 1])
                }
                for period in schedule.periods(level: code.level, from: today.year - 1, through: today) where period.end <= today {
                    // The region's annual report and, here and there, a unit's latest report are missing; some come late.
                    if code.level == .region && period.label == String(today.year - 1) { continue }
                    if i % 13 == 3 && period == schedule.periods(level: code.level, from: today.year - 1, through: today).first(where: { $0.due < today }) { continue }
                    guard period.due <= today || i % 3 == 0, let reporter else { continue }
                    let submitted = i % 11 == 4 ? period.due.adding(days: 3 + i % 5) : period.due.adding(days: -(i % 10))
                    guard submitted <= today else { continue }
                    let figures = try await ResponsibilityService.figures(on: tx, unit: code, year: period.end.year)
                    reports.append([unit.id!, period.label, period.due.description, submitted.description, reporter,
                                    String(decoding: try JSONEncoder.sorted.encode(figures), as: UTF8.self),
                                    "本期按计划推进产业扶贫、易地搬迁和结对帮扶，未脱贫户均已落实帮扶措施。"])
                }
                if code.level != .township {
                    plans.append([unit.id!, PlanKind.fiveYear.rawValue, "\(unit.name)“十四五”巩固拓展脱贫攻坚成果规划", 2021, 2025,
                                  scale * 80, scale * 320, code.level == .region ? 74 : scale / 4, code.level == .region ? 74 : 0, Int64(scale) * 20_000_000, "2021-03-01"])
                    // Some prefectures and counties have no annual plan for this year (R-07-1).
                    for year in [today.year - 1, today.year] where !(year == today.year && i % 9 == 2) {
                        let h = scale * rng.int(5...20)
                        plans.append([unit.id!, PlanKind.annual.rawValue, "\(unit.name)\(year)年度巩固脱贫成果计划", year, year,
                                      h, h * 4, scale / 10, 0, Int64(scale) * 2_000_000, "\(year)-02-15"])
                    }
                }
            }
            try await sql.bulkInsert(into: LetterRecord.schema, columns: ["unit_code", "year", "state", "target_households", "target_people",
                                                                         "target_villages", "target_counties", "target_funds", "signatory",
                                                                         "counterpart_signatory", "drafted_on", "signed_on", "file_sha256", "file_size", "version"],
                                     rows: letters)
            try await sql.bulkInsert(into: ProgressReportRecord.schema, columns: ["unit_code", "period", "due_on", "submitted_on", "submitted_by",
                                                                                 "figures", "narrative"], rows: reports)
            try await sql.bulkInsert(into: UnitPlanRecord.schema, columns: ["unit_code", "kind", "title", "period_from", "period_to", "target_households",
                                                                           "target_people", "target_villages", "target_counties", "target_funds", "approved_on"],
                                     rows: plans)
            let changes = try await Self.seedLockedChanges(on: tx, units: units, today: today, now: now, seed: seed)
            struct Seeded: Encodable { let letters: Int; let reports: Int; let plans: Int; let principal_changes: Int }
            try await AuditLog.append(on: tx, actor: .system, action: "demo.responsibility", entity: "org_unit", entityID: "54",
                                      after: Seeded(letters: letters.count, reports: reports.count, plans: plans.count, principal_changes: changes), at: now)
        }
    }

    /// Principal changes from before the lock was kept here: a county's secretary replaced the year
    /// before it exited, a township's head while it had poor villages; neither exempted.
    static func seedLockedChanges(on txAccess: DataAccess, units: [OrgUnit], today: CivilDate, now: Date, seed: UInt64) async throws -> Int {
        let tx = txAccess.db
        var changes = 0
        var seen: [OrgLevel: Int] = [:]
        for unit in units {
            guard let code = OrgCode(unit.id!) else { continue }
            // The second county and township, and every twentieth county and sixtieth township after them.
            let n = seen[code.level, default: 0]; seen[code.level] = n + 1
            let (rule, role, when): (String, PrincipalRole, CivilDate)
            switch code.level {
            case .county where unit.isPovertyCounty && n % 20 == 1: (rule, role, when) = (RuleID.r05_1.rawValue, .secretary, CivilDate(year: (unit.exitYear ?? today.year) - 1, month: 6, day: 15)!)
            case .township where n % 60 == 1: (rule, role, when) = (RuleID.r20_2.rawValue, .head, CivilDate(year: 2017, month: 3, day: 1)!)
            default: continue
            }
            guard let current = role == .secretary ? unit.secretaryID : unit.headID else { continue }
            let former = Cadre()
            former.name = DemoCadres.cadres(of: code, seed: seed &+ 1).first?.name ?? "—"; former.rank = CadreRank.section.rawValue
            former.unitCode = unit.id!; former.position = role == .secretary ? "原党委书记" : "原行政负责人"; former.active = false
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

import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

extension DemoResponsibility {
    typealias LeaderPlan = (village: String, projects: Int, links: Int)

    /// Who leads where: per poor village (registered, not exited) one or two leaders (one in every nineteenth
    /// village), each with a number of projects and of people to lead; and the joint units of villages of six
    /// households or more. Each village draws from its own random stream.
    static func planLeaders(villages: [OrgUnit], byVillage: [String: [DemoVillageHead]], seed: UInt64) -> (
        leaders: [[any Encodable & Sendable]], plan: [LeaderPlan], joint: [(village: String, households: [Int])]
    ) {
        var leaders: [[any Encodable & Sendable]] = [], plan: [LeaderPlan] = []
        var joint: [(village: String, households: [Int])] = []
        for (i, v) in villages.enumerated() {
            guard let people = byVillage[v.id!] else { continue }
            var rng = SplitMix64(seed: seed, stream: UInt64(v.id!)! &+ 7_000_000_000_000)
            if people.count >= 6 { joint.append((v.id!, people.prefix(min(8, people.count)).map(\.household_id))) }
            // Article 28 asks it of poor villages: registered and not exited (item 7).
            guard PoorUnit.isPoor(registered: v.isPoor, exitYear: v.exitYear) else { continue }
            let count = i % 19 == 4 ? 1 : 2 + rng.int(0...1)
            for k in 0..<count {
                let names = DemoCadres.cadres(of: OrgCode(v.id!)!, seed: seed &+ UInt64(k + 11))
                leaders.append([v.id!, names.first?.name ?? "带头人\(k + 1)", true])
                let projects = (i + k) % 23 == 6 ? 0 : (i + k) % 29 == 8 ? 3 : 1 + rng.int(0...1)
                let links = (i + k) % 13 == 5 ? 2 : 3 + rng.int(0...2)
                plan.append((v.id!, projects, links))
            }
        }
        return (leaders, plan, joint)
    }

    /// The leaders' projects, trainings and linked people (leaders lead poor people of their
    /// township); returns how many people were linked.
    static func seedLeaderParts(
        on sql: any SQLDatabase, leaderIDs: [Int], plan: [LeaderPlan], byTownship: [String: [DemoVillageHead]],
        today: CivilDate
    ) async throws -> Int {
        var projects: [[any Encodable & Sendable]] = [], trainings: [[any Encodable & Sendable]] = [],
            links: [[any Encodable & Sendable]] = []
        let kinds = ["牦牛养殖合作社", "青稞种植基地", "藏香猪养殖", "民族手工艺合作社", "乡村旅游接待点", "蔬菜大棚"]
        var offset: [String: Int] = [:]
        for (id, p) in zip(leaderIDs, plan) {
            for k in 0..<p.projects {
                projects.append([id, kinds[(id + k) % kinds.count], "\(today.year - 2)-0\(3 + k)-01"])
            }
            trainings.append([id, "\(today.year - 1)-05-20", "致富带头人实用技术培训"])
            let township = String(p.village.prefix(9))
            let people = byTownship[township] ?? []
            let start = offset[township, default: 0]
            for k in 0..<min(p.links, people.count) {
                links.append([id, people[(start + k) % people.count].member_id])
            }
            offset[township] = start + p.links
        }
        try await sql.bulkInsert(
            into: LeaderProject.schema, columns: ["leader_id", "name", "started_on"], rows: projects)
        try await sql.bulkInsert(
            into: LeaderTraining.schema, columns: ["leader_id", "held_on", "topic"], rows: trainings)
        try await sql.bulkInsert(into: LeaderBeneficiary.schema, columns: ["leader_id", "member_id"], rows: links)
        return links.count
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
            let heads = try await sql.raw(
                """
                SELECT m.id AS member_id, h.id AS household_id, h.village_code, h.status FROM members m JOIN \
                households h ON h.id = m.household_id
                WHERE m.relation = \(bind: Relation.head.rawValue) AND h.status <> \
                \(bind: HouseholdStatus.applicant.rawValue) ORDER BY h.village_code, h.id
                """
            ).all(decoding: DemoVillageHead.self)
            let byVillage = Dictionary(grouping: heads, by: \.village_code)
            // Leaders lead poor people of their township (villages are small in a small demo).
            let byTownship = Dictionary(grouping: heads, by: { String($0.village_code.prefix(9)) })
            let (leaders, plan, joint) = Self.planLeaders(villages: villages, byVillage: byVillage, seed: seed)
            try await sql.bulkInsert(
                into: PartyLeader.schema, columns: ["village_code", "name", "active"], rows: leaders)
            struct LeaderRow: Decodable { let id: Int }
            let leaderIDs = try await sql.select().column("id").from(PartyLeader.schema).orderBy("id").all(
                decoding: LeaderRow.self
            ).map(\.id)
            let links = try await Self.seedLeaderParts(
                on: sql, leaderIDs: leaderIDs, plan: plan, byTownship: byTownship, today: today)
            try await sql.bulkInsert(
                into: JointUnit.schema, columns: ["village_code", "name", "head_household_id"],
                rows: joint.map { [$0.village, "第一联户", $0.households[0]] })
            let jointIDs = try await sql.select().column("id").from(JointUnit.schema).orderBy("id").all(
                decoding: LeaderRow.self
            ).map(\.id)
            try await sql.bulkInsert(
                into: JointUnitMember.schema, columns: ["joint_unit_id", "household_id"],
                rows: zip(jointIDs, joint).flatMap { id, j in
                    j.households.map { [id, $0] as [any Encodable & Sendable] }
                })
            struct Seeded: Encodable {
                let organisations: Int; let leaders: Int; let links: Int; let joint_units: Int; let enterprise_aid: Int
            }
            try await AuditLog.append(
                on: tx, actor: .system, action: "demo.village_actors", entity: "org_unit", entityID: "54",
                after: Seeded(
                    organisations: organisations, leaders: leaders.count, links: links,
                    joint_units: joint.count, enterprise_aid: aidCount), at: now)
        }
    }

    /// Party committees, governments and departments down to counties, each village's own bodies and
    /// work team, and county enterprises helping every fourth village, with what they gave.
    static func seedOrganisations(on sql: any SQLDatabase, units: [OrgUnit], today: CivilDate) async throws -> (
        organisations: Int, aid: Int
    ) {
        var orgs: [[any Encodable & Sendable]] = []
        let departments = ["扶贫开发办公室", "农业农村局", "发展和改革委员会", "教育局", "卫生健康委员会"]
        for unit in units where unit.level <= OrgLevel.county.rawValue {
            orgs.append([unit.id!, "\(unit.name)委员会", OrganisationType.partyCommittee.rawValue, nil as Int?, true])
            orgs.append([unit.id!, "\(unit.name)人民政府", OrganisationType.government.rawValue, nil as Int?, true])
            if unit.level == OrgLevel.region.rawValue {
                orgs.append([unit.id!, "自治区扶贫开发领导小组", OrganisationType.leadingGroup.rawValue, nil as Int?, true])
                orgs.append([unit.id!, "自治区脱贫攻坚指挥部", OrganisationType.commandHQ.rawValue, nil as Int?, true])
            }
            for d in departments {
                orgs.append([unit.id!, "\(unit.name)\(d)", OrganisationType.department.rawValue, nil as Int?, true])
            }
            if unit.level == OrgLevel.county.rawValue {
                orgs.append([
                    unit.id!, "\(unit.name)高原农牧产业开发有限公司", OrganisationType.enterprise.rawValue, nil as Int?, true,
                ])
            }
        }
        try await sql.bulkInsert(
            into: Organisation.schema, columns: ["unit_code", "name", "type", "sponsor_id", "active"], rows: orgs)
        struct OrgRow: Decodable { let id: Int; let unit_code: String; let type: String }
        let saved = try await sql.select().columns("id", "unit_code", "type").from(Organisation.schema).orderBy("id")
            .all(decoding: OrgRow.self)
        let countyDepartments = Dictionary(
            grouping: saved.filter { $0.type == OrganisationType.department.rawValue && $0.unit_code.count == 6 },
            by: \.unit_code)
        let enterprises = Dictionary(
            saved.filter { $0.type == OrganisationType.enterprise.rawValue }.map { ($0.unit_code, $0.id) }
        ) { a, _ in a }
        let villages = units.filter { $0.level == OrgLevel.village.rawValue }
        var villageOrgs: [[any Encodable & Sendable]] = [], aid: [[any Encodable & Sendable]] = []
        for (i, v) in villages.enumerated() {
            let county = String(v.id!.prefix(6))
            villageOrgs.append([v.id!, "\(v.name)党支部", OrganisationType.villageBranch.rawValue, nil as Int?, true])
            villageOrgs.append([v.id!, "\(v.name)村民委员会", OrganisationType.villageCommittee.rawValue, nil as Int?, true])
            villageOrgs.append([
                v.id!, "\(v.name)村务监督委员会", OrganisationType.villageSupervision.rawValue, nil as Int?, true,
            ])
            if let list = countyDepartments[county], !list.isEmpty {
                villageOrgs.append([
                    v.id!, "\(v.name)驻村工作队", OrganisationType.workTeam.rawValue, list[i % list.count].id, true,
                ])
            }
            if i % 4 == 0, let e = enterprises[county] { aid.append([e, v.id!, "\(today.year - 2)-04-01"]) }
        }
        try await sql.bulkInsert(
            into: Organisation.schema, columns: ["unit_code", "name", "type", "sponsor_id", "active"], rows: villageOrgs
        )
        try await sql.bulkInsert(
            into: EnterpriseAid.schema, columns: ["organisation_id", "village_code", "started_on"], rows: aid)
        struct AidRow: Decodable { let id: Int }
        let aidIDs = try await sql.select().column("id").from(EnterpriseAid.schema).orderBy("id").all(
            decoding: AidRow.self)
        try await sql.bulkInsert(
            into: AidContribution.schema, columns: ["aid_id", "contributed_on", "kind", "amount", "description"],
            rows: aidIDs.enumerated().flatMap { i, a -> [[any Encodable & Sendable]] in
                [
                    [
                        a.id, "\(today.year - 1)-06-01", ContributionKind.money.rawValue,
                        Int64(50_000_00 + i % 7 * 10_000_00), "产业发展资金",
                    ],
                    [
                        a.id, "\(today.year - 1)-09-15", ContributionKind.jobs.rawValue, Int64(0),
                        "提供 \(5 + i % 10) 个就业岗位",
                    ],
                ]
            })
        return (orgs.count + villageOrgs.count, aid.count)
    }
}

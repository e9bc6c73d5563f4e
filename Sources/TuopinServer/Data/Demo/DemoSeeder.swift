import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Builds the demo region into the database, township by township, one transaction (and one
/// audit entry) each, so memory stays flat however many households are asked for.
struct DemoSeeder {
    let app: Application
    let households: Int
    let seed: UInt64
    /// Limit to these counties (tests); nil means all 74.
    var counties: Set<String>? = nil
    /// Also make the demo's workflow cases (`DemoCases`).
    var withCases = true
    /// Also carry last year's assessment through to distribution, with the rewards and penalties and
    /// the discipline case resting on it (`DemoOversight.seedAssessment`).
    var withAssessment = true
    /// Only the unit tree, its cadres and the demo logins (with any households asked for): no
    /// responsibility records, money, oversight, cases or checks. For an empty registry to import into.
    var bare = false

    struct Login: Sendable { let username: String; let password: String; let role: Role; let unit: String }

    struct Summary: Sendable { let households: Int; let people: Int; let logins: [Login]; let cases: Int }

    /// The fixed demo logins that scripts and tests rely on.
    static let demoUsers: [(String, String, Role, String)] = [
        ("admin", "系统管理员", .systemAdmin, "54"),
        ("secadmin", "安全管理员", .securityAdmin, "54"),
        ("auditadmin", "审计管理员", .auditAdmin, "54"),
        ("region", "自治区指挥部", .regionHQ, "54"),
        ("lasa", "拉萨市扶贫办", .prefectureOffice, "5401"),
        ("chengguan", "城关区扶贫办", .countyOffice, "540102"),
        ("clerk1", "扶贫专干一", .clerk, "540102001"),
        ("township1", "乡镇负责人一", .townshipLeader, "540102001"),
        ("clerk2", "扶贫专干二", .clerk, "540103001"),
        ("village1", "村干部一", .villageCadre, "540102001201"),
        ("supervisor1", "村务监督员一", .villageSupervisor, "540102001201"),
        ("auditor", "审计厅", .audit, "54"),
        ("discipline", "纪委监委", .discipline, "54"),
        ("evaluator", "第三方评估组", .evaluator, "54"),
    ]

    func run(password: String?) async throws -> Summary {
        try await OrgTree.loadIfEmpty(app)
        guard try await Household.query(on: app.db).count() == 0 else { throw AppError.registryNotEmpty }
        let allCounties = try await OrgUnit.query(on: app.db).filter(\.$level == OrgLevel.county.rawValue).sort(\.$id)
            .all()
            .filter { counties?.contains($0.id!) ?? true }
        let region = DemoRegion(
            seed: seed, counties: allCounties.map { DemoUnit(code: OrgCode($0.id!)!, name: $0.name) })
        var generator = DemoHouseholdGenerator(seed: seed)
        var totalPeople = 0

        try await seedUpperCadres(countyCodes: region.counties.map(\.code))
        let counts = Self.villageCounts(region, total: households)
        for (countyIndex, county) in region.counties.enumerated() {
            let townships = region.townships(of: county.code).enumerated().map { townshipIndex, township in
                let villages = region.villages(of: township.code)
                let batch = villages.enumerated().flatMap { villageIndex, village in
                    generator.households(in: village.code, count: counts[countyIndex][townshipIndex][villageIndex])
                }
                return TownshipBatch(township: township, villages: villages, households: batch)
            }
            totalPeople += try await seedCounty(county.code, townships: townships)
        }
        try await seedPairings()
        try await sprinkleVacancies()
        let logins = try await seedUsers(password: password)
        if bare { return Summary(households: households, people: totalPeople, logins: logins, cases: 0) }
        try await DemoResponsibility(app: app, seed: seed).run()
        try await DemoFunds(app: app, seed: seed).run()
        try await DemoOversight(app: app).run()
        let cases = withCases ? try await DemoCases(app: app, seed: seed).run() : 0
        // The responsibility rules over the whole demo, so that the 责任落实 pages have their findings from the start.
        _ = try await ComplianceService.check(app: app, root: OrgCode("54")!, actor: .system)
        _ = try await QualityService.checkAll(app: app, unit: nil)
        // Last year's assessment reads the checks' findings.
        if withAssessment {
            try await DemoOversight(app: app).seedAssessment()
            try await DemoOversight(app: app).seedTownshipAssessment()
        }
        return Summary(households: households, people: totalPeople, logins: logins, cases: cases)
    }

    static let showcaseHouseholds = 60

    private var protector: DataProtector { app.tuopin.protector }

    /// Region, prefecture and county cadres, and the principals of those units.
    private func seedUpperCadres(countyCodes: [OrgCode]) async throws {
        let prefectures = Set(countyCodes.compactMap { $0.ancestor(at: .prefecture) })
        let units = [OrgCode("54")!] + prefectures.sorted() + countyCodes
        let now = app.tuopin.now()
        let seed = self.seed
        try await app.write { tx in
            try await Self.insertCadres(units.flatMap { DemoCadres.cadres(of: $0, seed: seed) }, on: tx)
            // Demo exit years: the region's counties left poverty between 2016 and 2019, except the
            // first, whose exit is still a case in progress (so the county-exit workflow can be seen).
            for county in countyCodes.sorted().dropFirst() {
                var rng = SplitMix64(seed: seed, stream: UInt64(county.value)! &+ 3_000_000_000_000)
                try await OrgUnit.query(on: tx.db).filter(\.$id == county.value).set(
                    \.$exitYear, to: rng.int(2016...2019)
                ).update()
            }
            struct Seeded: Encodable { let units: Int }
            try await AuditLog.append(
                on: tx, actor: .system, action: "demo.cadres", entity: "cadre", entityID: "54",
                after: Seeded(units: units.count), at: now)
        }
    }

    struct TownshipBatch: Sendable { let township: DemoUnit; let villages: [DemoUnit]; let households: [DemoHousehold] }

    /// One county's townships, in one transaction with one audit entry per township.
    private func seedCounty(_ county: OrgCode, townships: [TownshipBatch]) async throws -> Int {
        let protector = self.protector
        // Encrypt outside the transaction: it is the slow part and needs no database.
        let memberRows: [[[[any Encodable & Sendable]]]] = try townships.map { batch in
            try batch.households.map { h in
                try h.members.map { m in
                    [
                        m.name, m.relation.rawValue, try protector.encrypt(m.residentID.value),
                        protector.index(m.residentID.value),
                        m.residentID.masked, m.sex.rawValue, m.ethnicity.rawValue, m.education.rawValue,
                        m.schooling.rawValue, m.health.rawValue, m.disabilityGrade, m.labour.rawValue, m.migrantMonths,
                        m.medicalInsurance, m.seriousIllnessInsurance, m.pensionInsurance, m.dibao, m.tekun,
                    ] as [any Encodable & Sendable]
                }
            }
        }
        try await app.write { tx in
            for (batch, rows) in zip(townships, memberRows) {
                try await seedTownship(
                    batch.township, villages: batch.villages, households: batch.households, memberRows: rows, on: tx)
            }
        }
        return memberRows.joined().reduce(0) { $0 + $1.count }
    }

    /// One township: its villages, cadres, households, members and incomes.
    private func seedTownship(
        _ township: DemoUnit, villages: [DemoUnit], households: [DemoHousehold],
        memberRows: [[[any Encodable & Sendable]]], on txAccess: DataAccess
    ) async throws {
        let tx = txAccess.db
        let seed = self.seed
        let now = app.tuopin.now()
        let protector = self.protector
        let planYear = Calendar(identifier: .gregorian).component(.year, from: now)
        do {
            let sql = tx.sqlDatabase
            let code = township.code
            let units = [(township, code)] + villages.map { ($0, $0.code) }
            try await sql.bulkInsert(
                into: OrgUnit.schema,
                columns: ["code", "name", "level", "parent_code", "path", "is_poverty_county", "version"],
                rows: units.map { unit, c in [c.value, unit.name, c.level.rawValue, c.parent!.value, c.path, false, 1] }
            )
            try await Self.insertCadres(
                ([code] + villages.map(\.code)).flatMap { DemoCadres.cadres(of: $0, seed: seed) }, on: txAccess)
            try await sql.bulkInsert(
                into: Household.schema,
                columns: HouseholdRows.columns,
                rows: try households.map { try HouseholdRows.values($0, township: code, protector: protector) })
            // The villages with registered households are poor villages, and so their township a poor township.
            try await AddPoorUnitFlag.derive(on: sql, under: code.value)
            struct IDRow: Decodable { let id: Int; let number: String }
            let ids = try await sql.select().columns("id", "number").from(Household.schema)
                .where("township_code", .equal, SQLBind(code.value)).all(decoding: IDRow.self)
            let idByNumber = Dictionary(uniqueKeysWithValues: ids.map { ($0.number, $0.id) })
            var members: [[any Encodable & Sendable]] = []
            var incomes: [[any Encodable & Sendable]] = []
            for (h, rows) in zip(households, memberRows) {
                let id = idByNumber[h.number]!
                members += rows.map { [id] + $0 }
                incomes += h.incomes.map {
                    [
                        id, $0.year, $0.wage.fen, $0.business.fen, $0.property.fen, $0.transfer.fen, $0.costs.fen,
                        rows.count,
                    ]
                }
            }
            try await sql.bulkInsert(
                into: Member.schema,
                columns: [
                    "household_id", "name", "relation", "id_cipher", "id_hmac",
                    "id_masked", "sex", "ethnicity", "education", "schooling", "health", "disability_grade", "labour",
                    "migrant_months", "medical_insurance", "serious_illness_insurance", "pension_insurance", "dibao",
                    "tekun",
                ], rows: members)
            try await sql.bulkInsert(
                into: IncomeRecord.schema,
                columns: [
                    "household_id", "year", "wage", "business", "property",
                    "transfer", "costs", "members",
                ], rows: incomes)
            try await sql.bulkInsert(
                into: Guarantee.schema, columns: ["household_id", "kind", "met", "note"],
                rows: households.flatMap { h in
                    GuaranteeKind.allCases.map { kind -> [any Encodable & Sendable] in
                        let met = h.guarantees[kind] ?? true
                        return [idByNumber[h.number]!, kind.rawValue, met, met ? "" : "待解决"]
                    }
                })
            try await Self.insertPlans(households, idByNumber: idByNumber, planYear: planYear, on: sql)
            struct Seeded: Encodable { let villages: Int; let households: Int; let people: Int }
            try await AuditLog.append(
                on: txAccess, actor: .system, action: "demo.township", entity: "org_unit", entityID: code.value,
                after: Seeded(villages: villages.count, households: households.count, people: members.count),
                at: now)
        }
    }

    /// Pairs each county's households with its cadres (`DemoPairings`); the first county of a
    /// prefecture also gives the prefecture's cadres their households, 540102 the region's.
    private func seedPairings() async throws {
        let seed = self.seed
        let counties = try await OrgUnit.query(on: app.db).filter(\.$level == OrgLevel.county.rawValue).sort(\.$id)
            .all().compactMap(\.id)
        var first: [String: String] = [:]
        for county in counties { first[String(county.prefix(4))] = first[String(county.prefix(4))] ?? county }
        let firstOfPrefecture = first
        let app = self.app
        for county in counties {
            try await app.write { tx in
                let sql = tx.sqlDatabase
                struct HouseholdRow: Decodable {
                    let id: Int; let village_code: String; let status: String; let identified_year: Int;
                    let exit_year: Int?
                }
                let rows = try await sql.select().columns(
                    "id", "village_code", "status", "identified_year", "exit_year"
                ).from(Household.schema)
                    .where("county_code", .equal, SQLBind(county)).orderBy("id").all(decoding: HouseholdRow.self)
                guard !rows.isEmpty else { return }
                struct CadreRow: Decodable {
                    let id: Int; let rank: String; let stationed_role: String; let unit_code: String
                }
                func cadres(_ condition: any SQLExpression) async throws -> [DemoPairings.Cadre] {
                    try await sql.select().columns("id", "rank", "stationed_role", "unit_code").from(Cadre.schema)
                        .where(condition)
                        .orderBy("id")
                        .all(decoding: CadreRow.self)
                        .compactMap { r in
                            guard let rank = CadreRank(rawValue: r.rank), let unit = OrgCode(r.unit_code) else {
                                return nil
                            }
                            let role = StationedRole(rawValue: r.stationed_role) ?? .none
                            return .init(id: r.id, rank: rank, role: role, unit: unit)
                        }
                }
                let local = try await cadres(SQLBinaryExpression(SQLColumn("unit_code"), .like, SQLBind(county + "%")))
                var aboveUnits: [String] = []
                if firstOfPrefecture[String(county.prefix(4))] == county { aboveUnits.append(String(county.prefix(4))) }
                if county == "540102" { aboveUnits.append("54") }
                let above =
                    aboveUnits.isEmpty
                    ? [] : try await cadres(SQLBinaryExpression(SQLColumn("unit_code"), .in, SQLBind.group(aboveUnits)))
                let households = rows.enumerated().compactMap { i, r -> DemoPairings.Household? in
                    guard let village = OrgCode(r.village_code), let status = HouseholdStatus(rawValue: r.status) else {
                        return nil
                    }
                    return .init(
                        index: i, village: village, status: status, identifiedYear: r.identified_year,
                        exitYear: r.exit_year)
                }
                let planned = DemoPairings.plan(
                    households: households, local: local, above: above, seed: seed, stream: UInt64(county)!)
                try await sql.bulkInsert(
                    into: Pairing.schema,
                    columns: ["cadre_id", "household_id", "started_on", "ended_on", "end_reason"],
                    rows: planned.map { [$0.cadre, rows[$0.household].id, $0.startedOn, $0.endedOn, $0.endReason] })
                try await AuditLog.append(
                    on: tx, actor: .system, action: "demo.pairings", entity: "org_unit", entityID: county,
                    after: ["pairings": String(planned.count)], at: app.tuopin.now())
            }
        }
    }

    /// R-20-1, R-29-1 and R-06-2's sprinkling: one township in 29 has lost a 扶贫专干; in every county
    /// whose code divides by 3 the last poor village has lost its first secretary (both marked
    /// inactive, as when a cadre leaves); and the county that identified the most households in one
    /// year has a quota for that year one below what it identified.
    private func sprinkleVacancies() async throws {
        try await app.write { tx in
            let sql = tx.sqlDatabase
            try await sql.raw(
                """
                UPDATE cadres SET active = \(bind: false) WHERE id IN (
                  SELECT MAX(id) FROM cadres WHERE position = \(bind: ComplianceService.staffPosition)
                  AND CAST(unit_code AS BIGINT) % 29 = 3 GROUP BY unit_code)
                """
            ).run()
            let poor = HouseholdStatus.allCases.filter(\.isRemainingPoor).map(\.rawValue)
            try await sql.raw(
                """
                UPDATE cadres SET active = \(bind: false) WHERE position = \
                \(bind: ComplianceService.firstSecretaryPosition)
                AND unit_code IN (SELECT MAX(village_code) FROM households WHERE status IN (\(binds: poor))
                                  AND CAST(county_code AS BIGINT) % 3 = 0 GROUP BY county_code)
                """
            ).run()
            struct Busiest: Decodable { let county_code: String; let identified_year: Int; let n: Int }
            if let top = try await sql.raw(
                """
                SELECT county_code, identified_year, COUNT(*) AS n FROM households WHERE status <> \
                \(bind: HouseholdStatus.applicant.rawValue)
                GROUP BY county_code, identified_year ORDER BY n DESC, county_code, identified_year LIMIT 1
                """
            ).first(decoding: Busiest.self), top.n > 1 {
                try await sql.insert(into: IdentificationQuota.schema).columns(
                    "county_code", "year", "quota", "exemption", "version"
                )
                .values(
                    SQLBind(top.county_code), SQLBind(top.identified_year), SQLBind(top.n - 1), SQLBind(""), SQLBind(1)
                ).run()
            }
            try await AuditLog.append(
                on: tx, actor: .system, action: "demo.vacancies", entity: "org_unit", entityID: "54",
                at: app.tuopin.now())
        }
    }

    private func seedUsers(password: String?) async throws -> [Login] {
        let cost = app.tuopin.settings.bcryptCost
        let app = self.app
        // A demo limited to some counties gets only the logins whose unit it built.
        let existing = Set(
            try await OrgUnit.query(on: app.db).filter(\.$id ~~ Self.demoUsers.map(\.3)).all().compactMap(\.id))
        let users = Self.demoUsers.filter { existing.contains($0.3) }
        let passwords = users.map { _ in password ?? Self.randomPassword() }
        // Hash on every core at once; bcrypt is deliberately slow.
        let hashes = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (i, pass) in passwords.enumerated() {
                group.addTask { (i, try await AuthService.hash(pass, cost: cost, app: app)) }
            }
            var out = [String](repeating: "", count: passwords.count)
            for try await (i, hash) in group { out[i] = hash }
            return out
        }
        var logins: [Login] = []
        for (i, (username, name, role, unit)) in users.enumerated() {
            let pass = passwords[i], hash = hashes[i]
            logins.append(Login(username: username, password: pass, role: role, unit: unit))
            let now = app.tuopin.now()
            try await app.write { tx in
                let user = User(username: username, displayName: name, passwordHash: hash)
                user.passwordChangedAt = now
                try await user.create(on: tx)
                try await RoleBindingRecord(userID: user.requireID(), role: role, unitCode: unit).create(on: tx)
                struct Created: Encodable { let username: String; let role: String; let unit: String }
                try await AuditLog.append(
                    on: tx, actor: .system, action: "user.create", entity: "user",
                    entityID: String(try user.requireID()),
                    after: Created(username: username, role: role.rawValue, unit: unit), at: now)
            }
        }
        return logins
    }

}

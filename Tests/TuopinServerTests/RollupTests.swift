import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import TuopinServer
import TuopinCore

/// The roll-ups the dashboards and the map read must always equal counts taken directly from the registry.
@Suite struct RollupTests {
    /// Households and people per unit and status, counted directly from `households`.
    static func direct(_ app: Application) async throws -> [String: [String: HeadCount]] {
        struct Row: Decodable { let code: String; let status: String; let h: Int64; let p: Int64? }
        var result: [String: [String: HeadCount]] = [:]
        for column in [
            "village_code", "township_code", "county_code", "prefecture_code", "SUBSTR(prefecture_code, 1, 2)",
        ] {
            let rows = try await app.db.sqlDatabase.raw(
                """
                SELECT \(unsafeRaw: column) AS code, status, COUNT(*) AS h, CAST(SUM(member_count) AS BIGINT) AS p \
                FROM households GROUP BY \(unsafeRaw: column), status
                """
            ).all(decoding: Row.self)
            for r in rows {
                result[r.code, default: [:]][r.status] = HeadCount(households: Int(r.h), people: Int(r.p ?? 0))
            }
        }
        return result
    }

    /// Every unit's figures through the data-access layer (the roll-ups) against the direct counts.
    static func expectMatch(_ app: Application, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await Rollups.ensureCurrent(app)
        let direct = try await direct(app)
        let data = DataAccess(db: app.db, scope: Scope(bindings: [RoleBinding(role: .regionHQ, unit: OrgCode("54")!)]))
        let units = try await OrgUnit.query(on: app.db).all().compactMap { $0.id.flatMap { OrgCode($0) } }
        #expect(units.count > 100, sourceLocation: sourceLocation)
        for unit in units {
            let counts = direct[unit.value] ?? [:]
            func sum(_ keep: (HouseholdStatus) -> Bool) -> HeadCount {
                counts.filter { HouseholdStatus(rawValue: $0.key).map(keep) ?? false }.values.reduce(HeadCount(), +)
            }
            let f = try await data.figures(of: unit)
            #expect(f.registered == sum { $0 != .applicant }, "\(unit) registered", sourceLocation: sourceLocation)
            #expect(f.exited == sum(\.hasExited), "\(unit) exited", sourceLocation: sourceLocation)
            #expect(f.remaining == sum(\.isRemainingPoor), "\(unit) remaining", sourceLocation: sourceLocation)
            #expect(f.applicants == sum { $0 == .applicant }, "\(unit) applicants", sourceLocation: sourceLocation)
            // The plans' actual exits (from the roll-ups) against the progress reports' direct count.
            if unit.level <= .township {
                for year in 2017...2019 {
                    let actual = try await ResponsibilityService.actuals(on: app.systemData, unit: unit, year: year)
                    let report = try await ResponsibilityService.figures(on: app.systemData, unit: unit, year: year)
                    #expect(
                        actual.households == report.exited_households && actual.people == report.exited_people,
                        "\(unit) exits \(year)",
                        sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test func rollupsEqualTheRegistryAfterRandomEditsAndARebuildFindsNothingToCorrect() async throws {
        try await withTestApp { app in
            try await Self.expectMatch(app)
            var rng = SystemRandomNumberGenerator()
            let households = try await Household.query(on: app.db).all()
            let villages = Array(Set(households.map(\.villageCode))).sorted()
            // Random writes of every kind the triggers watch, each in a write transaction as the services make them.
            for _ in 0..<40 {
                let h = households.randomElement(using: &rng)!
                let status = HouseholdStatus.allCases.randomElement(using: &rng)!
                let exitYear: Int? = status.hasExited ? Int.random(in: 2016...2020, using: &rng) : nil
                let members = Int.random(in: 1...9, using: &rng)
                try await app.write { tx in
                    try await tx.sqlDatabase.update(Household.schema).set("status", to: status.rawValue).set(
                        "exit_year", to: exitYear
                    )
                    .set("member_count", to: members).set(
                        "main_cause", to: PovertyCause.allCases.randomElement()!.rawValue
                    )
                    .where("id", .equal, h.id!).run()
                }
            }
            // A household moved to another village of the same county, one deleted.
            let moved = households.first { h in villages.contains { $0 != h.villageCode && $0.hasPrefix(h.countyCode) }
            }!
            let target = villages.first { $0 != moved.villageCode && $0.hasPrefix(moved.countyCode) }!
            try await app.write { tx in
                try await tx.sqlDatabase.update(Household.schema).set("village_code", to: target).set(
                    "township_code", to: String(target.prefix(9))
                )
                .where("id", .equal, moved.id!).run()
                try await tx.sqlDatabase.delete(from: Household.schema).where("id", .equal, households.last!.id!).run()
            }
            // And an edit through the household service.
            let h = try #require(try await Household.query(on: app.db).filter(\.$townshipCode == "540102001").first())
            let user = try await ImportExportTests().currentUser(app, "clerk1")
            var edit = try HouseholdService.currentEdit(of: h, protector: app.tuopin.protector)
            edit.attribute = edit.attribute == .dibao ? .tekun : .dibao
            try await HouseholdService.update(app: app, user: user, id: h.id!, edit: edit, version: h.version)
            let attribute = try await Rollups.categories(of: h.villageCode, .attribute, on: app.systemData)
            #expect(attribute.contains { $0.category == edit.attribute.rawValue && $0.status == h.status.rawValue })

            // Every write brought the roll-ups up to date in its own transaction: nothing is left marked.
            struct N: Decodable { let n: Int }
            let marked = try await app.db.sqlDatabase.raw("SELECT COUNT(*) AS n FROM rollup_dirty").first(
                decoding: N.self)
            #expect(marked?.n == 0)
            try await Self.expectMatch(app)
            let rebuilt = try await Rollups.rebuild(app, actor: AuditLog.Actor(id: "test"))
            #expect(rebuilt.mismatches.isEmpty)
            #expect(rebuilt.cells > 0)
        }
    }

    /// Two instances (transactions outside one write gate) changing households of different
    /// villages of one township at once, several times: the township's and every higher unit's
    /// figures count both changes.
    @Test func twoInstancesWritingAtOnceLeaveTheRollUpsRight() async throws {
        try await withTestApp { app in
            try await Rollups.ensureCurrent(app)
            let households = try await Household.query(on: app.db).filter(\.$townshipCode == "540102001").all()
            let byVillage = Dictionary(grouping: households, by: \.villageCode).values.sorted {
                $0[0].villageCode < $1[0].villageCode
            }
            #expect(byVillage.count >= 2)
            for round in 0..<5 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (i, village) in byVillage.prefix(2).enumerated() {
                        group.addTask {
                            try await app.db.transaction { tx in
                                try await tx.sqlDatabase.update(Household.schema).set("member_count", to: 2 + round + i)
                                    .where("id", .equal, village[0].id!).run()
                                try await Task.sleep(for: .milliseconds(50 * (round % 3)))
                                try await Rollups.refresh(on: .system(tx))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            try await Self.expectMatch(app)
        }
    }

    @Test func aRebuildFindsAndCorrectsAWrongFigureAndIsAudited() async throws {
        try await withTestApp { app in
            try await Rollups.ensureCurrent(app)
            try await app.db.sqlDatabase.raw(
                "UPDATE rollups SET households = households + 3 WHERE unit_code = '540102' AND dim = 's'"
            ).run()
            let result = try await Rollups.rebuild(app, actor: AuditLog.Actor(id: "test"))
            #expect(!result.mismatches.isEmpty)
            #expect(result.mismatches.allSatisfy { $0.unit == "540102" && $0.kept == $0.rebuilt + 3 })
            #expect(try await Rollups.rebuild(app, actor: AuditLog.Actor(id: "test")).mismatches.isEmpty)
            struct N: Decodable { let n: Int }
            let entries = try await app.db.sqlDatabase.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'rollup.rebuild'"
            ).first(decoding: N.self)
            #expect(entries?.n == 2)
            try await Self.expectMatch(app)
        }
    }

    @Test func theRegionDashboardShowsTheRollUpsWithItsChartsAndTheMap() async throws {
        try await withTestApp { app in
            var headers = HTTPHeaders(); headers.cookie(try await app.webLogin("region"))
            let remaining = try await Household.query(on: app.db)
                .filter(\.$status ~~ HouseholdStatus.allCases.filter(\.isRemainingPoor)).count()
            try await app.testing().test(.GET, "/units/54", headers: headers) { res in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains(#"id="fig-remaining">"#))
                #expect(html.contains("<strong>\(remaining)</strong>"))
                for id in ["chart-years-table", "chart-causes-table", "chart-attributes-table", "county-map"] {
                    #expect(html.contains(#"id="\#(id)""#), "\(id)")
                }
                // All 74 counties drawn; the region sees every one as a link.
                #expect(html.components(separatedBy: "<path d=").count - 1 == 74)
                #expect(html.contains(#"<a href="/units/540102" class="county""#))
                #expect(html.contains(#"<a href="/units/542521" class="county""#))
            }
            try await app.testing().test(.GET, "/map?measure=remaining&prefecture=5401", headers: headers) { res in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.components(separatedBy: "<path d=").count - 1 == 8)  // Lhasa's eight counties
                #expect(html.contains(#"<option value="remaining" selected>"#))
            }
            // The measures' values, not only the shapes: open violations of 540102 counted directly.
            let open = try await ViolationRecord.query(on: app.db).filter(\.$unitCode =~ "540102").filter(
                \.$resolvedAt == nil
            ).count()
            #expect(open > 0)
            let values = try await CountyMap.values(
                .violations, counties: ["540102", "540103"], year: 2026, on: app.systemData)
            #expect(values["540102"] == open)
            let remainingPeople = try await Household.query(on: app.db).filter(\.$countyCode == "540102")
                .filter(\.$status ~~ HouseholdStatus.allCases.filter(\.isRemainingPoor)).all().map(\.memberCount)
                .reduce(0, +)
            #expect(
                try await CountyMap.values(.remaining, counties: ["540102"], year: 2026, on: app.systemData)["540102"]
                    == remainingPeople)
            // Overdue progress reports and projects by state, against direct counts.
            let overdue = try await ViolationRecord.query(on: app.db).filter(\.$resolvedAt == nil)
                .filter(\.$rule ~~ ComplianceRules.overdueReportRules.map(\.id.rawValue)).count()
            #expect(overdue > 0)
            let label = app.localizer.translations(.zh)["dash_overdue_reports"]
            try await app.testing().test(.GET, "/units/54", headers: headers) { res in
                #expect(
                    res.body.string.contains(
                        #"id="fig-overdue-reports"><a href="/units/54/compliance">\#(label)</a>"#
                            + #"<strong>\#(overdue)</strong></li>"#
                    ))
                // The page says what its parts took (Server-Timing), after the whole.
                let timing = res.headers.first(name: "Server-Timing") ?? ""
                #expect(timing.hasPrefix("app;dur="))
                for part in ["unit", "money", "dashboard", "map", "render"] {
                    #expect(timing.contains(", \(part);dur="), "\(part)")
                }
            }
            let data = DataAccess(
                db: app.db, scope: Scope(bindings: [RoleBinding(role: .regionHQ, unit: OrgCode("54")!)]))
            let counted = try await data.projectCountsByStatus(under: OrgCode("5401")!)
            #expect(counted.values.reduce(0, +) > 0)
            for status in ProjectStatus.allCases {
                let direct = try await ProjectRecord.query(on: app.db).filter(\.$siteCode =~ "5401").filter(
                    \.$status == status
                ).count()
                #expect(counted[status] ?? 0 == direct, "\(status)")
            }
            try await app.testing().test(.GET, "/map?measure=everything", headers: headers) { res in
                #expect(res.status == .badRequest)
            }
        }
    }

    @Test func aCountyUserSeesOnlyTheirOwnCountyOnTheMap() async throws {
        try await withTestApp { app in
            var headers = HTTPHeaders(); headers.cookie(try await app.webLogin("chengguan"))
            // Their prefecture's eight counties by default (issue #24), the whole region's 74 when asked.
            for (path, others) in [("/map?measure=remaining", 7), ("/map?measure=remaining&prefecture=", 73)] {
                try await app.testing().test(.GET, path, headers: headers) { res in
                    #expect(res.status == .ok)
                    let html = res.body.string
                    #expect(html.components(separatedBy: #"class="county""#).count - 1 == 1)
                    #expect(html.contains(#"<a href="/units/540102" class="county""#))
                    #expect(!html.contains(#"href="/units/540103""#))
                    #expect(html.components(separatedBy: #"class="county-out""#).count - 1 == others, "\(path)")
                }
            }
        }
    }
}

@Suite struct StatisticsTests {
    @Test func aCountysTablesMatchTheRegistryDownloadAuditedAndPrint() async throws {
        try await withTestApp(cases: true) { app in
            var headers = HTTPHeaders(); headers.cookie(try await app.webLogin("chengguan"))
            let households = try await Household.query(on: app.db).filter(\.$countyCode == "540102").all()
            let registered = households.filter { $0.status != .applicant }
            let exited2019 = registered.filter { $0.status.hasExited && $0.exitYear == 2019 }
            try await app.testing().test(.GET, "/units/540102/statistics?year=2019", headers: headers) { res in
                #expect(res.status == .ok)
                let html = res.body.string
                for table in Statistics.Table.allCases { #expect(html.contains(#"id="stat-\#(table.rawValue)""#)) }
            }
            try await app.testing().test(
                .GET, "/units/540102/statistics?year=2019&table=units&format=csv", headers: headers
            ) { res in
                #expect(res.status == .ok)
                let lines = res.body.string.split(separator: "\r\n").map {
                    $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                }
                let total = try #require(lines.last)
                #expect(total[2] == String(registered.count))
                #expect(total[3] == String(registered.map(\.memberCount).reduce(0, +)))
                #expect(total[4] == String(exited2019.count))
                // The townships' rows add up to the total.
                #expect(lines.dropFirst().dropLast().map { Int($0[2])! }.reduce(0, +) == registered.count)
            }
            try await app.testing().test(
                .GET, "/units/540102/statistics?year=2019&table=causes&format=xlsx", headers: headers
            ) { res in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType.contains("spreadsheetml") == true)
                // The sheet names its unit, year and table above the header row.
                let rows = try XLSX.read(Data(buffer: res.body))
                #expect(rows.first?.first?.contains("城关区 · 2019 · ") == true, "\(rows.first ?? [])")
            }
            struct N: Decodable { let n: Int }
            let audited = try await app.db.sqlDatabase.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'export.statistics%'"
            ).first(decoding: N.self)
            #expect(audited?.n == 2)
            try await app.testing().test(.GET, "/units/540102/statistics?year=2019&print=1", headers: headers) { res in
                #expect(res.body.string.contains(#"id="stat-sheet""#))
                #expect(!res.body.string.contains("main-nav"))
            }
            for bad in ["year=1999", "year=2019&table=everything", "year=2019&table=units&format=pdf"] {
                try await app.testing().test(.GET, "/units/540102/statistics?\(bad)", headers: headers) { res in
                    #expect(res.status == .badRequest, "\(bad)")
                }
            }
            try await app.testing().test(.GET, "/units/540103/statistics", headers: headers) { res in
                #expect(res.status == .notFound)
            }
        }
    }
}

import Fluent
import SQLKit
import Testing
import TuopinCore
import VaporTesting

@testable import TuopinServer

/// Issue #25 items 6 and 10 through the township clerk's form: positions from the fixed list, each where its
/// level has it; rank and stationed role separate, and the pairing quota the larger of the two (R-37-1).
@Suite(.serialized) struct CadreListHTTPTests {
    @Test func cadresAreRecordedFromTheLists() async throws {
        try await withTestApp(households: 216) { app in
            let village = "540102001201", clerk = try await app.session("clerk1")
            let before = try await Cadre.query(on: app.db).count()
            func add(_ unit: String, _ fields: [(String, String)]) async throws -> (HTTPStatus, String) {
                let (status, body, _) = try await app.postForm("/units/\(unit)/cadres", clerk, fields)
                return (status, body)
            }
            // Free text, a 扶贫专干 in a village, a first secretary in a township, a stationed township cadre: refused
            // beside the field, nothing stored.
            let refusals: [(String, [(String, String)], String)] = [
                (village, [("name", "甲"), ("rank", "staff"), ("position", "驻村工作队员")], "职务"),
                (village, [("name", "甲"), ("rank", "staff"), ("position", "povertyStaff")], "职务"),
                ("540102001", [("name", "甲"), ("rank", "section"), ("position", "firstSecretary")], "职务"),
                (
                    "540102001",
                    [("name", "甲"), ("rank", "staff"), ("position", "cadre"), ("stationed_role", "workTeamMember")],
                    "驻村身份"
                ),
                (village, [("name", "甲"), ("rank", "workTeamMember"), ("position", "cadre")], "职级"),
            ]
            for (unit, fields, label) in refusals {
                let body = try await add(unit, fields).1
                #expect(body.contains("form-error") && body.contains("字段“\(label)”的值无效"), "\(fields)")
            }
            #expect(try await Cadre.query(on: app.db).count() == before)

            // The township's page offers 扶贫专干 and no stationed role; the village's offers first secretary and roles.
            let townshipPage = try await app.get("/units/540102001/responsibility", clerk.0).1
            #expect(
                townshipPage.contains("value=\"povertyStaff\"") && !townshipPage.contains("name=\"stationed_role\""))
            #expect(!townshipPage.contains("value=\"firstSecretary\""))
            let villagePage = try await app.get("/units/\(village)/responsibility", clerk.0).1
            #expect(
                villagePage.contains("value=\"firstSecretary\"") && villagePage.contains("value=\"workTeamLeader\""))

            // A section cadre leading the work team and a staff member of it each owe one pairing; a staff cadre
            // not stationed owes none (article 37).
            for (name, rank, role) in [
                ("队长乙", "section", "workTeamLeader"), ("队员丙", "staff", "workTeamMember"),
                ("干部丁", "staff", "none"),
            ] {
                #expect(
                    try await add(
                        village, [("name", name), ("rank", rank), ("position", "cadre"), ("stationed_role", role)]
                    ).0 == .seeOther)
            }
            let added = try await Cadre.query(on: app.db).filter(\.$unitCode == village).all()
            func violation(_ name: String) async throws -> Bool {
                let id = try #require(added.first { $0.name == name }?.id)
                return try await ResponsibilityHTTPTests().openViolation(app, rule: "R-37-1", subject: "cadre:\(id)")
                    != nil
            }
            let leader = try await violation("队长乙"), member = try await violation("队员丙")
            #expect(leader && member)
            let notStationed = try await violation("干部丁")
            #expect(!notStationed)
            let page = try await app.get("/units/\(village)/responsibility", clerk.0).1
            #expect(page.contains("科级 · 驻村工作队长") && page.contains("一般干部 · 驻村工作队员") && page.contains("其他干部"))
        }
    }

    /// Cadres recorded before the lists: a stationed role kept as a rank becomes 一般干部 with that role, and
    /// free-text positions are read onto the list (扶贫专干 still counts for R-20-1).
    @Test func oldCadresAreReadOntoTheLists() async throws {
        try await withTestApp(households: 216) { app in
            let sql = app.db as! any SQLDatabase
            try await sql.raw(
                """
                INSERT INTO cadres (name, rank, stationed_role, unit_code, position, active) VALUES
                ('旧队员', 'workTeamMember', 'none', '540102001201', '驻村工作队员', \(bind: true)),
                ('旧村官', 'villageOfficialGraduate', 'none', '540102001201', '大学生村官', \(bind: true)),
                ('旧专干', 'staff', 'none', '540102001', '扶贫专干', \(bind: true))
                """
            ).run()
            try await SplitCadreRank.convert(on: sql)
            let rows = try await Cadre.query(on: app.db).filter(\.$name ~~ ["旧队员", "旧村官", "旧专干"]).sort(\.$id).all()
            #expect(rows.map(\.rank) == ["staff", "staff", "staff"])
            #expect(rows.map(\.stationedRole) == ["workTeamMember", "villageOfficialGraduate", "none"])
            #expect(rows.map(\.position) == ["cadre", "villageCadre", "povertyStaff"])
        }
    }
}

import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

@Suite struct ImportExportTests {
    let system = ExchangeActor.operatingSystemUser()

    /// The members export of the test demo: header + rows.
    func exported(_ app: Application, _ kind: RegistryExport.Kind = .members) async throws -> [[String]] {
        try await RegistryExport.rows(app: app, kind: kind, actor: system, unit: nil, reason: "测试")
    }

    func idWithCheck(_ first17: String) -> String { first17 + String(ResidentID.checkCharacter(for: first17)) }

    /// A new one-person household in clerk2's township, valid as it stands.
    func newHousehold(
        _ number: String = "5401030012019901", village: String = "540103001201",
        id: String? = nil, relation: String = "户主"
    ) -> [String] {
        [
            number, village, "一般贫困户", "因病", "缺技术;缺资金", "2014", "未脱贫", "", "13800000000", "格桑",
            id ?? idWithCheck("54010319700101777"), relation, "藏族", "小学", "非在校生", "健康", "普通劳动力", "3",
        ]
    }

    @Test func exportThenImportIntoAnEmptyRegistryGivesIdenticalFiles() async throws {
        try await withTestApp(households: 60) { source in
            let members = try await exported(source)
            let incomes = try await exported(source, .incomes)
            #expect(members.count > 60 && incomes.count == 60 * 6 + 1)
            try await withTestApp(households: 0) { target in
                // The file's CSV bytes read row by row as the command reads them, written in rounds of 7.
                let text = String(decoding: FileReading.csvData(members), as: UTF8.self)
                let m = try await RegistryImport.members(
                    app: target, rows: CSVRows(text), actor: system, dryRun: false, round: 7)
                #expect(m.isValid && m.created == 60 && m.rows == members.count - 1)
                struct Count: Decodable { let n: Int }
                let created = try await target.db.sqlDatabase.raw(
                    "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'household.import_create'"
                )
                .first(decoding: Count.self)
                #expect(created?.n == 60)
                let i = try await RegistryImport.incomes(app: target, rows: incomes, actor: system, dryRun: false)
                #expect(i.isValid)
                #expect(try await exported(target) == members)
                #expect(try await exported(target, .incomes) == incomes)
                // CSV bytes too, and XLSX read back holds the same cells.
                #expect(FileReading.csvData(try await exported(target)) == FileReading.csvData(members))
                let xlsx = try XLSX.read(try XLSX.write(members))
                #expect(xlsx.map { $0 + Array(repeating: "", count: members[0].count - $0.count) } == members)
                // Re-importing updates the households in place.
                let again = try await RegistryImport.members(app: target, rows: members, actor: system, dryRun: false)
                #expect(again.updated == 60 && again.created == 0)
                #expect(try await Household.query(on: target.db).count() == 60)
                #expect(try await AuditVerifier.verify(on: target.systemData).firstBreak == nil)
                // A person moved from the last household to the first (rounds apart): no round
                // sees them twice, so no duplicate is found and the move is kept.
                var moved = members
                let person = moved.lastIndex { $0[11] != "户主" }!
                #expect(moved[1][0] != moved[person][0])
                let movedID = moved[person][10]
                moved[person].replaceSubrange(0...8, with: moved[1][0...8])
                let move = try await RegistryImport.members(
                    app: target, rows: moved, actor: system, dryRun: false, round: 7)
                #expect(move.isValid, "\(move.problems)")
                #expect(
                    try await QualityFinding.query(on: target.db).filter(\.$code == QualityCode.idDuplicate.rawValue)
                        .count() == 0)
                let after = try await exported(target)
                #expect(after.first { $0[10] == movedID }?[0] == moved[1][0])
            }
        }
    }

    /// Each code: a file that triggers it is refused whole; the clean file imports.
    @Test(arguments: ImportErrorCode.allCases)
    func eachErrorCodeIsReportedAndNothingIsWritten(code: ImportErrorCode) async throws {
        try await withTestApp(households: 30) { app in
            let clean = try await exported(app)
            var rows = clean
            var actor = system
            var kind = RegistryExport.Kind.members
            let someone = rows[1]
            switch code {
            case .required: rows[1][9] = ""
            case .enumValue: rows[2][13] = "博士后"
            case .number: rows[1][17] = "十三"
            case .idFormat: rows[1][10] = "5401021980"
            case .idChecksum:
                let id = rows[1][10]
                rows[1][10] = String(id.dropLast()) + (id.last == "1" ? "2" : "1")
            case .idBirth: rows.append(newHousehold(id: idWithCheck("54010320991301777")))
            case .idDuplicate: rows.append(newHousehold(id: someone[10]))  // already in another household
            case .villageUnknown: rows.append(newHousehold(village: "540103001299"))
            case .scope:
                rows = [clean[0], newHousehold()]
                actor = .user(try await currentUser(app, "clerk1"))
            case .head: rows.append(newHousehold(relation: "配偶"))
            case .householdSplit:
                var second = newHousehold(id: idWithCheck("54010319720202778"), relation: "配偶")
                second[2] = "低保贫困户"
                rows += [newHousehold(), second]
            case .householdUnknown:
                kind = .incomes
                rows = [IncomesTemplate.header, ["5401030019999999", "2020", "1.00", "2.00", "0", "0", "0"]]
            case .header: rows[0][0] = "编号"
            case .file: break
            case .text: rows[1][9] = "格桑\u{202E}ʇɐ"  // a bidi override that would show the name reversed
            }
            let households = try await Household.query(on: app.db).count()
            let audit = try await app.auditCount()
            // Every file goes in as a workbook; for E-FILE its first row is numbered 0 (a probe's crash).
            var workbook = try XLSX.write(rows)
            if code == .file {
                workbook = try XLSXFuzzTests.workbook(
                    sheet: XLSXFuzzTests.sheet(#"<row r="0"><c r="A0"><v>1</v></c></row>"#))
            }
            let report = try await RegistryImport.file(
                app: app, kind: kind, data: workbook, filename: "file.xlsx", actor: actor, dryRun: false)
            #expect(report.problems.map(\.code).contains(code), "\(code): \(report.problems)")
            #expect(!report.written)
            #expect(try await Household.query(on: app.db).count() == households)
            #expect(try await app.auditCount() == audit)
            // The clean file does not raise it.
            let cleanReport = try await RegistryImport.members(app: app, rows: clean, actor: system, dryRun: true)
            #expect(cleanReport.problems.isEmpty)
        }
    }

    /// Issue #24 item 15: one upload reports every problem of the file — a row's own errors, the
    /// village, the household's head and the scope together, not one kind per upload.
    @Test func everyProblemOfAFileIsReportedInOnePass() async throws {
        try await withTestApp(households: 30) { app in
            var rows = try await exported(app)
            let id = rows[1][10]
            rows[1][10] = String(id.dropLast()) + (id.last == "1" ? "2" : "1")
            rows[2][13] = "博士后"
            rows.append(newHousehold("5401030012999901", village: "540103001299"))
            rows.append(newHousehold(id: idWithCheck("54010319720202779"), relation: "配偶"))
            let report = try await RegistryImport.file(
                app: app, kind: .members, data: try XLSX.write(rows), filename: "file.xlsx", actor: system,
                dryRun: true)
            let codes = Set(report.problems.map(\.code))
            #expect(codes.isSuperset(of: [.idChecksum, .enumValue, .villageUnknown, .head]), "\(report.problems)")
        }
    }

    /// A blank template to fill in, for those who may import: its one row is the template's header.
    @Test func aClerkDownloadsABlankTemplate() async throws {
        try await withTestApp(households: 0) { app in
            let clerk = try await app.session("clerk1")
            for (kind, header) in [("members", MembersTemplate.header), ("incomes", IncomesTemplate.header)] {
                var body = ByteBuffer()
                try await app.testing().test(.GET, "/imports/template/\(kind)", headers: clerk.0) { body = $0.body }
                #expect(try XLSX.read(Data(buffer: body)) == [header])
            }
            #expect(try await app.get("/imports/template/other", clerk.0).0 == .notFound)
            #expect(try await app.get("/imports/template/members", try await app.session("auditor").0).0 == .forbidden)
        }
    }

    @Test func aClerkImportsIntoTheirOwnTownshipAndIsAuditedAsThemselves() async throws {
        try await withTestApp(households: 30) { app in
            let clerk = try await currentUser(app, "clerk2")
            let report = try await RegistryImport.members(
                app: app, rows: [MembersTemplate.header, newHousehold()],
                actor: .user(clerk), dryRun: false)
            #expect(report.isValid && report.created == 1)
            let h = try #require(try await Household.query(on: app.db).filter(\.$number == "5401030012019901").first())
            #expect(h.townshipCode == "540103001" && h.memberCount == 1 && h.otherCauses == "lackSkills;lackCapital")
            #expect(h.phoneMasked == "138****0000")
            let user = try await app.db.sqlDatabase.select().column("user_id").from("audit_log")
                .where("action", .equal, "household.import_create").first(decodingColumn: "user_id", as: String.self)
            #expect(user == String(clerk.id))
        }
    }

    @Test func dryRunWritesNothingAndGBKFilesAreRead() async throws {
        try await withTestApp(households: 30) { app in
            let text = CSV.line(MembersTemplate.header) + CSV.line(newHousehold())
            let gbk = try #require(text.data(using: FileReading.gb18030))
            #expect(String(data: gbk, encoding: .utf8) == nil)  // really not UTF-8
            let rows = try FileReading.rows(from: gbk, filename: "名单.csv")
            #expect(rows[1][9] == "格桑")
            let report = try await RegistryImport.members(app: app, rows: rows, actor: system, dryRun: true)
            #expect(report.isValid && !report.written)
            #expect(try await Household.query(on: app.db).filter(\.$number == "5401030012019901").count() == 0)
            #expect(throws: FileReading.Problem.self) {
                try FileReading.rows(from: Data([0x00, 0x01]), filename: "x.csv")
            }
            #expect(throws: FileReading.Problem.self) { try FileReading.rows(from: Data("a".utf8), filename: "x.pdf") }
        }
    }

    /// Issue #22 M1: a check-only import tells a clerk that a person is registered elsewhere, but
    /// names the household only when it is in the clerk's scope; every check is audited.
    @Test func aCheckNamesOnlyHouseholdsInScopeAndIsAudited() async throws {
        try await withTestApp(households: 30) { app in
            let rows = try await exported(app)
            let mine = try #require(rows.dropFirst().first { $0[1].hasPrefix("540102001") })
            let foreign = try #require(rows.dropFirst().first { !$0[1].hasPrefix("540102001") })
            let clerk = ExchangeActor.user(try await currentUser(app, "clerk1"))
            func check(_ actor: ExchangeActor, person: [String]) async throws -> String {
                let file =
                    CSV.line(MembersTemplate.header)
                    + CSV.line(newHousehold("5401020012019901", village: mine[1], id: person[10]))
                let report = try await RegistryImport.file(
                    app: app, kind: .members, data: Data(file.utf8), filename: "核对.csv",
                    actor: actor, dryRun: true)
                let problem = try #require(report.problems.first { $0.code == .idDuplicate })
                return problem.message
            }
            let before = try await app.auditCount()
            var message = try await check(clerk, person: foreign)
            #expect(!message.contains(foreign[0]) && message.contains("管辖范围以外"), "\(message)")
            message = try await check(clerk, person: mine)
            #expect(message.contains(mine[0]))
            message = try await check(system, person: foreign)
            #expect(message.contains(foreign[0]))
            #expect(try await app.auditCount() == before + 3)
            let actions = try await app.db.sqlDatabase.select().column("action").from("audit_log")
                .where("action", .equal, "import.check").all(decodingColumn: "action", as: String.self)
            #expect(actions.count == 3)
            #expect(try await Household.query(on: app.db).filter(\.$number == "5401020012019901").count() == 0)
        }
    }

    @Test func exportsEscapeFormulasAndImportsUndoIt() {
        #expect(CSV.line(["=1+1", "-3", "@x", "ok"]) == "'=1+1,'-3,'@x,ok\r\n")
        #expect(CSV.unescapeFormula("'=1+1") == "=1+1")
        #expect(CSV.unescapeFormula("'abc") == "'abc")
        #expect(CSV.parse("a,\"b,\"\"c\"\"\"\r\nd,e\n") == [["a", "b,\"c\""], ["d", "e"]])
    }

    @Test func exportsAreAuditedAndScoped() async throws {
        try await withTestApp(households: 60) { app in
            let clerk = try await currentUser(app, "clerk1")
            let rows = try await RegistryExport.rows(
                app: app, kind: .members, actor: .user(clerk), unit: nil, reason: "测试")
            #expect(rows.count > 1)
            #expect(rows.dropFirst().allSatisfy { $0[1].hasPrefix("540102001") })
            let actions = try await app.db.sqlDatabase.select().column("action").from("audit_log")
                .where("action", .like, "export.%").all(decodingColumn: "action", as: String.self)
            #expect(actions == ["export.members"])
        }
    }

    func currentUser(_ app: Application, _ username: String) async throws -> CurrentUser {
        let user = try #require(
            try await User.query(on: app.db).filter(\.$username == username).with(\.$bindings).first())
        return CurrentUser(
            id: user.id!, username: username, displayName: user.displayName, scope: user.scope,
            sessionID: 0, sessionKind: "test")
    }
}

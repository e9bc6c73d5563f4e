import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// Issue #27 items 3–4: exports written to their file a page at a time, imports read twice from
/// their file (checked, then written) without holding it. Peak memory against file size is the
/// e2e test `e2e/test_memory_bound.py`; these pin what the files and the registry hold.
@Suite struct StreamingExchangeTests {
    let system = ExchangeActor.operatingSystemUser()

    func temporary(_ name: String) -> URL {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tuopin-\(UUID().uuidString)-\(name)")
    }

    @Test func aStreamedExportHoldsTheSameRowsAsTheListedOne() async throws {
        try await withTestApp(households: 40) { app in
            let rows = try await RegistryExport.rows(app: app, kind: .members, actor: system, unit: nil, reason: "测试")
            let csv = temporary("m.csv"), xlsx = temporary("m.xlsx")
            defer { for url in [csv, xlsx] { try? FileManager.default.removeItem(at: url) } }
            let written = try await RegistryExport.write(
                app: app, kind: .members, actor: system, unit: nil, reason: "测试", to: csv)
            #expect(written == rows.count - 1)
            #expect(try Data(contentsOf: csv) == FileReading.csvData(rows))
            try await RegistryExport.write(app: app, kind: .members, actor: system, unit: nil, reason: "测试", to: xlsx)
            let read = try XLSX.read(try Data(contentsOf: xlsx))
            #expect(read.map { $0 + Array(repeating: "", count: rows[0].count - $0.count) } == rows)
            // No side file is left beside the workbook.
            #expect(!FileManager.default.fileExists(atPath: xlsx.path + ".sheet.xml"))
            // Incomes too, and the export is audited once per file with its row count.
            let incomes = temporary("i.csv")
            defer { try? FileManager.default.removeItem(at: incomes) }
            let n = try await RegistryExport.write(
                app: app, kind: .incomes, actor: system, unit: nil, reason: "测试", to: incomes)
            #expect(n == 40 * 6)
            let entries = try await app.db.sqlDatabase.select().column("after").from("audit_log")
                .where("action", .equal, "export.incomes").all(decodingColumn: "after", as: String.self)
            #expect(entries.count == 1 && entries[0].contains("\"rows\":240"))
        }
    }

    @Test func aFailedExportLeavesNoFile() async throws {
        try await withTestApp(households: 10) { app in
            let url = temporary("m.xlsx")
            await #expect(throws: AppError.self) {
                try await RegistryExport.write(app: app, kind: .members, actor: system, unit: nil, reason: " ", to: url)
            }
            #expect(!FileManager.default.fileExists(atPath: url.path))
            #expect(!FileManager.default.fileExists(atPath: url.path + ".sheet.xml"))
        }
    }

    /// A household's rows need not be together: it is written when its last row has been read.
    @Test func aHouseholdSplitAcrossTheFileIsWrittenWhole() async throws {
        try await withTestApp(households: 12) { source in
            let rows = try await RegistryExport.rows(
                app: source, kind: .members, actor: system, unit: nil, reason: "测试")
            // The last row moved to the front: its household is now read in two places.
            let shuffled = [rows[0], rows[rows.count - 1]] + rows[1..<(rows.count - 1)]
            try await withTestApp(households: 0) { target in
                let report = try await RegistryImport.members(
                    app: target, rows: Array(shuffled), actor: system, dryRun: false, round: 5)
                #expect(report.isValid && report.created == 12 && report.people == rows.count - 1)
                let back = try await RegistryExport.rows(
                    app: target, kind: .members, actor: system, unit: nil, reason: "测试")
                #expect(Set(back.map { $0.joined(separator: ",") }) == Set(rows.map { $0.joined(separator: ",") }))
                let counts = try await Household.query(on: target.db).all().map(\.memberCount)
                #expect(counts.reduce(0, +) == rows.count - 1)
            }
        }
    }

    /// New households are checked on the records in memory, registered ones read back: either way
    /// the findings stored are those a full check finds afterwards.
    @Test func anImportStoresTheFindingsACheckWouldFind() async throws {
        try await withTestApp(households: 60) { source in
            let rows = try await RegistryExport.rows(
                app: source, kind: .members, actor: system, unit: nil, reason: "测试")
            try await withTestApp(households: 0) { target in
                func stored() async throws -> [String] {
                    try await QualityFinding.query(on: target.db).all().map {
                        "\($0.householdID) \($0.code) \($0.detail) \($0.villageCode) \($0.countyCode)"
                    }.sorted()
                }
                let mixed = rows
                let first = try await RegistryImport.members(
                    app: target, rows: mixed, actor: system, dryRun: false, round: 7)
                #expect(first.created == 60)
                let afterImport = try await stored()
                // Exited households with no incomes yet, at least: the check has something to find.
                #expect(afterImport.count > 0)
                _ = try await QualityService.checkAll(app: target, unit: nil, workers: 1)
                #expect(try await stored() == afterImport)
                // Imported again: every household is registered now and read back.
                let again = try await RegistryImport.members(
                    app: target, rows: mixed, actor: system, dryRun: false, round: 7)
                #expect(again.updated == 60)
                #expect(try await stored() == afterImport)
            }
        }
    }

    /// A sequence that reads differently the second time, as a file changed between the passes.
    struct Changing: Sequence, Sendable {
        let first: [[String]], second: [[String]]
        let reads = Counter()
        final class Counter: @unchecked Sendable { var n = 0 }
        func makeIterator() -> IndexingIterator<[[String]]> {
            reads.n += 1
            return (reads.n == 1 ? first : second).makeIterator()
        }
    }

    @Test(arguments: ["invalid row", "row missing"])
    func aFileChangedBetweenThePassesWritesNothing(change: String) async throws {
        try await withTestApp(households: 8) { source in
            let rows = try await RegistryExport.rows(
                app: source, kind: .members, actor: system, unit: nil, reason: "测试")
            var second = rows
            if change == "invalid row" { second[3][10] = "5401" } else { second.removeLast() }
            try await withTestApp(households: 0) { target in
                let audit = try await target.auditCount()
                await #expect(throws: RegistryImport.FileChanged.self) {
                    try await RegistryImport.members(
                        app: target, rows: Changing(first: rows, second: second), actor: system, dryRun: false,
                        round: 3)
                }
                #expect(try await Household.query(on: target.db).count() == 0)
                #expect(try await Member.query(on: target.db).count() == 0)
                #expect(try await target.auditCount() == audit)
            }
        }
    }

    /// The command line's path: a UTF-8 CSV is read from disk (twice); GBK is decoded whole.
    @Test func aFileOnDiskImportsInEitherEncoding() async throws {
        try await withTestApp(households: 6) { source in
            let rows = try await RegistryExport.rows(
                app: source, kind: .members, actor: system, unit: nil, reason: "测试")
            let utf8 = temporary("m.csv"), gbk = temporary("g.csv")
            defer { for url in [utf8, gbk] { try? FileManager.default.removeItem(at: url) } }
            try FileReading.csvData(rows).write(to: utf8)
            let text = rows.map { CSV.line($0) }.joined()
            try text.data(using: FileReading.gb18030)!.write(to: gbk)
            #expect(try FileReading.isUTF8Text(utf8))
            #expect(try !FileReading.isUTF8Text(gbk))
            for url in [utf8, gbk] {
                try await withTestApp(households: 0) { target in
                    let report = try await RegistryImport.file(
                        app: target, kind: .members, url: url, actor: system, dryRun: false)
                    #expect(report.isValid && report.created == 6, "\(url.lastPathComponent): \(report.problems)")
                }
            }
        }
    }

    /// SQLite's bulk insert binds values as SQLite values, as SQLKit's encoder would store them;
    /// anything else goes back to SQLKit.
    @Test func sqliteBindsAreTheEncodersValues() throws {
        let none: String? = nil
        let values = SQLiteBinds.values(
            [["a", 1, Int64(2), Int32(3), true, 1.5, none, Optional("b"), RowID<Household>(7), Relation.head]])
        #expect(
            values == [
                .text("a"), .integer(1), .integer(2), .integer(3), .integer(1), .float(1.5), .null, .text("b"),
                .integer(7), .text(Relation.head.rawValue),
            ])
        #expect(SQLiteBinds.values([["a", Date()]]) == nil)
        #expect(SQLiteBinds.values([[Double.nan]]) == nil)
        #expect(
            SQLiteBinds.statement(into: "t", columns: ["a", "b"], rowCount: 2)
                == #"INSERT INTO "t" ("a","b") VALUES (?,?),(?,?)"#)
    }

    /// Through the bulk insert (direct binds on SQLite, COPY on PostgreSQL) the values read back as written.
    @Test func bulkInsertedValuesReadBack() async throws {
        try await withTestApp(households: 0) { app in
            let sql = app.db.sqlDatabase
            try await sql.raw("CREATE TABLE bulk_probe (a TEXT, b INTEGER, c BOOLEAN, d DOUBLE PRECISION)").run()
            let none: String? = nil
            try await sql.bulkInsert(
                into: "bulk_probe", columns: ["a", "b", "c", "d"],
                rows: (0..<2_500).map { i in [i == 7 ? none : "格桑\(i)", RowID<Household>(i), i % 2 == 0, 0.5] })
            struct Row: Decodable { let a: String?; let b: Int; let c: Bool; let d: Double }
            let rows = try await sql.select().columns("a", "b", "c", "d").from("bulk_probe").orderBy("b")
                .all(decoding: Row.self)
            #expect(rows.count == 2_500)
            #expect(rows[7].a == nil && rows[8].a == "格桑8" && rows[8].c && !rows[9].c && rows[2_499].b == 2_499)
            #expect(rows.allSatisfy { $0.d == 0.5 })
        }
    }

    /// A character cut by the megabyte boundary of the UTF-8 check, and one that ends the file.
    @Test func theUTF8CheckReadsAcrossItsChunks() throws {
        let url = temporary("t.csv")
        defer { try? FileManager.default.removeItem(at: url) }
        func check(_ bytes: [UInt8]) throws -> Bool {
            try Data(bytes).write(to: url)
            return try FileReading.isUTF8Text(url)
        }
        let chinese = Array("中".utf8)
        for before in [(1 << 20) - 2, (1 << 20) - 1, 1 << 20] {
            #expect(try check(Array(repeating: 0x61, count: before) + chinese + [0x0A]))
        }
        #expect(try check([0x61] + chinese))
        #expect(try !check([0x61] + chinese.dropLast()))
        #expect(try !check([0x61, 0x00, 0x62]))
        #expect(try !check(Array(repeating: 0x61, count: (1 << 20) - 1) + [0xD6, 0xD0]))  // 中 in GBK
    }
}

import Fluent
import Foundation
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// The progress of long actions: the terminal bar's line, the board the pages read, and each
/// action's count reaching its total.
@Suite struct ProgressTests {
    /// Collects what an action reports.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var steps: [(Int, Int)] = []
        var handler: ProgressHandler {
            { [self] done, total in
                lock.lock(); steps.append((done, total)); lock.unlock()
            }
        }
        var all: [(Int, Int)] { lock.lock(); defer { lock.unlock() }; return steps }
        /// Every step within its total, never going back, and the last one complete.
        var isCompleteAndOrdered: Bool {
            let s = all
            guard let last = s.last, last.1 > 0, last.0 == last.1 else { return false }
            return s.allSatisfy { $0.0 >= 0 && $0.0 <= $0.1 } && zip(s, s.dropFirst()).allSatisfy { $0.0 <= $1.0 }
        }
    }

    @Test func theTerminalLineShowsTheShareDone() {
        #expect(ProgressBar.line(0, 0) == nil)
        #expect(ProgressBar.line(3, 10) == "[#########                     ] 30% (3/10)")
        #expect(ProgressBar.line(10, 10) == "[##############################] 100% (10/10)")
        #expect(ProgressBar.line(12, 10) == "[##############################] 100% (10/10)")
    }

    @Test func theBoardShowsAnEntryOnlyToItsOwnerAndForgetsOldOnes() {
        let board = ProgressBoard()
        let id = "0123456789abcdef0123"
        #expect(!ProgressBoard.isValid("short"))
        #expect(!ProgressBoard.isValid("0123456789abcdef/../x"))
        #expect(ProgressBoard.isValid(id))
        let start = Date()
        let handler = board.start(id, owner: 7, now: start)
        #expect(board.entry(id, owner: 7, now: start) == .init(done: 0, total: 0, finished: false))
        handler(40, 100)
        #expect(board.entry(id, owner: 7) == .init(done: 40, total: 100, finished: false))
        #expect(board.entry(id, owner: 8) == nil)
        // Another user cannot take the id over, nor move it.
        board.start(id, owner: 8)(99, 100)
        #expect(board.entry(id, owner: 7) == .init(done: 40, total: 100, finished: false))
        board.finish(id, owner: 7)
        #expect(board.entry(id, owner: 7)?.finished == true)
        #expect(board.entry(id, owner: 7, now: Date().addingTimeInterval(ProgressBoard.lifetime + 1)) == nil)
    }

    @Test func everyLongActionCountsToItsTotal() async throws {
        try await withTestApp { app in
            let households = try await Household.query(on: app.db).count()
            let export = Seen()
            let rows = try await RegistryExport.rows(
                app: app, kind: .members, actor: .operatingSystemUser(), unit: nil, reason: "测试",
                progress: export.handler)
            #expect(export.isCompleteAndOrdered)
            #expect(export.all.last?.1 == households)
            let quality = Seen()
            _ = try await QualityService.checkAll(app: app, unit: OrgCode("540102")!, progress: quality.handler)
            #expect(quality.isCompleteAndOrdered)
            #expect(
                quality.all.last?.1 == (try await Household.query(on: app.db).filter(\.$countyCode == "540102").count())
            )
            let compliance = Seen()
            _ = try await ComplianceService.check(
                app: app, root: OrgCode("54")!, actor: .system, progress: compliance.handler)
            #expect(compliance.isCompleteAndOrdered)
            let rollup = Seen()
            _ = try await Rollups.rebuild(app, actor: .system, progress: rollup.handler)
            #expect(rollup.isCompleteAndOrdered)
            // One round of villages (fewer than 500) and the four levels above them.
            #expect(rollup.all.last?.1 == 5)
            // The import counts households: re-import what was exported.
            let reimport = Seen()
            let report = try await RegistryImport.members(
                app: app, rows: rows, actor: .operatingSystemUser(), dryRun: false, progress: reimport.handler)
            #expect(report.updated == households)
            #expect(reimport.isCompleteAndOrdered)
            #expect(reimport.all.last?.1 == households)
        }
    }

    struct Entry: Decodable, Equatable { let done: Int; let total: Int; let finished: Bool }

    func progress(_ app: Application, _ id: String, _ headers: HTTPHeaders) async throws -> Entry? {
        var entry: Entry?
        try await app.testing().test(.GET, "/progress/\(id)", headers: headers) { res in
            if res.status == .ok {
                entry = try res.content.decode(Entry.self)
            } else {
                #expect(res.status == .notFound)
            }
        }
        return entry
    }

    @Test func thePageThatStartedAnActionReadsItsProgress() async throws {
        try await withTestApp(households: 30) { app in
            let (clerk2, csrf2) = try await app.session("clerk2")
            let (clerk1, _) = try await app.session("clerk1")
            // An upload names its progress id; the server counts the households it writes.
            let upload = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            let rows = [MembersTemplate.header, ImportExportTests().newHousehold()]
            try await app.testing().test(
                .POST, "/imports?progress=\(upload)", headers: clerk2,
                beforeRequest: { req in
                    try req.content.encode(
                        QualityAndUploadTests.UploadForm(
                            _csrf: csrf2, kind: "members",
                            file: File(data: ByteBuffer(data: FileReading.csvData(rows)), filename: "名单.csv"),
                            dry_run: nil), as: .formData)
                }
            ) { res in #expect(res.status == .ok) }
            #expect(try await progress(app, upload, clerk2) == Entry(done: 1, total: 1, finished: true))
            // Nobody else reads it; an id never started or malformed is not found.
            #expect(try await progress(app, upload, clerk1) == nil)
            #expect(try await progress(app, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", clerk2) == nil)
            #expect(try await progress(app, "bad", clerk2) == nil)
            try await app.testing().test(.GET, "/progress/\(upload)") { res in #expect(res.status != .ok) }
            // An export goes through every household the user may read.
            let export = "cccccccccccccccccccccccccccccccc"
            try await app.testing().test(
                .GET, "/households/export/members/csv?reason=%E6%A0%B8%E5%AF%B9&progress=\(export)", headers: clerk2
            ) { res in
                #expect(res.status == .ok)
            }
            let inScope = try await Household.query(on: app.db).filter(\.$townshipCode == "540103001").count()
            #expect(try await progress(app, export, clerk2) == Entry(done: inScope, total: inScope, finished: true))
            // A county's quality re-check counts its households.
            let (county, csrf) = try await app.session("chengguan")
            let check = "dddddddddddddddddddddddddddddddd"
            try await app.testing().test(
                .POST, "/quality/check?unit=540102&progress=\(check)", headers: county,
                beforeRequest: { req in
                    try req.content.encode(["_csrf": csrf], as: .urlEncodedForm)
                }
            ) { res in #expect(res.status == .seeOther) }
            let countyHouseholds = try await Household.query(on: app.db).filter(\.$countyCode == "540102").count()
            #expect(
                try await progress(app, check, county)
                    == Entry(done: countyHouseholds, total: countyHouseholds, finished: true))
        }
    }

    @Test func thePagesOfferTheProgressDisplay() async throws {
        try await withTestApp(households: 30) { app in
            let (clerk2, _) = try await app.session("clerk2")
            try await app.testing().test(.GET, "/imports", headers: clerk2) { res in
                #expect(res.body.string.contains("data-progress data-upload"))
                #expect(res.body.string.contains("/js/progress.js"))
                #expect(res.body.string.contains(#"class="progress-status""#))
            }
            try await app.testing().test(.GET, "/households/export/members/csv", headers: clerk2) { res in
                #expect(res.body.string.contains("data-progress"))
            }
            try await app.testing().test(.GET, "/js/progress.js") { res in #expect(res.status == .ok) }
        }
    }
}

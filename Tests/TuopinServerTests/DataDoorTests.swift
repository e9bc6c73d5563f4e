import Foundation
import Testing

/// The data door (issue #23, item 1): only `Sources/TuopinServer/Data/` (and the migrations in
/// `Persistence/`) may hold a database — `req.db`, `app.db`, any other `.db` (a database handed out by an access), `Model.find(`, `.query(on:`, the SQL
/// database or raw SQL. The move is under way: `DataDoorBaseline.txt` lists, per file, the uses not yet
/// moved behind the door. A file may not gain a use, no file outside the list may have one, and a file
/// that lost some must have its line lowered (or removed) in the same commit, so the list only shrinks.
@Suite struct DataDoorTests {
    static let patterns = [#"\.db\b"#, #"\.find\("#, #"\.query\(on:"#, #"\.sqlDatabase\b"#, #"\.raw\("#]

    /// Files that may hold a database: the door, and the migrations and models.
    static func isDoor(_ path: String) -> Bool {
        path.hasPrefix("Sources/TuopinServer/Data/") || path.hasPrefix("Sources/TuopinServer/Persistence/")
    }

    static func uses(in text: String) -> Int {
        patterns.map { p in
            (try? NSRegularExpression(pattern: p)).map { $0.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text)) } ?? 0
        }.reduce(0, +)
    }

    static func counts(root: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        let base = URL(fileURLWithPath: root + "Sources/TuopinServer")
        let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
        for url in files where url.pathExtension == "swift" {
            let path = "Sources/TuopinServer" + url.path.dropFirst(base.path.count)
            guard !isDoor(path) else { continue }
            let n = uses(in: try String(contentsOf: url, encoding: .utf8))
            if n > 0 { out[path] = n }
        }
        return out
    }

    static func baseline(root: String) throws -> [String: Int] {
        let text = try String(contentsOfFile: root + "Tests/TuopinServerTests/DataDoorBaseline.txt", encoding: .utf8)
        var out: [String: Int] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let n = Int(parts[1]) { out[String(parts[0])] = n }
        }
        return out
    }

    @Test func noDatabaseOutsideTheDoorBeyondTheShrinkingBaseline() throws {
        let root = packageRoot()
        let now = try Self.counts(root: root), allowed = try Self.baseline(root: root)
        for (file, n) in now.sorted(by: { $0.key < $1.key }) {
            let limit = allowed[file] ?? 0
            #expect(n <= limit, "\(file) holds the database \(n) times (allowed \(limit)): ask Sources/TuopinServer/Data/ instead")
        }
        for (file, limit) in allowed.sorted(by: { $0.key < $1.key }) where (now[file] ?? 0) < limit {
            Issue.record("\(file) now holds the database \(now[file] ?? 0) times: lower its line in DataDoorBaseline.txt to that")
        }
    }

    /// The patterns find what they are meant to (a test of the test).
    @Test func thePatternsSeeEveryKindOfUse() {
        #expect(Self.uses(in: "let h = try await Household.find(id, on: req.db)") == 2)
        #expect(Self.uses(in: "try await app.db.sqlDatabase.raw(\"SELECT 1\").run()") == 3)
        #expect(Self.uses(in: "Member.query(on: tx).all()") == 1)
        #expect(Self.uses(in: "let reqdb = 1; app.dbs; self.query(x)") == 0)
        #expect(Self.uses(in: "Cadre.query(on: data.db); req.application.db") == 3)
        #expect(Self.isDoor("Sources/TuopinServer/Data/DataAccess.swift"))
        #expect(!Self.isDoor("Sources/TuopinServer/Registry/HouseholdController.swift"))
    }
}

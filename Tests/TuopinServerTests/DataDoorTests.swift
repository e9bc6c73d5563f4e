import Foundation
import Testing

/// The data door (issue #23, item 1): only `Sources/TuopinServer/Data/` (the door, its queries and
/// the migrations) holds a database. Anywhere else, `req.db`, `app.db`, any other `.db` (a database
/// handed out by an access), `Model.find(`, `.query(on:`, the SQL database or raw SQL fails this test:
/// ask a `DataAccess` (`req.data`, the service's transaction, or a named unscoped access) instead.
@Suite struct DataDoorTests {
    static let patterns = [#"\.db\b"#, #"\.find\("#, #"\.query\(on:"#, #"\.sqlDatabase\b"#, #"\.raw\("#]

    /// Files that may hold a database: the door.
    static func isDoor(_ path: String) -> Bool { path.hasPrefix("Sources/TuopinServer/Data/") }

    static func uses(in text: String) -> Int {
        patterns.map { p in
            (try? NSRegularExpression(pattern: p)).map {
                $0.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
            } ?? 0
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

    @Test func noDatabaseOutsideTheDoor() throws {
        let found = try Self.counts(root: packageRoot())
        for (file, n) in found.sorted(by: { $0.key < $1.key }) {
            Issue.record(
                "\(file) holds the database \(n) times: ask a DataAccess, and put the query in "
                    + "Sources/TuopinServer/Data/"
            )
        }
        // The walk saw the server's files (a wrong root would pass vacuously).
        let base = packageRoot() + "Sources/TuopinServer/Registry/HouseholdController.swift"
        #expect(FileManager.default.fileExists(atPath: base))
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

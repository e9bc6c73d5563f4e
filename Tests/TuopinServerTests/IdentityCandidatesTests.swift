import FluentSQLiteDriver
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting
@testable import TuopinServer

/// Issue #22, C1, mounted as the attack: from what each role without full identity is shown, and
/// from the unencrypted columns of a backup, count the ID numbers that fit. The old mask
/// (`540102********0016`) beside the birth date left about 45; at least 10,000 must remain.
@Suite struct IdentityCandidatesTests {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checks: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Numbers with this region code and check character, a sequence of the given sex and a birth
    /// date among `dates`: the check is a weighted sum mod 11, counted through residue histograms.
    static func candidates(area: String, check: Character, male: Bool?, dates: [CivilDate]) -> Int {
        candidates(area: area, check: check, male: male, byDate: histogram(dates))
    }

    static func candidates(area: String, check: Character, male: Bool?, byDate: [Int]) -> Int {
        guard let target = checks.firstIndex(of: check) else { return 0 }
        let areaSum = zip(area.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        var bySequence = [Int](repeating: 0, count: 11)
        for seq in 0..<1_000 where male.map({ (seq % 2 == 1) == $0 }) ?? true {
            bySequence[(seq / 100 * weights[14] + seq / 10 % 10 * weights[15] + seq % 10 * weights[16]) % 11] += 1
        }
        var total = 0
        for a in 0..<11 {
            for b in 0..<11 where (areaSum + a + b) % 11 == target { total += byDate[a] * bySequence[b] }
        }
        return total
    }

    /// How many of `dates` fall in each residue of their weighted digit sum.
    static func histogram(_ dates: [CivilDate]) -> [Int] {
        var out = [Int](repeating: 0, count: 11)
        for d in dates {
            let digits = [
                d.year / 1000, d.year / 100 % 10, d.year / 10 % 10, d.year % 10, d.month / 10, d.month % 10, d.day / 10,
                d.day % 10,
            ]
            out[zip(digits, weights[6..<14]).reduce(0) { $0 + $1.0 * $1.1 } % 11] += 1
        }
        return out
    }

    /// Birth dates consistent with an age on `today`, or every date since 1900 when nothing is known.
    static func dates(age: Int?, today: CivilDate) -> [CivilDate] {
        let years = age.map { (today.year - $0 - 1)...(today.year - $0) } ?? 1900...today.year
        var out: [CivilDate] = []
        for y in years {
            for m in 1...12 {
                for d in 1...CivilDate.daysIn(month: m, year: y) {
                    let date = CivilDate(year: y, month: m, day: d)!
                    if date <= today, age.map({ DataQuality.age(date, on: today) == $0 }) ?? true { out.append(date) }
                }
            }
        }
        return out
    }

    @Test func theCountingIsRight() {
        // With the birth date shown beside the old mask's sex, about 1000 / 2 / 11 numbers fit.
        let exact = Self.candidates(
            area: "540102", check: "6", male: false, dates: [CivilDate(year: 1980, month: 5, day: 1)!])
        #expect((30...60).contains(exact), "\(exact)")
        let today = CivilDate(year: 2026, month: 12, day: 6)!
        let byAge = Self.candidates(area: "540102", check: "6", male: false, dates: Self.dates(age: 46, today: today))
        #expect((15_000...18_500).contains(byAge), "\(byAge)")
    }

    @Test func noRoleWithoutFullIdentityNarrowsANumberBelowTenThousand() async throws {
        try await withTestApp(households: 30) { app in
            let today = app.clock.today
            let household = try #require(
                try await Household.query(on: app.db).filter(\.$villageCode == "540102001201").first())
            let members = try await Member.query(on: app.db).filter(\.$household.$id == household.id!).all()
            let births = try members.map {
                ResidentID.birthDate(of: try app.tuopin.protector.decrypt($0.idCipher))!.description
            }
            for username in [
                "township1", "village1", "supervisor1", "lasa", "region", "auditor", "clerk1", "chengguan",
            ] {
                let user = try #require(
                    try await User.query(on: app.db).filter(\.$username == username).with(\.$bindings).first())
                let full = user.scope.has(.seeFullIdentity)
                let reply = try await APIClient.login(app, username).call(.GET, "/api/v1/households/\(household.id!)")
                #expect(reply.status == .ok, "\(username)")
                for member in reply.json["members"] as? [[String: Any]] ?? [] {
                    let mask = member["resident_id"] as! String
                    #expect(mask.count == 18 && mask.dropFirst(6).prefix(11).allSatisfy { $0 == "*" }, "\(mask)")
                    if full {
                        #expect(member["birth_date"] is String, "\(username) sees the birth date")
                        continue
                    }
                    #expect(member["birth_date"] == nil || member["birth_date"] is NSNull, "\(username)")
                    let age = member["age"] as? Int
                    let count = Self.candidates(
                        area: String(mask.prefix(6)), check: mask.last!,
                        male: (member["sex"] as? String).map { $0 == "男" }, dates: Self.dates(age: age, today: today))
                    #expect(count >= 10_000, "\(username): \(count) candidates for \(mask)")
                }
                // The page shows what the API shows: no birth date for these roles.
                let (status, html) = try await app.get(
                    "/households/\(household.id!)", try await app.session(username).0)
                #expect(status == .ok)
                if !full { for birth in births { #expect(!html.contains(birth), "\(username) page shows \(birth)") } }
            }
        }
    }

    /// A backup holds no birth date and only the new masks: from its unencrypted columns alone,
    /// every person still has at least 10,000 numbers. (On PostgreSQL the dump holds the
    /// database's rows, so they are read from the database.)
    @Test func aBackupsUnencryptedColumnsLeaveTenThousandCandidates() async throws {
        try await withTestApp(households: 30) { app in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tuopin-attack-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("backup.sqlite").path
            _ = try await Backup.backup(app: app, to: file)
            var connection: SQLiteConnection?
            let sql: any SQLDatabase
            if app.db.isPostgres {
                sql = app.db.sqlDatabase
            } else {
                connection = try await SQLiteConnection.open(storage: .file(path: file), logger: app.logger)
                sql = connection!.sql()
            }
            defer { if let connection { _ = connection.close() } }
            let rows = try await sql.select().column("*").from("members").all()
            #expect(rows.count > 30)
            let today = app.clock.today
            let everyDate = Self.histogram(Self.dates(age: nil, today: today))
            for row in rows.prefix(40) {
                let plain = try app.tuopin.protector.decrypt(try row.decode(column: "id_cipher", as: String.self))
                let birth = ResidentID.birthDate(of: plain)!
                for column in row.allColumns where !["id_cipher", "id_hmac"].contains(column) {
                    let value = (try? row.decode(column: column, as: String.self)) ?? ""
                    #expect(
                        !value.contains(birth.description)
                            && !value.contains(birth.description.replacingOccurrences(of: "-", with: "")),
                        "members.\(column) holds the birth date")
                }
                let mask = try row.decode(column: "id_masked", as: String.self)
                let male = try row.decode(column: "sex", as: String.self) == ResidentID.Sex.male.rawValue
                #expect(
                    Self.candidates(area: String(mask.prefix(6)), check: mask.last!, male: male, byDate: everyDate)
                        >= 10_000)
            }
            // No entry of the audit log holds a mask of the old form.
            let texts = try await sql.select().columns("before", "after").from("audit_log").all()
            for text in texts {
                let joined =
                    (try text.decode(column: "before", as: String.self))
                    + (try text.decode(column: "after", as: String.self))
                #expect(ResidentID.redactOldMasks(in: joined) == joined)
            }
        }
    }

    /// Entries written before the fix keep the old masks (the chain is never rewritten): roles
    /// without full identity read them shortened, in the search and its export.
    @Test func oldMasksInTheAuditLogAreShortenedForRolesWithoutFullIdentity() async throws {
        try await withTestApp(households: 0) { app in
            let now = app.tuopin.now()
            try await app.write { tx in
                try await AuditLog.append(
                    on: tx, actor: .system, action: "member.remove", entity: "household", entityID: "1",
                    before: ["member": "格桑 540102********0016"], at: now)
            }
            let (_, auditor) = try await app.get("/audit?action=member.remove", try await app.session("auditor").0)
            #expect(auditor.contains("540102***********6") && !auditor.contains("540102********0016"))
            let (_, discipline) = try await app.get(
                "/audit?action=member.remove", try await app.session("discipline").0)
            #expect(discipline.contains("540102********0016"))
        }
    }
}

import Crypto
import Fluent
import Foundation
import SQLKit
import FluentSQLiteDriver
import Vapor

/// Row counts and content hashes of every table, to compare a restore with its source.
enum TableDigest {
    struct Entry: Equatable, Sendable, CustomStringConvertible {
        let table: String, rows: Int, sha256: String
        var description: String { "\(table): \(rows) rows, \(sha256.prefix(16))" }
    }

    /// One hash of all tables' hashes: `tuopin backup` prints it and `tuopin restore` prints the
    /// restored database's, so that the two can be compared by eye.
    static func digest(_ entries: [Entry]) -> String {
        SHA256.hash(data: Data(entries.map { "\($0.table) \($0.rows) \($0.sha256)" }.joined(separator: "\n").utf8))
            .map { String(format: "%02x", $0) }.joined()
    }

    static func tables(on db: DataAccess) async throws -> [String] {
        try await tables(on: db.sqlDatabase, postgres: db.isPostgres)
    }

    static func tables(on db: any SQLDatabase, postgres: Bool) async throws -> [String] {
        struct T: Decodable { let name: String }
        let sql =
            postgres
            ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND "
                + "table_type = 'BASE TABLE' ORDER BY 1"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        return try await db.raw(SQLQueryString(sql)).all(decoding: T.self).map(\.name)
    }

    static func all(on db: DataAccess) async throws -> [Entry] {
        try await all(on: db.sqlDatabase, postgres: db.isPostgres)
    }

    static func all(on db: any SQLDatabase, postgres: Bool) async throws -> [Entry] {
        var out: [Entry] = []
        for table in try await tables(on: db, postgres: postgres) {
            let rows = try await db.select().column("*").from(table).all()
            let lines = rows.map { row in row.allColumns.map { "\($0)=\(value(row, $0))" }.joined(separator: "\u{1f}") }
                .sorted()
            let hash = SHA256.hash(data: Data(lines.joined(separator: "\u{1e}").utf8)).map {
                String(format: "%02x", $0)
            }.joined()
            out.append(Entry(table: table, rows: rows.count, sha256: hash))
        }
        return out
    }

    private static func value(_ row: any SQLRow, _ column: String) -> String {
        if (try? row.decodeNil(column: column)) == true { return "∅" }
        if let v = try? row.decode(column: column, as: Int64.self) { return "i\(v)" }
        if let v = try? row.decode(column: column, as: Double.self) { return "d\(v)" }
        if let v = try? row.decode(column: column, as: Bool.self) { return "b\(v)" }
        if let v = try? row.decode(column: column, as: Date.self) { return "t\(v.timeIntervalSince1970)" }
        if let v = try? row.decode(column: column, as: String.self) { return "s\(v)" }
        return "?"
    }
}

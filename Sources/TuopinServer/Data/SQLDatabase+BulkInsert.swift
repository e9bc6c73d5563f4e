import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Bulk rows for the imports, the demo and the org tree: one statement per chunk, `COPY` on
/// PostgreSQL (`PostgresCopy`) and directly bound values on SQLite (`SQLiteBinds`).
extension SQLDatabase {
    /// Multi-row insert in chunks that stay under PostgreSQL's 65,535 bind limit; with
    /// `ignoringConflicts`, rows that would break a unique index are skipped (`ON CONFLICT DO NOTHING`).
    /// On PostgreSQL the rows go in by `COPY` (`PostgresCopy`) when every value has a text form.
    func bulkInsert(
        into table: String, columns: [String], rows: [[any Encodable & Sendable]], ignoringConflicts: Bool = false
    ) async throws {
        guard !rows.isEmpty else { return }
        if !ignoringConflicts, dialect.name == "postgresql", let postgres = self as? any PostgresDatabase,
            let text = PostgresCopy.text(rows[...])
        {
            try await PostgresCopy.copy(text, into: table, columns: columns, on: postgres)
            return
        }
        let perChunk = max(1, 30_000 / columns.count)
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perChunk)
            if !ignoringConflicts, dialect.name == "sqlite", let sqlite = self as? any SQLiteDatabase,
                let values = SQLiteBinds.values(rows[start..<end])
            {
                try await SQLiteBinds.insert(values, rows: end - start, into: table, columns: columns, on: sqlite)
                start = end
                continue
            }
            var insert = self.insert(into: table).columns(columns)
            for row in rows[start..<end] { insert = insert.values(row.map { SQLBind($0) }) }
            if ignoringConflicts { insert = insert.ignoringConflicts() }
            try await insert.run()
            start = end
        }
    }
}

import FluentSQLiteDriver
import Foundation

/// Bulk rows into SQLite as one multi-row INSERT whose values are bound as SQLite values directly
/// (issue #27 item 3), instead of through SQLKit's serializer and `Encodable` per value. It runs on
/// the caller's connection, so inside a write it is part of that transaction. Values with no plain
/// form here (dates, data) make the caller fall back to SQLKit.
enum SQLiteBinds {
    /// The rows' values in order, or nil when a value has no direct form here.
    static func values(_ rows: ArraySlice<[any Encodable & Sendable]>) -> [SQLiteData]? {
        var out: [SQLiteData] = []
        out.reserveCapacity(rows.count * (rows.first?.count ?? 0))
        for row in rows {
            for value in row {
                guard let data = sqliteValue(value) else { return nil }
                out.append(data)
            }
        }
        return out
    }

    private static func sqliteValue(_ value: Any) -> SQLiteData? {
        switch value {
        case let optional as any OptionalValue:
            guard let wrapped = optional.wrappedValue else { return .null }
            return sqliteValue(wrapped)
        case let string as String: return .text(string)
        case let int as Int: return .integer(int)
        case let int as Int64: return .integer(Int(int))
        case let int as Int32: return .integer(Int(int))
        case let bool as Bool: return .integer(bool ? 1 : 0)
        case let double as Double: return double.isFinite ? .float(double) : nil
        // Row ids (`RowID`) and stored enumerations: their raw value, as their `Encodable` form is.
        case let raw as any RawRepresentable: return sqliteValue(raw.rawValue)
        default: return nil
        }
    }

    /// `INSERT INTO table (columns) VALUES (?, …), …` for `rowCount` rows.
    static func statement(into table: String, columns: [String], rowCount: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        return "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ",") + ") VALUES "
            + Array(repeating: row, count: rowCount).joined(separator: ",")
    }

    static func insert(
        _ values: [SQLiteData], rows: Int, into table: String, columns: [String], on database: any SQLiteDatabase
    )
        async throws
    {
        _ = try await database.query(statement(into: table, columns: columns, rowCount: rows), values)
    }
}

import FluentPostgresDriver
import Foundation
import SQLKit

/// Bulk rows into PostgreSQL with `COPY … FROM STDIN` (text format) instead of multi-row INSERTs:
/// one stream of text per chunk rather than a bind per value, which was most of an import's time.
/// It runs on the caller's connection, so inside a write it is part of that transaction (triggers
/// fire as for INSERT). Values with no plain text form here (dates, data) make the caller fall back
/// to INSERT.
enum PostgresCopy {
    /// The rows as COPY text, or nil when a value has no text form here.
    static func text(_ rows: ArraySlice<[any Encodable & Sendable]>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 64)
        for row in rows {
            for (index, value) in row.enumerated() {
                if index > 0 { out.append(0x09) }
                guard append(value, to: &out) else { return nil }
            }
            out.append(0x0A)
        }
        return out
    }

    private static func append(_ value: Any, to out: inout [UInt8]) -> Bool {
        switch value {
        case let optional as any OptionalValue:
            guard let wrapped = optional.wrappedValue else { out += [0x5C, 0x4E]; return true }  // \N
            return append(wrapped, to: &out)
        case let string as String: escape(string, to: &out)
        case let int as Int: out += Array(String(int).utf8)
        case let int as Int64: out += Array(String(int).utf8)
        case let int as Int32: out += Array(String(int).utf8)
        case let bool as Bool: out.append(bool ? 0x74 : 0x66)  // t / f
        case let double as Double:
            guard double.isFinite else { return false }
            out += Array(String(double).utf8)
        default: return false
        }
        return true
    }

    /// Text format: backslash, tab, newline and carriage return are escaped.
    private static func escape(_ string: String, to out: inout [UInt8]) {
        for byte in string.utf8 {
            switch byte {
            case 0x5C: out += [0x5C, 0x5C]
            case 0x09: out += [0x5C, 0x74]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            default: out.append(byte)
            }
        }
    }

    /// Streams `text` into `table` on the database's (transaction's) connection.
    static func copy(_ text: [UInt8], into table: String, columns: [String], on database: any PostgresDatabase)
        async throws
    {
        let logger = database.logger
        try await database.withConnection { connection in
            let promise = connection.eventLoop.makePromise(of: Void.self)
            promise.completeWithTask {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    var start = 0
                    while start < text.count {
                        let end = min(text.count, start + (1 << 20))
                        try await writer.write(ByteBuffer(bytes: text[start..<end]))
                        start = end
                    }
                }
            }
            return promise.futureResult
        }.get()
    }
}

/// Lets `PostgresCopy` see through an `Optional` held as `any Encodable`.
protocol OptionalValue { var wrappedValue: Any? { get } }

extension Optional: OptionalValue {
    var wrappedValue: Any? { self.map { $0 as Any } }
}

import Fluent
import SQLKit
import Vapor

extension DataAccess {
    /// The database's dialect (`sqlite`, `postgresql`), for the health check.
    var engine: String { sqlDatabase.dialect.name }

    /// Whether the database answers a query now.
    func ping() async throws { _ = try await sqlDatabase.raw("SELECT 1 AS ok").first() }
}

extension Request {
    /// The named unscoped access of the health check (and of nothing personal).
    var systemData: DataAccess { .system(db) }
}

extension DataAccess {
    /// Puts an SQLite file in WAL mode. WAL is a property of the file; synchronous=FULL is SQLite's
    /// compiled default for every connection (sqlite-nio sets no other), and is asserted by the test suite.
    func prepareSQLiteFile() async throws {
        try await sqlDatabase.raw("PRAGMA journal_mode=WAL").run()
        try await sqlDatabase.raw("PRAGMA synchronous=FULL").run()
    }
}

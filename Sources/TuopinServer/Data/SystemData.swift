import Fluent
import SQLKit
import Vapor

/// The explicitly named unscoped access (issue #23): what the app itself reads outside any user's
/// scope, here whether the database answers.
struct SystemData: Sendable {
    let db: any Database

    /// The database's dialect (`sqlite`, `postgresql`).
    var engine: String { db.sqlDatabase.dialect.name }

    /// Whether the database answers a query now.
    func ping() async throws { _ = try await db.sqlDatabase.raw("SELECT 1 AS ok").first() }
}

extension Request {
    var systemData: SystemData { SystemData(db: db) }
}

extension DataAccess {
    /// Puts an SQLite file in WAL mode. WAL is a property of the file; synchronous=FULL is SQLite's
    /// compiled default for every connection (sqlite-nio sets no other), and is asserted by the test suite.
    func prepareSQLiteFile() async throws {
        try await sqlDatabase.raw("PRAGMA journal_mode=WAL").run()
        try await sqlDatabase.raw("PRAGMA synchronous=FULL").run()
    }
}

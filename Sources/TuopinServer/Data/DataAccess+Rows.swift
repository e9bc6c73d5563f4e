import Fluent
import SQLKit
import TuopinCore
import Vapor

/// The generic half of the door: rows of any table, filtered to the reader's scope when the table
/// is a `ScopedTable`, and the writes a service makes inside its transaction.
extension DataAccess {
    /// Rows of `type`: those under the reader's scope for a scoped table (all of them for the named
    /// system access), every row of a reference table (units, standards, users…).
    func rows<M: Model>(_ type: M.Type) -> QueryBuilder<M> {
        let query = M.query(on: db)
        guard reach == .scoped, let scoped = M.self as? any ScopedTable.Type else { return query }
        return query.filter(.sql(scoped.scopeColumns.filter(scope.roots(for: .readRegistry))))
    }

    /// The row with `id`, or nil when there is none or it lies outside the reader's scope.
    func lookup<M: Model>(_ type: M.Type, _ id: M.IDValue?) async throws -> M? {
        guard let id else { return nil }
        return try await rows(M.self).filter(\._$id == id).first()
    }

    /// The row with `id`; "not found" when there is none or it lies outside the reader's scope.
    func row<M: Model>(_ type: M.Type, _ id: M.IDValue?) async throws -> M {
        guard let found = try await lookup(M.self, id) else { throw AppError.notFound }
        return found
    }

    /// The same transaction, read with `scope` (a service checking what its user may reach).
    func scoped(_ scope: Scope) -> DataAccess { DataAccess(db: db, scope: scope, reach: .scoped) }

    /// The same transaction with the system's reach (roll-ups, audit chain, checks).
    var system: DataAccess { DataAccess(db: db, scope: scope, reach: .system) }

    /// Whether the database is PostgreSQL (some bulk paths differ).
    var isPostgres: Bool { db.isPostgres }
}

extension Model {
    func save(on data: DataAccess) async throws { try await save(on: data.db) }
    func create(on data: DataAccess) async throws { try await create(on: data.db) }
    func update(on data: DataAccess) async throws { try await update(on: data.db) }
    func delete(force: Bool = false, on data: DataAccess) async throws { try await delete(force: force, on: data.db) }
}

extension Collection where Element: FluentKit.Model, Self: Sendable {
    func create(on data: DataAccess) async throws { try await create(on: data.db) }
}

extension Application {
    /// A read-only access bound to `scope`, outside any transaction.
    func data(for scope: Scope) -> DataAccess { DataAccess(db: db, scope: scope) }

    /// The explicitly named unscoped access of system jobs (checks, roll-ups, demo, import with full
    /// rights); what they write is audited as `AuditLog.Actor.system`.
    var systemData: DataAccess { DataAccess(db: db, scope: .nobody, reach: .system) }
}

extension DataAccess {
    /// The SQL side of the same connection, for the queries written in `Data/` (the door test keeps
    /// it from being used anywhere else).
    var sqlDatabase: any SQLDatabase { db.sqlDatabase }

    /// A transaction on the same database with the same reach (system jobs outside the write gate).
    func transaction<T: Sendable>(_ body: @escaping @Sendable (DataAccess) async throws -> T) async throws -> T {
        let (scope, reach) = (self.scope, self.reach)
        return try await db.transaction { tx in try await body(DataAccess(db: tx, scope: scope, reach: reach)) }
    }
}

extension DataAccess {
    /// The named system access on a database handed out by Fluent (a transaction opened in `Data/`).
    static func system(_ db: any Database) -> DataAccess { DataAccess(db: db, scope: .nobody, reach: .system) }
}

extension Request {
    /// The named unscoped access of the public portal (公示/公告): published notices with their
    /// anonymised lines, objections by tracking code and the region's figures — what anyone may
    /// read, signed in or not. Nothing personal beyond what a notice publishes is read through it.
    var publicData: DataAccess { DataAccess(db: db, scope: .nobody, reach: .system) }
}

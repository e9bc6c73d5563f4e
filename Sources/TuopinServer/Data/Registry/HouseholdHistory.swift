import Fluent
import Foundation
import SQLKit

/// A household's change history, read from the audit log.
enum HouseholdHistory {
    struct Entry: Sendable { let at: String; let user: String; let action: String; let reason: String }

    static func entries(on dbAccess: DataAccess, householdID: RowID<Household>, limit: Int = 50) async throws -> [Entry]
    {
        let db = dbAccess.db
        struct Row: Decodable { let at: String; let user_id: String; let action: String; let after: String }
        let rows = try await select(on: db.sqlDatabase, householdID: householdID, limit: limit).all(decoding: Row.self)
        let ids = Set(rows.compactMap { Int($0.user_id).map { RowID<User>($0) } })
        let users = try await User.query(on: db).filter(\.$id ~~ Array(ids)).all()
        let names = Dictionary(uniqueKeysWithValues: users.map { (String($0.id!), $0.displayName) })
        return rows.map {
            Entry(
                at: Clock.second(logged: $0.at),
                user: names[$0.user_id] ?? $0.user_id, action: $0.action,
                reason: $0.action == "household.change_reason" ? Self.reason(in: $0.after) : "")
        }
    }

    /// The newest `limit` entries of a household but its reads (those are for auditors, not the change
    /// history); the reads are left out by the condition of `IndexAuditChanges`, written as it is there.
    /// SQLite is told to use that index: without statistics its planner took the entity index and stepped
    /// over every read entry of the household (PostgreSQL keeps statistics and chooses well).
    static func select(on sql: any SQLDatabase, householdID: RowID<Household>, limit: Int) -> SQLSelectBuilder {
        let table =
            sql.dialect.name == "sqlite"
            ? SQLRaw("audit_log INDEXED BY \(IndexAuditChanges.name)") : SQLRaw("audit_log")
        return sql.select().columns("at", "user_id", "action", "after").from(table)
            .where("entity", .equal, SQLBind("household")).where("entity_id", .equal, SQLBind(String(householdID)))
            .where(SQLRaw(IndexAuditChanges.condition))
            .orderBy("id", .descending).limit(limit)
    }

    /// The reason recorded with a change to certified data.
    static func reason(in json: String) -> String {
        ((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any])?["reason"] as? String ?? ""
    }
}

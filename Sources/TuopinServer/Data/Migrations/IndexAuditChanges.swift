import Fluent

/// A household's change history leaves out its read entries, one per page view or API read: on a
/// household read often the history query stepped over tens of thousands of them (issue #27: the
/// household page spent half its time there under load). This index holds only the other entries.
struct IndexAuditChanges: AsyncMigration {
    /// The condition the history query repeats word for word, so that both databases use the index.
    static let condition = "action <> 'household.read'"
    static let name = "idx_audit_entity_changes"

    func prepare(on db: any Database) async throws {
        try await db.ddl(
            "CREATE INDEX \(Self.name) ON audit_log (entity, entity_id, id) WHERE \(Self.condition)")
    }

    func revert(on db: any Database) async throws { try await db.ddl("DROP INDEX \(Self.name)") }
}

import Fluent
import TuopinCore
import Foundation

/// A login session (web cookie) or API token. Only the SHA-256 of the secret is stored.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"
    @ID(custom: "id", generatedBy: .database) var id: RowID<UserSession>?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: RowID<User>
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?
    @OptionalField(key: "last_seen_at") var lastSeenAt: Date?
    /// `full`, or a session that has passed the password only (`SessionStage`).
    @Field(key: "stage") var stage: String
    init() {}
}

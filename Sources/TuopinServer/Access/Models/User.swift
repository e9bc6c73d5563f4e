import Fluent
import TuopinCore
import Foundation

final class User: Model, @unchecked Sendable {
    static let schema = "users"
    @ID(custom: "id", generatedBy: .database) var id: RowID<User>?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "failed_logins") var failedLogins: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    /// When the password was last set (rotation, 等保); nil for accounts from before it was kept.
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    /// Hashes of the previous passwords, newest first (JSON array); nil until the first change.
    @OptionalField(key: "password_history") var passwordHistory: String?
    /// The TOTP secret (base32, encrypted with the data key); set at enrolment, in use once `totpEnabledAt` is set.
    @OptionalField(key: "totp_secret") var totpSecret: String?
    @OptionalField(key: "totp_enabled_at") var totpEnabledAt: Date?
    /// The last time step whose code was accepted: a code is good once (RFC 6238 §5.2).
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    @Children(for: \.$user) var bindings: [RoleBindingRecord]
    init() {}
    init(username: String, displayName: String, passwordHash: String) {
        self.username = username; self.displayName = displayName; self.passwordHash = passwordHash
        failedLogins = 0; active = true; version = 1
    }
}

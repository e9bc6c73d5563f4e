import Fluent
import TuopinCore
import Foundation

/// One administrative unit of the five-level tree. Its id is its division code.
final class OrgUnit: Model, @unchecked Sendable {
    static let schema = "org_units"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "level") var level: Int
    @OptionalField(key: "parent_code") var parentCode: String?
    @Field(key: "path") var path: String
    @Field(key: "is_poverty_county") var isPovertyCounty: Bool
    @OptionalField(key: "exit_year") var exitYear: Int?
    @OptionalField(key: "secretary_id") var secretaryID: Int?
    @OptionalField(key: "head_id") var headID: Int?
    /// Registered rural population (village exit's denominator), kept by the county.
    @OptionalField(key: "rural_population") var ruralPopulation: Int?
    @Field(key: "version") var version: Int

    init() {}
    init(code: String, name: String, level: Int, parentCode: String?, path: String, isPovertyCounty: Bool = false) {
        id = code; self.name = name; self.level = level; self.parentCode = parentCode; self.path = path
        self.isPovertyCounty = isPovertyCounty; version = 1
    }
}

/// A cadre (干部), possibly one of a unit's principals.
final class Cadre: Model, @unchecked Sendable {
    static let schema = "cadres"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "rank") var rank: String
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "position") var position: String
    @Field(key: "active") var active: Bool
    /// The organisation the cadre serves in (a department, a work team …), if recorded.
    @OptionalField(key: "organisation_id") var organisationID: Int?
    @OptionalField(key: "phone_cipher") var phoneCipher: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    init() {}
}

final class User: Model, @unchecked Sendable {
    static let schema = "users"
    @ID(custom: "id", generatedBy: .database) var id: Int?
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

final class RoleBindingRecord: Model, @unchecked Sendable {
    static let schema = "role_bindings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Parent(key: "user_id") var user: User
    @Field(key: "role") var role: String
    @Field(key: "unit_code") var unitCode: String
    init() {}
    init(userID: Int, role: String, unitCode: String) { $user.id = userID; self.role = role; self.unitCode = unitCode }
}

/// A login session (web cookie) or API token. Only the SHA-256 of the secret is stored.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?
    @OptionalField(key: "last_seen_at") var lastSeenAt: Date?
    /// `full`, or a session that has passed the password only (`SessionStage`).
    @Field(key: "stage") var stage: String
    init() {}
}

/// A single-use recovery code of the second factor; only its SHA-256 is stored.
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "recovery_codes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
    init(userID: Int, codeHash: String) { self.userID = userID; self.codeHash = codeHash }
}

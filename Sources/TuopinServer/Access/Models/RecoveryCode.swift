import Fluent
import TuopinCore
import Foundation

/// A single-use recovery code of the second factor; only its SHA-256 is stored.
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "recovery_codes"
    @ID(custom: "id", generatedBy: .database) var id: RowID<RecoveryCode>?
    @Field(key: "user_id") var userID: RowID<User>
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
    init(userID: RowID<User>, codeHash: String) { self.userID = userID; self.codeHash = codeHash }
}

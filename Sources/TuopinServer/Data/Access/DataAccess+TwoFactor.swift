import Fluent
import Foundation
import SQLKit

/// The one-time uses of second factors: each succeeds once, even for two requests at the same instant.
extension DataAccess {
    /// Records `step` as the user's last TOTP step if it is later than the one recorded; whether it was.
    func useTOTPStep(_ step: Int64, userID: RowID<User>) async throws -> Bool {
        try await sqlDatabase.raw(
            """
            UPDATE users SET totp_last_step = \(bind: step) WHERE id = \(bind: userID)
            AND (totp_last_step IS NULL OR totp_last_step < \(bind: step)) RETURNING id
            """
        ).all().count == 1
    }

    /// Marks the user's unused recovery code with `hash` as used; whether there was one.
    func useRecoveryCode(hash: String, userID: RowID<User>, at now: Date) async throws -> Bool {
        try await sqlDatabase.raw(
            """
            UPDATE recovery_codes SET used_at = \(bind: now) WHERE user_id = \(bind: userID)
            AND code_hash = \(bind: hash) AND used_at IS NULL RETURNING id
            """
        ).all().count == 1
    }
}

import Crypto
import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The second factor (等保 level 3): TOTP enrolment with a QR code, single-use recovery codes, and
/// checking a code at login. Each state change is one transaction with its audit entry.
enum TwoFactorService {
    static let issuer = "Tuopin"

    /// Checks a one-time code, or else an unused recovery code, and uses it up — inside the
    /// caller's transaction, with a conditional update so two requests with one code cannot both pass.
    static func consume(_ input: String, userID: RowID<User>, on tx: DataAccess, app: Application, now: Date)
        async throws
        -> Bool
    {
        let typed = input.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty, typed.count <= 32,
            let user = try await tx.lookup(User.self, userID), user.totpEnabledAt != nil, let sealed = user.totpSecret,
            let secret = Base32.decode(try app.tuopin.protector.decrypt(sealed))
        else { return false }
        if let step = TOTP(secret: secret).match(typed, at: now, lastUsed: user.totpLastStep) {
            return try await tx.useTOTPStep(step, userID: userID)
        }
        return try await tx.useRecoveryCode(
            hash: Hashing.sha256Hex(TwoFactorRule.normalisedRecoveryCode(typed)), userID: userID, at: now)
    }

    struct Status: Encodable {
        let enabled: Bool
        let required: Bool
        let recoveryCodesLeft: Int
        /// Enrolment begun and not yet confirmed: the QR code (SVG) and the secret to type by hand.
        let pendingSVG: String?
        let pendingSecret: String?
    }

    static func status(app: Application, user: CurrentUser) async throws -> Status {
        guard let stored = try await app.systemData.lookup(User.self, user.id) else { throw AppError.unauthenticated }
        let left = try await app.systemData.rows(RecoveryCode.self).filter(\.$userID == user.id).filter(
            \.$usedAt == nil
        ).count()
        var svg: String?, secretText: String?
        if stored.totpEnabledAt == nil, let sealed = stored.totpSecret {
            let secret = try app.tuopin.protector.decrypt(sealed)
            guard let bytes = Base32.decode(secret) else { throw AppError.corruptData }
            let uri = TOTP(secret: bytes).provisioningURI(account: user.username, issuer: issuer)
            svg = try QRCode(text: uri).svg(moduleSize: 5, title: "otpauth: \(issuer) \(user.username)")
            secretText = stride(from: 0, to: secret.count, by: 4).map { start in
                let a = secret.index(secret.startIndex, offsetBy: start)
                return String(secret[a..<secret.index(a, offsetBy: min(4, secret.count - start))])
            }.joined(separator: " ")
        }
        return Status(
            enabled: stored.totpEnabledAt != nil, required: TwoFactorRule.isRequired(for: user.scope),
            recoveryCodesLeft: left, pendingSVG: svg, pendingSecret: secretText)
    }

    /// Starts (or starts again) enrolment: a new 160-bit secret, kept encrypted until confirmed.
    static func begin(app: Application, user: CurrentUser) async throws {
        let now = app.tuopin.now()
        let secret = Base32.encode(randomBytes(20))
        let sealed = try app.tuopin.protector.encrypt(secret)
        try await app.write { tx in
            guard let fresh = try await tx.lookup(User.self, user.id) else { throw AppError.unauthenticated }
            guard fresh.totpEnabledAt == nil else { throw AppError.conflict }
            fresh.totpSecret = sealed; fresh.version += 1
            try await fresh.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "auth.totp_begin", entity: "user", entityID: String(user.id),
                at: now)
        }
    }

    /// Finishes enrolment with a code from the app: two factors are on, ten recovery codes are made
    /// (returned once, stored hashed), every session of the user ends and a new full one begins.
    static func confirm(app: Application, user: CurrentUser, code: String) async throws -> (
        token: String, codes: [String]
    ) {
        let now = app.tuopin.now()
        return try await app.write { tx in
            guard let fresh = try await tx.lookup(User.self, user.id) else { throw AppError.unauthenticated }
            guard fresh.totpEnabledAt == nil, let sealed = fresh.totpSecret,
                let secret = Base32.decode(try app.tuopin.protector.decrypt(sealed))
            else { throw AppError.conflict }
            guard let step = TOTP(secret: secret).match(code, at: now, lastUsed: nil) else {
                throw AppError.invalidSecondFactor
            }
            fresh.totpEnabledAt = now; fresh.totpLastStep = step; fresh.version += 1
            try await fresh.save(on: tx)
            let codes = try await replaceRecoveryCodes(of: user.id, on: tx)
            try await AuthService.endAllSessions(of: user.id, on: tx, at: now)
            let token = try await AuthService.openSession(userID: user.id, kind: .web, stage: .full, on: tx, now: now)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "auth.totp_enabled", entity: "user", entityID: String(user.id),
                at: now)
            return (token, codes)
        }
    }

    /// Ten new recovery codes in place of the old ones; needs a current code.
    static func newRecoveryCodes(app: Application, user: CurrentUser, code: String) async throws -> [String] {
        let now = app.tuopin.now()
        return try await app.write { tx in
            guard try await consume(code, userID: user.id, on: tx, app: app, now: now) else {
                throw AppError.invalidSecondFactor
            }
            let codes = try await replaceRecoveryCodes(of: user.id, on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "auth.recovery_codes", entity: "user",
                entityID: String(user.id), at: now)
            return codes
        }
    }

    /// Turns two factors off (not for the roles that require them); needs the password and a code.
    static func disable(app: Application, user: CurrentUser, password: String, code: String) async throws {
        guard !TwoFactorRule.isRequired(for: user.scope) else { throw AppError.twoFactorRequired }
        try await AuthService.checkCurrentPassword(
            app: app, user: user, password: password, failedAction: "auth.totp_disable_failed")
        let now = app.tuopin.now()
        try await app.write { tx in
            guard try await consume(code, userID: user.id, on: tx, app: app, now: now) else {
                throw AppError.invalidSecondFactor
            }
            try await clear(user.id, on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "auth.totp_disabled", entity: "user", entityID: String(user.id),
                at: now)
        }
    }

    /// The security administrator's reset for a lost phone (command line): two factors off, every
    /// session ended; a user whose role requires them enrols again at the next login.
    static func reset(app: Application, username: String, reason: String, actor: AuditLog.Actor) async throws {
        let now = app.tuopin.now()
        try await app.write { tx in
            guard let user = try await tx.rows(User.self).filter(\.$username == username).first() else {
                throw AppError.notFound
            }
            let id = try user.requireID()
            try await clear(id, on: tx)
            try await AuthService.endAllSessions(of: id, on: tx, at: now)
            try await AuditLog.append(
                on: tx, actor: actor, action: "auth.totp_reset", entity: "user", entityID: String(id),
                after: ["reason": reason], at: now)
        }
    }

    private static func clear(_ userID: RowID<User>, on tx: DataAccess) async throws {
        guard let user = try await tx.lookup(User.self, userID) else { throw AppError.unauthenticated }
        user.totpSecret = nil; user.totpEnabledAt = nil; user.totpLastStep = nil; user.version += 1
        try await user.save(on: tx)
        try await tx.rows(RecoveryCode.self).filter(\.$userID == userID).delete()
    }

    private static func replaceRecoveryCodes(of userID: RowID<User>, on tx: DataAccess) async throws -> [String] {
        try await tx.rows(RecoveryCode.self).filter(\.$userID == userID).delete()
        let codes = (0..<TwoFactorRule.recoveryCodeCount).map { _ in TwoFactorRule.recoveryCode(from: randomBytes(8)) }
        for code in codes {
            try await RecoveryCode(
                userID: userID, codeHash: Hashing.sha256Hex(TwoFactorRule.normalisedRecoveryCode(code))
            ).save(on: tx)
        }
        return codes
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }
}

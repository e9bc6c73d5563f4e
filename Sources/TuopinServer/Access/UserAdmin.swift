import Fluent
import Foundation
import TuopinCore
import Vapor

/// Creating users and granting or revoking roles (the command line, `tuopin user`). A change of a
/// user's roles ends all their sessions, so the new privileges start with a new session id; no
/// user may hold two of the three administrator roles (等保 2.0 安全管理中心, 三权分立).
enum UserAdmin {
    /// Creates a user with one role and returns a random first password, which must be changed at the first login.
    static func add(
        app: Application, username: String, displayName: String, role: Role, unit: String,
        actor: AuditLog.Actor
    ) async throws -> String {
        guard username.count >= 2, username.count <= 64,
            username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else {
            throw AppError.invalidField("username")
        }
        let name = displayName.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64 else { throw AppError.invalidField("name") }
        let binding = try await validatedBinding(app: app, role: role, unit: unit)
        let password = firstPassword(policy: app.tuopin.passwordPolicy, username: username)
        let hash = try await AuthService.hash(password, cost: app.tuopin.settings.bcryptCost, app: app)
        let now = app.tuopin.now()
        try await app.write { tx in
            guard try await tx.rows(User.self).filter(\.$username == username).count() == 0 else {
                throw AppError.conflict
            }
            let user = User(username: username, displayName: name, passwordHash: hash)
            // Dated at the epoch: the first login opens only the password page (a forced change).
            user.passwordChangedAt = Date(timeIntervalSince1970: 0)
            try await user.save(on: tx)
            let id = try user.requireID()
            try await RoleBindingRecord(userID: id, role: binding.role, unitCode: binding.unit.value).save(on: tx)
            struct Created: Encodable { let username: String; let role: String; let unit: String }
            try await AuditLog.append(
                on: tx, actor: actor, action: "user.create", entity: "user", entityID: String(id),
                after: Created(username: username, role: role.rawValue, unit: unit), at: now)
        }
        return password
    }

    static func grant(app: Application, username: String, role: Role, unit: String, actor: AuditLog.Actor) async throws
    {
        let binding = try await validatedBinding(app: app, role: role, unit: unit)
        let now = app.tuopin.now()
        try await app.write { tx in
            let user = try await find(username, on: tx)
            let id = try user.requireID()
            let held = user.bindings.map(\.role)
            if let conflict = Role.separationConflict(holding: held, adding: role) {
                throw AppError.administratorSeparation(held: conflict)
            }
            guard
                !user.bindings.contains(where: {
                    $0.role.rawValue == role.rawValue && $0.unitCode == binding.unit.value
                })
            else { throw AppError.conflict }
            try await RoleBindingRecord(userID: id, role: role, unitCode: binding.unit.value).save(on: tx)
            try await AuthService.endAllSessions(of: id, on: tx, at: now)
            try await AuditLog.append(
                on: tx, actor: actor, action: "user.grant", entity: "user", entityID: String(id),
                after: ["role": role.rawValue, "unit": binding.unit.value], at: now)
        }
    }

    static func revoke(app: Application, username: String, role: Role, unit: String, actor: AuditLog.Actor) async throws
    {
        let now = app.tuopin.now()
        try await app.write { tx in
            let user = try await find(username, on: tx)
            let id = try user.requireID()
            guard let record = user.bindings.first(where: { $0.role.rawValue == role.rawValue && $0.unitCode == unit })
            else { throw AppError.notFound }
            try await record.delete(on: tx)
            try await AuthService.endAllSessions(of: id, on: tx, at: now)
            try await AuditLog.append(
                on: tx, actor: actor, action: "user.revoke", entity: "user", entityID: String(id),
                before: ["role": role.rawValue, "unit": unit], at: now)
        }
    }

    private static func find(_ username: String, on db: DataAccess) async throws -> User {
        guard let user = try await db.rows(User.self).filter(\.$username == username).with(\.$bindings).first() else {
            throw AppError.notFound
        }
        return user
    }

    private static func validatedBinding(app: Application, role: Role, unit: String) async throws -> RoleBinding {
        guard let code = OrgCode(unit), try await app.systemData.lookup(OrgUnit.self, code.value) != nil else {
            throw AppError.invalidField("unit")
        }
        do { return try RoleBinding.validated(role: role, unit: code) } catch { throw AppError.invalidField("unit") }
    }

    /// Sixteen random characters of four kinds that pass the password rules.
    static func firstPassword(policy: PasswordPolicy, username: String) -> String {
        let groups = [
            Array("abcdefghijkmnpqrstuvwxyz"), Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), Array("23456789"), Array("-_.!@#%+="),
        ]
        while true {
            var chars: [Character] = []
            for i in 0..<16 {
                let group = groups[i < 4 ? i : Int.random(in: 0..<groups.count)]
                chars.append(group.randomElement()!)
            }
            let password = String(chars.shuffled())
            if policy.problems(password, username: username).isEmpty { return password }
        }
    }
}

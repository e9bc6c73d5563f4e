import Crypto
import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

extension ResponsibilityService {
    // MARK: Cadres and principals

    struct CadreInput: Content {
        var name: String?; var rank: String?; var position: String?; var stationed_role: String?; var phone: String?
        @EmptyIsNil var organisation_id: RowID<Organisation>?
    }

    static func addCadre(app: Application, user: CurrentUser, unit text: String, input: CadreInput) async throws
        -> RowID<Cadre>
    {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        try await authorise(app, user, code)
        let name = try FormField.text(input.name, "name", max: 40)
        guard let rank = input.rank.flatMap(CadreRank.init(rawValue:)) else { throw AppError.invalidField("rank") }
        // Positions and stationed roles come from fixed lists, each where the level has it (articles 20, 29, 37).
        guard let position = input.position.flatMap(CadrePosition.init(rawValue:)), position.allowed(at: code.level)
        else { throw AppError.invalidField("position") }
        let rawRole = input.stationed_role.flatMap { $0.isEmpty ? nil : $0 } ?? StationedRole.none.rawValue
        guard let role = StationedRole(rawValue: rawRole),
            role.allowed(at: code.level)
        else { throw AppError.invalidField("stationed_role") }
        let phone = (input.phone ?? "").trimmingCharacters(in: .whitespaces)
        guard phone.isEmpty || PhoneNumber.isValid(phone) else { throw AppError.invalidField("phone") }
        let cipher = phone.isEmpty ? nil : try app.tuopin.protector.encrypt(phone)
        let now = app.tuopin.now(), scope = user.scope
        let id = try await app.write { tx -> RowID<Cadre> in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            // The organisation served in (a work team, the supervision committee …) is one of the unit's own.
            if let org = input.organisation_id {
                guard let o = try await tx.lookup(Organisation.self, org), o.unitCode == code.value, o.active else {
                    throw AppError.invalidField("organisation_id")
                }
            }
            let c = Cadre()
            c.name = name; c.rank = rank.rawValue; c.stationedRole = role.rawValue; c.unitCode = code.value
            c.position = position.rawValue; c.active = true
            c.organisationID = input.organisation_id
            c.phoneCipher = cipher; c.phoneMasked = phone.isEmpty ? nil : PhoneNumber.mask(phone)
            try await c.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "cadre.add", entity: "cadre",
                entityID: String(try c.requireID()),
                after: [
                    "unit": code.value, "name": name, "rank": rank.rawValue, "stationed_role": role.rawValue,
                    "position": position.rawValue,
                ], at: now)
            return try c.requireID()
        }
        // R-20-1 is the county's: a township's new 扶贫专干 is checked from the county.
        await ComplianceService.recheck(app: app, root: code.ancestor(at: .county) ?? code, actor: user.auditActor)
        return id
    }

    struct PrincipalInput: Content { var role: String?; var cadre_id: RowID<Cadre>?; var changed_on: String? }

    /// Makes a cadre of the unit its secretary or head from a date. Refused while the unit is locked
    /// (R-05-1, R-20-2) unless region HQ recorded an exemption for it that no change has used.
    static func changePrincipal(app: Application, user: CurrentUser, unit text: String, input: PrincipalInput)
        async throws -> RowID<PrincipalChange>
    {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        try await authorise(app, user, code)
        guard let role = input.role.flatMap(PrincipalRole.init(rawValue:)) else { throw AppError.invalidField("role") }
        guard let cadreID = input.cadre_id else { throw AppError.missingField("cadre_id") }
        let changed = try FormField.date(input.changed_on, "changed_on")
        let today = app.clock.today, now = app.tuopin.now(), scope = user.scope
        guard changed <= today else { throw AppError.invalidField("changed_on") }
        let id = try await app.write { tx -> RowID<PrincipalChange> in
            let unit = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            guard let cadre = try await tx.lookup(Cadre.self, cadreID), cadre.unitCode == code.value, cadre.active
            else {
                throw AppError.invalidField("cadre_id")
            }
            let current = role == .secretary ? unit.secretaryID : unit.headID
            guard current != cadreID else { throw AppError.conflict }
            let last = try await tx.rows(PrincipalChange.self).filter(\.$unitCode == code.value).filter(\.$role == role)
                .sort(\.$changedOn, .descending).first()
            if let last, let lastDate = CivilDate(iso: last.changedOn.description), changed < lastDate {
                throw AppError.invalidField("changed_on")
            }
            let facts = try await lockFacts(on: tx, unit: unit)
            // Replacing someone in post is an adjustment; a first principal or a vacancy (holder left) is not.
            var replaces = false
            if let current { replaces = try await tx.lookup(Cadre.self, current)?.active == true }
            let rule = LeadershipLock.lockingRule(facts, replacesIncumbent: replaces)
            var exemption: LeadershipExemption?
            if rule != nil {
                let used = try await tx.rows(PrincipalChange.self).filter(\.$unitCode == code.value).filter(
                    \.$exemptionID != nil
                ).all()
                    .compactMap(\.exemptionID)
                exemption = try await tx.rows(LeadershipExemption.self).filter(\.$unitCode == code.value).filter(
                    \.$role == role
                )
                .sort(\.$id).all().first { !used.contains($0.id!) }
            }
            if let refusal = LeadershipLock.refusal(facts, replacesIncumbent: replaces, exempted: exemption != nil) {
                throw AppError.refused(refusal)
            }
            let change = PrincipalChange()
            change.unitCode = code.value; change.role = role; change.fromCadreID = current; change.toCadreID = cadreID
            change.changedOn = changed; change.lockedRule = rule?.rawValue; change.exemptionID = exemption?.id
            change.recordedAt = now
            try await change.save(on: tx)
            if role == .secretary { unit.secretaryID = cadreID } else { unit.headID = cadreID }
            unit.version += 1
            try await unit.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "principal.change", entity: "org_unit", entityID: code.value,
                before: ["role": role.rawValue, "cadre": current.map(String.init) ?? ""],
                after: [
                    "role": role.rawValue, "cadre": String(cadreID), "changed_on": changed.description,
                    "locked_rule": rule?.rawValue ?? "", "exemption": exemption?.documentNo ?? "",
                ], at: now)
            return try change.requireID()
        }
        return id
    }

    struct ExemptionInput: Content { var role: String?; var document_no: String?; var granted_on: String? }

    /// Region HQ's exemption from the lock for one change of a unit's principal. When a change made
    /// while locked is on record without one (from before the lock was kept here), the exemption covers
    /// the earliest such change; otherwise it waits for the next change.
    static func grantExemption(app: Application, user: CurrentUser, unit text: String, input: ExemptionInput)
        async throws -> RowID<LeadershipExemption>
    {
        guard let code = OrgCode(text), code.level == .county || code.level == .township else {
            throw AppError.notFound
        }
        try await authorise(app, user, code, .grantLeadershipExemption)
        guard let role = input.role.flatMap(PrincipalRole.init(rawValue:)) else { throw AppError.invalidField("role") }
        let document = try FormField.text(input.document_no, "document_no", max: 100)
        let granted = try FormField.date(input.granted_on, "granted_on")
        let today = app.clock.today, now = app.tuopin.now(), scope = user.scope
        guard granted <= today else { throw AppError.invalidField("granted_on") }
        let userID = user.id
        let id = try await app.write { tx -> RowID<LeadershipExemption> in
            _ = try await tx.scoped(scope).unit(code, for: .grantLeadershipExemption)
            let e = LeadershipExemption()
            e.unitCode = code.value; e.role = role; e.documentNo = document; e.grantedOn = granted; e.grantedBy = userID
            try await e.save(on: tx)
            let uncovered = try await tx.rows(PrincipalChange.self).filter(\.$unitCode == code.value).filter(
                \.$role == role
            )
            .filter(\.$lockedRule != nil).filter(\.$exemptionID == nil).sort(\.$changedOn).first()
            if let c = uncovered { c.exemptionID = try e.requireID(); try await c.save(on: tx) }
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "principal.exemption", entity: "org_unit", entityID: code.value,
                after: [
                    "role": role.rawValue, "document_no": document, "granted_on": granted.description,
                    "covers_change": uncovered?.id.map(String.init) ?? "",
                ], at: now)
            return try e.requireID()
        }
        await ComplianceService.recheck(app: app, root: code, actor: user.auditActor)
        return id
    }
}

import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Organisations of a unit and the actors of a village (articles 2, 28, 31, 32, 35, 38), kept by
/// whoever keeps the unit's responsibility records. One transaction and audit entry per call; the
/// village is checked again after a change to its leaders.
enum VillageActorsService {
    typealias S = ResponsibilityService

    struct OrganisationInput: Content {
        var name: String?; var type: String?; @EmptyIsNil var sponsor_id: RowID<Organisation>?
    }

    static func addOrganisation(app: Application, user: CurrentUser, unit text: String, input: OrganisationInput)
        async throws -> RowID<Organisation>
    {
        guard let code = OrgCode(text) else { throw AppError.notFound }
        try await S.authorise(app, user, code)
        let name = try FormField.text(input.name, "name", max: 100)
        guard let type = input.type.flatMap(OrganisationType.init(rawValue:)),
            !type.isVillageOnly || code.level == .village
        else {
            throw AppError.invalidField("type")
        }
        let now = app.tuopin.now(), scope = user.scope
        return try await app.write { tx -> RowID<Organisation> in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            // A work team comes from its designated unit (article 35).
            if let sponsor = input.sponsor_id {
                guard type == .workTeam, let s = try await tx.lookup(Organisation.self, sponsor), s.active,
                    let sc = OrgCode(s.unitCode),
                    let sType = OrganisationType(rawValue: s.type),
                    VillageReach.maySendWorkTeam(type: sType, unit: sc, to: code)
                else {
                    throw AppError.invalidField("sponsor_id")
                }
            } else if type == .workTeam {
                throw AppError.missingField("sponsor_id")
            }
            let o = Organisation()
            o.unitCode = code.value; o.name = name; o.type = type.rawValue; o.sponsorID = input.sponsor_id;
            o.active = true
            try await o.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "organisation.add", entity: "org_unit", entityID: code.value,
                after: ["name": name, "type": type.rawValue, "sponsor": input.sponsor_id.map(String.init) ?? ""],
                at: now)
            return try o.requireID()
        }
    }

    /// A cadre leaves their post: no longer counted for 扶贫专干, first secretary or pairing quotas; their pairings
    /// end as "cadre left" (article 37: the households are not dropped — R-37-2 shows each needs a new cadre).
    static func deactivateCadre(app: Application, user: CurrentUser, cadreID: RowID<Cadre>) async throws -> String {
        guard let cadre = try await app.systemData.lookup(Cadre.self, cadreID), let code = OrgCode(cadre.unitCode)
        else { throw AppError.notFound }
        try await S.authorise(app, user, code)
        let now = app.tuopin.now(), scope = user.scope
        try await app.write { tx in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            guard let c = try await tx.lookup(Cadre.self, cadreID), c.active else { throw AppError.conflict }
            let unit = try await tx.lookup(OrgUnit.self, code.value)
            // A principal is replaced first (a dated change), not switched off.
            guard unit?.secretaryID != cadreID, unit?.headID != cadreID else { throw AppError.invalidField("cadre_id") }
            c.active = false
            try await c.save(on: tx)
            let households = try await tx.endPairings(
                ofCadre: cadreID, on: app.clock.today, reason: PairingRule.cadreLeft)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "cadre.deactivate", entity: "cadre", entityID: String(cadreID),
                after: [
                    "unit": code.value, "pairings_ended": households.map { String($0) }.joined(separator: ","),
                ], at: now)
        }
        await ComplianceService.recheck(app: app, root: code.ancestor(at: .county) ?? code, actor: user.auditActor)
        return code.value
    }

    // MARK: Party-member leaders

    struct LeaderInput: Content { var name: String? }

    static func village(_ text: String) throws -> OrgCode {
        guard let code = OrgCode(text), code.level == .village else { throw AppError.notFound }
        return code
    }

    static func addLeader(app: Application, user: CurrentUser, village text: String, input: LeaderInput) async throws
        -> RowID<PartyLeader>
    {
        let code = try village(text)
        try await S.authorise(app, user, code)
        let name = try FormField.text(input.name, "name", max: 40)
        let now = app.tuopin.now(), scope = user.scope
        let id = try await app.write { tx -> RowID<PartyLeader> in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            let l = PartyLeader()
            l.villageCode = code.value; l.name = name; l.active = true
            try await l.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "leader.add", entity: "org_unit", entityID: code.value,
                after: ["leader": String(try l.requireID()), "name": name], at: now)
            return try l.requireID()
        }
        await ComplianceService.recheck(app: app, root: code, actor: user.auditActor)
        return id
    }

    /// The leader, after checking the user keeps its village.
    static func leader(_ app: Application, _ user: CurrentUser, _ id: RowID<PartyLeader>) async throws -> (
        PartyLeader, OrgCode
    ) {
        guard let l = try await app.systemData.lookup(PartyLeader.self, id), let code = OrgCode(l.villageCode) else {
            throw AppError.notFound
        }
        try await S.authorise(app, user, code)
        return (l, code)
    }

    struct LeaderPartInput: Content {
        var name: String?; var started_on: String?
        var held_on: String?; var topic: String?
        var resident_id: String?
        var active: String?
    }

    /// Adds a project (`project`), a training (`training`) or a linked poor person (`beneficiary`,
    /// by resident ID, a member of a registered household of the same county), or ends the leader's
    /// role (`end`).
    static func changeLeader(
        app: Application, user: CurrentUser, leaderID: RowID<PartyLeader>, part: String, input: LeaderPartInput
    )
        async throws -> String
    {
        let (_, code) = try await leader(app, user, leaderID)
        let today = app.clock.today, now = app.tuopin.now(), scope = user.scope
        let protector = app.tuopin.protector
        var after: [String: String] = ["leader": String(leaderID), "part": part]
        switch part {
        case "project":
            let name = try FormField.text(input.name, "name", max: 100)
            let started = try FormField.date(input.started_on, "started_on")
            guard started <= today else { throw AppError.invalidField("started_on") }
            after["name"] = name; after["started_on"] = started.description
        case "training":
            let topic = try FormField.text(input.topic, "topic", max: 100)
            let held = try FormField.date(input.held_on, "held_on")
            guard held <= today else { throw AppError.invalidField("held_on") }
            after["topic"] = topic; after["held_on"] = held.description
        case "beneficiary":
            let text = try FormField.text(input.resident_id, "resident_id", max: 18)
            guard let id = try? ResidentID(text, today: today) else { throw AppError.invalidField("resident_id") }
            after["id_index"] = protector.index(id.value)
        case "end": break
        default: throw AppError.notFound
        }
        let fields = after
        try await app.write { tx in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            guard let l = try await tx.lookup(PartyLeader.self, leaderID), l.active else { throw AppError.conflict }
            switch part {
            case "project":
                let p = LeaderProject()
                p.leaderID = leaderID; p.name = fields["name"]!; p.startedOn = CivilDate(iso: fields["started_on"]!)!
                try await p.save(on: tx)
            case "training":
                let t = LeaderTraining()
                t.leaderID = leaderID; t.topic = fields["topic"]!; t.heldOn = CivilDate(iso: fields["held_on"]!)!
                try await t.save(on: tx)
            case "beneficiary":
                // Only a person the user may see (through the scoped access), of a registered household in the leader's
                // county.
                guard let county = code.ancestor(at: .county),
                    let member = try await tx.rows(Member.self).filter(\.$idHMAC == fields["id_index"]!).join(
                        Household.self, on: \Member.$household.$id == \Household.$id
                    )
                    .filter(.sql(ScopeSQL.within(scope.roots(for: .readRegistry)))).filter(
                        Household.self, \.$countyCode == county.value
                    )
                    .filter(Household.self, \.$status != HouseholdStatus.applicant).first()
                else {
                    throw AppError.invalidField("resident_id")
                }
                guard
                    try await tx.rows(LeaderBeneficiary.self).filter(\.$leaderID == leaderID).filter(
                        \.$memberID == member.requireID()
                    ).count() == 0
                else {
                    throw AppError.conflict
                }
                let b = LeaderBeneficiary()
                b.leaderID = leaderID; b.memberID = try member.requireID()
                try await b.save(on: tx)
            default:
                l.active = false
                try await l.save(on: tx)
            }
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "leader.\(part)", entity: "org_unit", entityID: code.value,
                after: fields, at: now)
        }
        await ComplianceService.recheck(app: app, root: code, actor: user.auditActor)
        return code.value
    }

    // MARK: Joint-household units and enterprise aid

    struct JointUnitInput: Content { var name: String?; var head_number: String?; var member_numbers: String? }

    /// A 双联户 of the village: its head household and its members, by household number (one per line or separated by
    /// spaces or commas).
    static func addJointUnit(app: Application, user: CurrentUser, village text: String, input: JointUnitInput)
        async throws -> RowID<JointUnit>
    {
        let code = try village(text)
        try await S.authorise(app, user, code)
        let name = try FormField.text(input.name, "name", max: 40)
        let head = try FormField.text(input.head_number, "head_number", max: 30)
        let numbers = (input.member_numbers ?? "").split(whereSeparator: { " ,，;\n\r\t".contains($0) }).map(String.init)
        guard numbers.count <= 30 else { throw AppError.invalidField("member_numbers") }
        let now = app.tuopin.now(), scope = user.scope
        return try await app.write { tx -> RowID<JointUnit> in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            let all = Set([head] + numbers)
            let households = try await tx.rows(Household.self).filter(\.$villageCode == code.value).filter(
                \.$number ~~ Array(all)
            ).all()
            guard let headHousehold = households.first(where: { $0.number == head }) else {
                throw AppError.invalidField("head_number")
            }
            guard households.count == all.count else { throw AppError.invalidField("member_numbers") }
            let taken = try await tx.rows(JointUnitMember.self).filter(\.$householdID ~~ households.compactMap(\.id))
                .count()
            guard taken == 0 else { throw AppError.conflict }
            let unit = JointUnit()
            unit.villageCode = code.value; unit.name = name; unit.headHouseholdID = try headHousehold.requireID()
            try await unit.save(on: tx)
            for h in households {
                let m = JointUnitMember()
                m.jointUnitID = try unit.requireID(); m.householdID = try h.requireID()
                try await m.save(on: tx)
            }
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "joint_unit.add", entity: "org_unit", entityID: code.value,
                after: [
                    "name": name, "head": head, "members": households.map(\.number).sorted().joined(separator: " "),
                ], at: now)
            return try unit.requireID()
        }
    }

    struct AidInput: Content { var organisation_id: RowID<Organisation>?; var started_on: String? }

    /// An enterprise's help to the village (article 38): the enterprise is an organisation of type
    /// enterprise recorded in the village's reach (`VillageReach.mayHelp`).
    static func addAid(app: Application, user: CurrentUser, village text: String, input: AidInput) async throws
        -> RowID<EnterpriseAid>
    {
        let code = try village(text)
        try await S.authorise(app, user, code)
        guard let orgID = input.organisation_id else { throw AppError.missingField("organisation_id") }
        let started = try FormField.date(input.started_on, "started_on")
        guard started <= app.clock.today else { throw AppError.invalidField("started_on") }
        let now = app.tuopin.now(), scope = user.scope
        return try await app.write { tx -> RowID<EnterpriseAid> in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            guard let org = try await tx.lookup(Organisation.self, orgID), org.active,
                let type = OrganisationType(rawValue: org.type),
                let unit = OrgCode(org.unitCode), VillageReach.mayHelp(type: type, unit: unit, village: code)
            else {
                throw AppError.invalidField("organisation_id")
            }
            let aid = EnterpriseAid()
            aid.organisationID = orgID; aid.villageCode = code.value; aid.startedOn = started
            try await aid.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "enterprise_aid.add", entity: "org_unit", entityID: code.value,
                after: ["enterprise": org.name, "started_on": started.description], at: now)
            return try aid.requireID()
        }
    }

    struct ContributionInput: Content {
        var contributed_on: String?; var kind: String?; var amount: String?; var description: String?
    }

    static func addContribution(
        app: Application, user: CurrentUser, aidID: RowID<EnterpriseAid>, input: ContributionInput
    ) async throws
        -> String
    {
        guard let aid = try await app.systemData.lookup(EnterpriseAid.self, aidID), let code = OrgCode(aid.villageCode)
        else { throw AppError.notFound }
        try await S.authorise(app, user, code)
        let on = try FormField.date(input.contributed_on, "contributed_on")
        guard on <= app.clock.today, on >= aid.startedOn else { throw AppError.invalidField("contributed_on") }
        guard let kind = input.kind.flatMap(ContributionKind.init(rawValue:)) else {
            throw AppError.invalidField("kind")
        }
        guard let amount = IncomesTemplate.parseYuan(input.amount ?? "0"), amount.fen >= 0,
            amount.fen < 1_000_000_000_000
        else {
            throw AppError.invalidField("amount")
        }
        let description = try FormField.text(input.description, "description", max: 200)
        let now = app.tuopin.now(), scope = user.scope
        try await app.write { tx in
            _ = try await tx.scoped(scope).unit(code, for: .keepResponsibility)
            let c = AidContribution()
            c.aidID = aidID; c.contributedOn = on; c.kind = kind.rawValue; c.amount = amount.fen;
            c.description = description
            try await c.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "enterprise_aid.contribution", entity: "org_unit",
                entityID: code.value,
                after: [
                    "aid": String(aidID), "on": on.description, "kind": kind.rawValue, "amount": amount.description,
                ], at: now)
        }
        return code.value
    }

    // MARK: Facts

}

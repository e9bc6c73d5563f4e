import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// Pairing cadres with households (结对帮扶, article 37). The household must be one the user may
/// change; the cadre must belong to the household's county or a unit above it. Ending a pairing of
/// a household that has not exited is refused (R-37-3, "不脱贫不脱钩"). Each call is one transaction
/// with its audit entry, and the household's subtree is checked again for R-37 afterwards.
enum PairingService {
    struct View: Content {
        let id: RowID<Pairing>; let cadre_id: RowID<Cadre>; let cadre_name: String; let cadre_rank: String;
        let cadre_unit: String
        let started_on: String; let ended_on: String?; let end_reason: String?
    }

    static func pairings(of householdID: RowID<Household>, on db: DataAccess, t: Translations) async throws -> [View] {
        let rows = try await db.rows(Pairing.self).filter(\.$householdID == householdID).sort(\.$id).all()
        let cadres = try await db.rows(Cadre.self).filter(\.$id ~~ rows.map(\.cadreID)).all()
        let byID = Dictionary(uniqueKeysWithValues: cadres.map { ($0.id!, $0) })
        return rows.map { p in
            let c = byID[p.cadreID]
            return View(
                id: p.id!, cadre_id: p.cadreID, cadre_name: c?.name ?? "",
                cadre_rank: c.map { $0.rankLabel(t) } ?? "",
                cadre_unit: c?.unitCode ?? "", started_on: p.startedOn.description, ended_on: p.endedOn?.description,
                end_reason: p.endReason == PairingRule.cadreLeft ? t["pairing_end_cadre_left"] : p.endReason)
        }
    }

    /// The active cadres who may be paired with a household of `village` (`PairingRule.cadreMayPair`);
    /// the query only narrows the rows to the village's lineage and county.
    static func candidates(for village: OrgCode, on db: DataAccess) async throws -> [Cadre] {
        guard let county = village.ancestor(at: .county) else { return [] }
        return try await db.rows(Cadre.self).filter(\.$active == true)
            .group(.or) { g in
                g.filter(\.$unitCode ~~ county.lineage.map(\.value))
                g.filter(\.$unitCode, .custom("LIKE"), county.value + "%")
            }
            .sort(\.$unitCode).sort(\.$id).all()
            .filter { c in
                OrgCode(c.unitCode).map { PairingRule.cadreMayPair(cadreUnit: $0, householdVillage: village) } ?? false
            }
    }

    static func pair(
        app: Application, user: CurrentUser, householdID: RowID<Household>, cadreID: RowID<Cadre>,
        startedOn text: String
    )
        async throws -> RowID<Pairing>
    {
        guard let started = CivilDate(iso: text.trimmingCharacters(in: .whitespaces)) else {
            throw AppError.invalidField("started_on")
        }
        guard started <= app.clock.today else { throw AppError.invalidField("started_on") }
        let now = app.tuopin.now()
        let scope = user.scope
        let id = try await app.write { tx -> RowID<Pairing> in
            let h = try await tx.scoped(scope).writableHousehold(id: householdID)
            guard let village = OrgCode(h.villageCode) else { throw AppError.corruptData }
            guard let cadre = try await tx.lookup(Cadre.self, cadreID), cadre.active,
                let unit = OrgCode(cadre.unitCode),
                PairingRule.cadreMayPair(cadreUnit: unit, householdVillage: village)
            else { throw AppError.invalidField("cadre_id") }
            let live = try await tx.rows(Pairing.self).filter(\.$householdID == householdID).filter(
                \.$cadreID == cadreID
            )
            .filter(\.$endedOn == nil).count()
            guard live == 0 else { throw AppError.conflict }
            let p = Pairing()
            p.cadreID = cadreID; p.householdID = householdID; p.startedOn = started
            try await p.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "pairing.start", entity: "household",
                entityID: String(householdID),
                after: ["cadre": String(cadreID), "started_on": started.description], at: now)
            return try p.requireID()
        }
        if let county = try await app.systemData.lookup(Household.self, householdID).flatMap({ OrgCode($0.countyCode) })
        {
            await ComplianceService.recheck(app: app, root: county, actor: user.auditActor)
        }
        return id
    }

    static func end(
        app: Application, user: CurrentUser, pairingID: RowID<Pairing>, endedOn text: String, reason rawReason: String
    )
        async throws -> RowID<Household>
    {
        guard let ended = CivilDate(iso: text.trimmingCharacters(in: .whitespaces)), ended <= app.clock.today else {
            throw AppError.invalidField("ended_on")
        }
        let reason = rawReason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 200 else { throw AppError.missingField("end_reason") }
        let now = app.tuopin.now()
        let scope = user.scope
        let householdID = try await app.write { tx -> RowID<Household> in
            guard let p = try await tx.lookup(Pairing.self, pairingID) else { throw AppError.notFound }
            let h = try await tx.scoped(scope).writableHousehold(id: p.householdID)
            guard p.endedOn == nil else { throw AppError.conflict }
            let status = h.status
            if let refusal = PairingRule.endRefusal(householdStatus: status) { throw AppError.refused(refusal) }
            guard let started = CivilDate(iso: p.startedOn.description), ended >= started else {
                throw AppError.invalidField("ended_on")
            }
            p.endedOn = ended; p.endReason = reason
            try await p.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "pairing.end", entity: "household",
                entityID: String(p.householdID),
                after: ["pairing": String(pairingID), "ended_on": ended.description, "reason": reason], at: now)
            return p.householdID
        }
        if let county = try await app.systemData.lookup(Household.self, householdID).flatMap({ OrgCode($0.countyCode) })
        {
            await ComplianceService.recheck(app: app, root: county, actor: user.auditActor)
        }
        return householdID
    }

    // MARK: The assignment helper

    struct ProposalView: Content {
        let household_id: RowID<Household>; let number: String; let village: String
        let cadre_id: RowID<Cadre>; let cadre_name: String; let cadre_rank: String; let cadre_unit: String
    }

    static let proposalLimit = 300

    /// Proposals for the unpaired poor households under `unit` (at most 300 at a time), from the
    /// active cadres of each household's county and the units above it who are under their quota.
    static func proposals(for unit: OrgCode, on db: DataAccess, t: Translations) async throws -> [ProposalView] {
        guard unit.level >= .county, let county = unit.ancestor(at: .county) else { return [] }
        let poor = HouseholdStatus.allCases.filter(\.isRemainingPoor)
        let unpaired = try await db.rows(Household.self).filter(.sql(ScopeSQL.within([unit])))
            .filter(\.$status ~~ poor)
            .filter(
                .sql(
                    SQLRaw(
                        "NOT EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = households.id AND p.ended_on IS "
                            + "NULL)"
                    ))
            )
            .sort(\.$villageCode).sort(\.$id).limit(proposalLimit).all()
        guard !unpaired.isEmpty else { return [] }
        let cadres = try await candidates(for: OrgCode(unpaired[0].villageCode)!, on: db)
        let counts = try await db.activePairingCounts(of: cadres.compactMap(\.id))
        let facts = cadres.compactMap { c -> ComplianceFacts.Cadre? in
            guard let rank = CadreRank(rawValue: c.rank), let u = OrgCode(c.unitCode),
                u.isSelfOrDescendant(of: county) || county.isSelfOrDescendant(of: u)
            else { return nil }
            return .init(
                id: c.id!.rawValue, rank: rank, role: StationedRole(rawValue: c.stationedRole) ?? .none, unit: u,
                active: c.active, activePairings: counts[c.id!] ?? 0)
        }
        let proposed = PairingRule.propose(
            unpaired: unpaired.compactMap { h in OrgCode(h.villageCode).map { (h.id!.rawValue, $0) } },
            cadres: facts, quotas: try await quotas(on: db))
        let households = Dictionary(uniqueKeysWithValues: unpaired.map { ($0.id!.rawValue, $0) })
        let byID = Dictionary(uniqueKeysWithValues: cadres.map { ($0.id!.rawValue, $0) })
        return proposed.compactMap { p in
            guard let h = households[p.household], let c = byID[p.cadre] else { return nil }
            return ProposalView(
                household_id: RowID(p.household), number: h.number, village: h.villageCode, cadre_id: RowID(p.cadre),
                cadre_name: c.name,
                cadre_rank: c.rankLabel(t), cadre_unit: c.unitCode)
        }
    }

    /// Pairs the chosen proposals from today, in one transaction with an audit entry for each; each
    /// household must be one the user may change and each cadre one who may pair with it.
    static func apply(app: Application, user: CurrentUser, pairs: [(household: RowID<Household>, cadre: RowID<Cadre>)])
        async throws -> Int
    {
        guard !pairs.isEmpty else { throw AppError.missingField("pair") }
        guard pairs.count <= proposalLimit else { throw AppError.invalidField("pair") }
        let today = app.clock.today, now = app.tuopin.now(), scope = user.scope
        let counties = try await app.write { tx -> Set<String> in
            let access = tx.scoped(scope)
            var counties = Set<String>()
            for (householdID, cadreID) in pairs {
                let h = try await access.writableHousehold(id: householdID)
                guard let village = OrgCode(h.villageCode), let cadre = try await tx.lookup(Cadre.self, cadreID),
                    cadre.active,
                    let unit = OrgCode(cadre.unitCode),
                    PairingRule.cadreMayPair(cadreUnit: unit, householdVillage: village)
                else {
                    throw AppError.invalidField("pair")
                }
                guard
                    try await tx.rows(Pairing.self).filter(\.$householdID == householdID).filter(\.$cadreID == cadreID)
                        .filter(\.$endedOn == nil).count() == 0
                else { throw AppError.conflict }
                let p = Pairing()
                p.cadreID = cadreID; p.householdID = householdID; p.startedOn = today
                try await p.save(on: tx)
                try await AuditLog.append(
                    on: tx, actor: user.auditActor, action: "pairing.start", entity: "household",
                    entityID: String(householdID),
                    after: ["cadre": String(cadreID), "started_on": today.description, "via": "proposal"], at: now)
                counties.insert(h.countyCode)
            }
            return counties
        }
        for county in counties.sorted() {
            if let code = OrgCode(county) {
                await ComplianceService.recheck(app: app, root: code, actor: user.auditActor)
            }
        }
        return pairs.count
    }

    // MARK: Quotas

    /// The quotas region HQ has set (article 37's numbers until changed).
    static func quotas(on db: DataAccess) async throws -> PairingQuota {
        var byGroup = PairingQuota().byGroup
        for r in try await db.rows(PairingQuotaRecord.self).all() {
            if let group = r.id.flatMap(QuotaGroup.init(rawValue:)) { byGroup[group] = r.households }
        }
        return PairingQuota(byGroup: byGroup)
    }

    struct QuotaInput: Content { var households: Int?; var version: Int? }

    /// Region HQ changes a group's quota (a rank or a stationed role); the whole region is checked again.
    static func setQuota(app: Application, user: CurrentUser, rank raw: String, input: QuotaInput) async throws {
        guard let rank = QuotaGroup(rawValue: raw) else { throw AppError.notFound }
        guard user.scope.has(.editStandards) else { throw AppError.forbidden }
        guard let n = input.households else { throw AppError.missingField("households") }
        // Article 37's numbers are floors: region HQ may ask more of a rank, never less.
        if let field = PairingQuota.problem(households: n, for: rank) { throw AppError.invalidField(field) }
        let now = app.tuopin.now()
        try await app.write { tx in
            let row =
                try await tx.lookup(PairingQuotaRecord.self, rank.rawValue)
                ?? {
                    let r = PairingQuotaRecord(); r.id = rank.rawValue; r.households = 0; r.version = 0; return r
                }()
            if let v = input.version, v != row.version { throw AppError.conflict }
            let before = ["households": String(row.households)]
            row.households = n; row.version += 1
            try await row.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "pairing_quota.set", entity: "cadre_rank",
                entityID: rank.rawValue,
                before: before, after: ["households": String(n)], at: now)
        }
        await ComplianceService.recheck(app: app, root: OrgCode("54")!, actor: user.auditActor)
    }
}

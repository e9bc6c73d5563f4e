import Foundation
import TuopinCore

/// Writes a members import's households a round at a time inside the import's transaction: new
/// households inserted, registered ones updated (their people were removed before the first round),
/// every person encrypted with its index, one audit entry per household, data quality rechecked.
struct RoundWriter {
    let tx: DataAccess
    let actor: ExchangeActor
    let protector: DataProtector
    let today: CivilDate
    let now: Date
    let existing: [String: (id: RowID<Household>, village: String)]
    private(set) var created = 0
    private(set) var updated = 0

    init(
        tx: DataAccess, actor: ExchangeActor, protector: DataProtector, today: CivilDate, now: Date,
        existing: [String: (id: RowID<Household>, village: String)]
    ) {
        self.tx = tx; self.actor = actor; self.protector = protector; self.today = today; self.now = now
        self.existing = existing
    }

    private var standards: [Int: Standard]?

    /// The findings of households new to the registry, from the records in memory (issue #27 item 3).
    private mutating func recheck(_ households: [MembersTemplate.HouseholdRecord], ids: [String: RowID<Household>])
        async throws
    {
        guard !households.isEmpty else { return }
        if standards == nil { standards = try await StandardsController.lookup(on: tx) }
        let lines = standards ?? [:]
        var results: [RowID<Household>: [QualityProblem]] = [:]
        let subjects = households.map { h in
            let id = ids[h.number]!
            let facts = HouseholdFacts(
                status: h.status,
                members: h.members.map { m in
                    MemberFacts(
                        name: m.name, residentID: m.residentID.value, relation: m.relation, sex: m.residentID.sex,
                        birthDate: ResidentID.birthDate(of: m.residentID.value), education: m.education)
                }, hasCurrentPlan: false)
            results[id] = DataQuality.check(facts, today: today, povertyLine: { lines[$0]?.povertyLine })
            return QualityService.Subject(id: id, status: h.status.rawValue, village: h.village, version: 1)
        }
        try await tx.replaceQualityFindings(of: subjects, with: results)
    }

    mutating func write(_ households: [MembersTemplate.HouseholdRecord]) async throws {
        guard !households.isEmpty else { return }
        let registered = households.filter { existing[$0.number] != nil }
        let old = try await RegistryImport.households(numbers: registered.map(\.number), on: tx)
        try await RegistryImport.updateRegistered(registered, existing: old, on: tx, protector: protector)
        try await tx.insertImported(
            households: try households.filter { existing[$0.number] == nil }.map { h in
                RegistryImport.householdValues(h, phoneCipher: try h.phone.map { try protector.encrypt($0) })
                    + [1, h.members.count] as [any Encodable & Sendable]
            })
        let ids = try await RegistryImport.registeredHouseholds(numbers: households.map(\.number), on: tx)
            .mapValues(\.id)
        var rows: [[any Encodable & Sendable]] = []
        var audit: [AuditLog.Pending] = []
        for h in households {
            let id = ids[h.number]!
            for m in h.members {
                let value = m.residentID.value
                rows.append([
                    id, m.name, m.relation.rawValue, try protector.encrypt(value), protector.index(value),
                    m.residentID.masked, m.residentID.sex.rawValue, m.ethnicity.rawValue, m.education.rawValue,
                    m.schooling.rawValue, m.health.rawValue, m.disabilityGrade, m.labour.rawValue, m.migrantMonths,
                ])
            }
            audit.append(
                try old[h.number].map {
                    try .init(
                        action: "household.import_update", entity: "household", entityID: String(id),
                        before: $0.snapshot, after: RegistryImport.Snapshot(h))
                }
                    ?? .init(
                        action: "household.import_create", entity: "household", entityID: String(id),
                        after: RegistryImport.Snapshot(h)))
        }
        try await tx.insertImported(members: rows)
        try await AuditLog.appendAll(on: tx, actor: actor.audit, entries: audit, at: now)
        // Data quality: a new household is checked on the records in memory (it has no incomes,
        // guarantees or plans yet, and its people were checked against the registry's index in the
        // first pass); a registered one is read back, with what it already had.
        try await recheck(households.filter { existing[$0.number] == nil }, ids: ids)
        try await RegistryImport.recheck(
            numbers: registered.map(\.number), on: tx, protector: protector, today: today)
        created += households.count - registered.count
        updated += registered.count
    }
}

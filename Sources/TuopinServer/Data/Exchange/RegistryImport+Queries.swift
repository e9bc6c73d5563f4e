import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `RegistryImport` (the data layer, issue #23).
extension RegistryImport {
    /// Every save re-checks data quality for what it wrote, in the same transaction.
    static func recheck(numbers: [String], on tx: DataAccess, protector: DataProtector, today: CivilDate) async throws {
        for chunk in numbers.chunked(1_000) {
            let households = try await tx.sqlDatabase.select().columns(QualityService.Subject.columns).from(
                Household.schema
            )
            .where("number", .in, SQLBind.group(Array(chunk))).all(decoding: QualityService.Subject.self)
            _ = try await QualityService.recheck(households, on: tx, protector: protector, today: today)
        }
    }

    static func householdValues(_ h: MembersTemplate.HouseholdRecord, phoneCipher: String?) -> [any Encodable
        & Sendable]
    {
        let v = h.village
        return [
            h.number, v.value, v.ancestor(at: .township)!.value, v.ancestor(at: .county)!.value,
            v.ancestor(at: .prefecture)!.value, h.attribute.rawValue, h.mainCause.rawValue,
            h.otherCauses.map(\.rawValue).joined(separator: ";"), h.identifiedYear, h.status.rawValue, h.exitYear,
            phoneCipher, h.phone.map(PhoneNumber.mask),
        ]
    }

    static func households(numbers: [String], on db: DataAccess) async throws -> [String: ExistingHousehold] {
        var out: [String: ExistingHousehold] = [:]
        for chunk in numbers.chunked(1_000) {
            let rows = try await db.rows(Household.self).filter(\.$number ~~ Array(chunk)).all()
            for h in rows {
                out[h.number] = ExistingHousehold(
                    id: h.id!, number: h.number, village: h.villageCode, version: h.version,
                    attribute: h.attribute.rawValue, mainCause: h.mainCause.rawValue, otherCauses: h.otherCauses,
                    identifiedYear: h.identifiedYear, status: h.status.rawValue, exitYear: h.exitYear)
            }
        }
        return out
    }

    static func existingVillages(_ codes: [String], on db: DataAccess) async throws -> Set<String> {
        var out = Set<String>()
        for chunk in codes.chunked(1_000) {
            let units = try await db.rows(OrgUnit.self).filter(\.$id ~~ Array(chunk)).filter(
                \.$level == OrgLevel.village.rawValue
            ).all()
            out.formUnion(units.compactMap(\.id))
        }
        return out
    }

    /// id_hmac → the number of the household the person is registered in.
    /// The household (number and village) each person of `hmacs` is registered in.
    static func memberOwners(_ hmacs: [String], on db: DataAccess) async throws -> [String: (
        number: String, village: String
    )] {
        var out: [String: (number: String, village: String)] = [:]
        struct Row: Decodable { let id_hmac: String; let number: String; let village_code: String }
        for chunk in hmacs.chunked(1_000) {
            let rows = try await db.sqlDatabase.select().column(SQLColumn("id_hmac", table: "members"))
                .column(SQLColumn("number", table: "households")).column(SQLColumn("village_code", table: "households"))
                .from(Member.schema).join(
                    Household.schema, on: SQLColumn("household_id", table: "members"), .equal,
                    SQLColumn("id", table: "households")
                )
                .where(SQLColumn("id_hmac", table: "members"), .in, SQLBind.group(Array(chunk))).all(decoding: Row.self)
            for r in rows { out[r.id_hmac] = (r.number, r.village_code) }
        }
        return out
    }

    /// Household number → id and village, of those of `numbers` already registered (the first pass
    /// asks it of the file; each round, of the households it has just written).
    static func registeredHouseholds(numbers: [String], on db: DataAccess) async throws -> [String: (
        id: RowID<Household>, village: String
    )] {
        struct Row: Decodable { let id: RowID<Household>; let number: String; let village_code: String }
        var out: [String: (id: RowID<Household>, village: String)] = [:]
        for chunk in numbers.chunked(1_000) {
            for row in try await db.sqlDatabase.select().columns("id", "number", "village_code").from(Household.schema)
                .where("number", .in, SQLBind.group(Array(chunk))).all(decoding: Row.self)
            {
                out[row.number] = (row.id, row.village_code)
            }
        }
        return out
    }

    /// Registered households' rows rewritten from the file (their people are removed before the
    /// first round: `DataAccess.deleteMembers(ofHouseholds:)`).
    static func updateRegistered(
        _ households: [MembersTemplate.HouseholdRecord], existing: [String: ExistingHousehold],
        on tx: DataAccess, protector: DataProtector
    ) async throws {
        let sql = tx.sqlDatabase
        for h in households {
            guard let old = existing[h.number] else { continue }
            var update = sql.update(Household.schema)
            let phone = try h.phone.map { try protector.encrypt($0) }
            for (column, value) in zip(updateColumns, householdValues(h, phoneCipher: phone)) {
                update = update.set(SQLColumn(column), to: SQLBind(value))
            }
            try await update.set(SQLColumn("member_count"), to: SQLBind(h.members.count))
                .set(SQLColumn("version"), to: SQLBind(old.version + 1))
                .where("id", .equal, SQLBind(old.id)).run()
        }
    }
}

/// The bulk writes of an import, inside its transaction.
extension DataAccess {
    /// New households, with the import's columns (`RegistryImport.insertColumns`).
    func insertImported(households rows: [[any Encodable & Sendable]]) async throws {
        try await sqlDatabase.bulkInsert(into: Household.schema, columns: RegistryImport.insertColumns, rows: rows)
    }

    /// Removes the people of `households` (an import rewrites registered households whole).
    func deleteMembers(ofHouseholds households: [RowID<Household>]) async throws {
        for chunk in households.sorted().chunked(1_000) {
            try await sqlDatabase.delete(from: Member.schema).where("household_id", .in, SQLBind.group(Array(chunk)))
                .run()
        }
    }

    /// Members, with the import's columns (`RegistryImport.memberColumns`).
    func insertImported(members rows: [[any Encodable & Sendable]]) async throws {
        try await sqlDatabase.bulkInsert(into: Member.schema, columns: RegistryImport.memberColumns, rows: rows)
    }

    /// Removes the incomes of `year` of `households` (an imported year replaces the stored one).
    func deleteIncomes(year: Int, households: [RowID<Household>]) async throws {
        try await sqlDatabase.delete(from: IncomeRecord.schema).where("year", .equal, SQLBind(year))
            .where("household_id", .in, SQLBind.group(households)).run()
    }

    /// Incomes: household id, year, wage, business, property, transfer, costs (fen).
    func insertIncomes(_ rows: [[any Encodable & Sendable]]) async throws {
        try await sqlDatabase.bulkInsert(
            into: IncomeRecord.schema,
            columns: ["household_id", "year", "wage", "business", "property", "transfer", "costs"], rows: rows)
    }
}

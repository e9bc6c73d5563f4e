import Fluent
import Foundation
import TuopinCore
import Vapor

/// A household's members: one joins, one's details change, one leaves, another becomes the head.
extension RegistryService {
    static func updateMember(
        app: Application, user: CurrentUser, memberID: RowID<Member>, version: Int, input: MemberInput
    )
        async throws
    {
        guard let member = try await app.systemData.lookup(Member.self, memberID) else { throw AppError.notFound }
        func check<T: OfficialValue>(_ value: String?, _ type: T.Type, _ field: String) throws -> String? {
            guard let value else { return nil }
            guard T(rawValue: value) != nil else { throw AppError.invalidField(field) }
            return value
        }
        let ethnicity = try check(input.ethnicity, Ethnicity.self, "ethnicity")
        let education = try check(input.education, Education.self, "education")
        let schooling = try check(input.schooling, Schooling.self, "schooling")
        let health = try check(input.health, Health.self, "health")
        let labour = try check(input.labour, LabourAbility.self, "labour")
        if let g = input.disability_grade, !(1...4).contains(g) { throw AppError.invalidField("disability_grade") }
        if let m = input.migrant_months, !(0...12).contains(m) { throw AppError.invalidField("migrant_months") }
        try await change(
            app: app, user: user, householdID: member.$household.id, version: version, action: "member.update"
        ) { tx, _ in
            guard let m = try await tx.lookup(Member.self, memberID) else { throw AppError.notFound }
            struct S: Encodable, Sendable {
                let ethnicity, education, schooling, health, labour: String; let disability_grade: Int?;
                let migrant_months: Int
                let medical_insurance, serious_illness_insurance, pension_insurance, dibao, tekun: Bool
            }
            func snapshot() -> S {
                S(
                    ethnicity: m.ethnicity, education: m.education, schooling: m.schooling, health: m.health,
                    labour: m.labour,
                    disability_grade: m.disabilityGrade, migrant_months: m.migrantMonths,
                    medical_insurance: m.medicalInsurance,
                    serious_illness_insurance: m.seriousIllnessInsurance, pension_insurance: m.pensionInsurance,
                    dibao: m.dibao, tekun: m.tekun)
            }
            let before = snapshot()
            if let ethnicity { m.ethnicity = ethnicity }
            if let education { m.education = education }
            if let schooling { m.schooling = schooling }
            if let health { m.health = health; if health != Health.disabled.rawValue { m.disabilityGrade = nil } }
            if let g = input.disability_grade { m.disabilityGrade = g }
            if let labour { m.labour = labour }
            if let months = input.migrant_months { m.migrantMonths = months }
            if let v = input.medical_insurance { m.medicalInsurance = v }
            if let v = input.serious_illness_insurance { m.seriousIllnessInsurance = v }
            if let v = input.pension_insurance { m.pensionInsurance = v }
            if let v = input.dibao { m.dibao = v }
            if let v = input.tekun { m.tekun = v }
            try await m.save(on: tx)
            return (before, snapshot())
        }
    }

    struct NewMemberInput: Content {
        let name: String; let resident_id: String; let relation: String; let ethnicity: String; let education: String
        let schooling: String; let health: String; let disability_grade: Int?; let labour: String;
        let migrant_months: Int
    }

    /// A person joins a household (birth, marriage, return). The ID number is checked like an
    /// import's, and a person registered in any household is refused.
    static func addMember(
        app: Application, user: CurrentUser, householdID: RowID<Household>, version: Int, input: NewMemberInput
    )
        async throws
    {
        let today = app.clock.today
        guard let name = PersonName.validated(input.name) else { throw AppError.invalidField("name") }
        guard let id = try? ResidentID(input.resident_id, today: today) else {
            throw AppError.invalidField("resident_id")
        }
        guard let relation = Relation(rawValue: input.relation), relation != .head else {
            throw AppError.invalidField("relation")
        }
        for (value, field, valid) in [
            (input.ethnicity, "ethnicity", Ethnicity(rawValue: input.ethnicity) != nil),
            (input.education, "education", Education(rawValue: input.education) != nil),
            (input.schooling, "schooling", Schooling(rawValue: input.schooling) != nil),
            (input.health, "health", Health(rawValue: input.health) != nil),
            (input.labour, "labour", LabourAbility(rawValue: input.labour) != nil),
        ] where !valid {
            _ = value
            throw AppError.invalidField(field)
        }
        guard (0...12).contains(input.migrant_months) else { throw AppError.invalidField("migrant_months") }
        if let g = input.disability_grade, !(1...4).contains(g) { throw AppError.invalidField("disability_grade") }
        let protector = app.tuopin.protector
        let hmac = protector.index(id.value)
        let cipher = try protector.encrypt(id.value)
        try await change(app: app, user: user, householdID: householdID, version: version, action: "member.add") {
            tx, h in
            guard try await tx.rows(Member.self).filter(\.$idHMAC == hmac).count() == 0 else {
                throw AppError.invalidField("resident_id")
            }
            let m = Member()
            m.$household.id = householdID; m.name = name; m.relation = relation; m.idCipher = cipher; m.idHMAC = hmac
            m.idMasked = id.masked; m.sex = id.sex.rawValue; m.ethnicity = input.ethnicity
            m.education = input.education; m.schooling = input.schooling; m.health = input.health
            m.disabilityGrade = input.health == Health.disabled.rawValue ? input.disability_grade : nil
            m.labour = input.labour; m.migrantMonths = input.migrant_months; m.medicalInsurance = true
            m.seriousIllnessInsurance = true; m.pensionInsurance = false; m.dibao = h.attribute == .dibao
            m.tekun = false
            try await m.create(on: tx)
            try await tx.adjustMemberCount(householdID: householdID, by: 1)
            struct Added: Encodable, Sendable { let member: String; let relation: String }
            return (nil, Added(member: "\(name) \(id.masked)", relation: relation.rawValue))
        }
    }

    /// A person leaves the household (death, marriage out, moving away). The head cannot be removed.
    static func removeMember(app: Application, user: CurrentUser, memberID: RowID<Member>, version: Int, reason: String)
        async throws
    {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 200 else { throw AppError.invalidField("reason") }
        guard let member = try await app.systemData.lookup(Member.self, memberID) else { throw AppError.notFound }
        // The head stays: the household's state forbids it (409), the request itself is well formed.
        guard member.relation != .head else { throw AppError.headOfHousehold }
        try await change(
            app: app, user: user, householdID: member.$household.id, version: version, action: "member.remove"
        ) { tx, _ in
            guard let m = try await tx.lookup(Member.self, memberID) else { throw AppError.notFound }
            struct Removed: Encodable, Sendable { let member: String; let relation: String; let reason: String }
            let before = Removed(member: "\(m.name) \(m.idMasked)", relation: m.relation.rawValue, reason: reason)
            try await m.delete(on: tx)
            try await tx.adjustMemberCount(householdID: m.$household.id, by: -1)
            return (before, ["reason": reason])
        }
    }

    /// Another member becomes the head of the household (the head died, moved away or handed over);
    /// the former head keeps a place in the household under `formerHeadRelation` (spouse, parent …).
    static func makeHead(
        app: Application, user: CurrentUser, memberID: RowID<Member>, version: Int, formerHeadRelation: String
    ) async throws {
        guard let relation = Relation(rawValue: formerHeadRelation), relation != .head else {
            throw AppError.invalidField("former_head_relation")
        }
        guard let member = try await app.systemData.lookup(Member.self, memberID) else { throw AppError.notFound }
        guard member.relation != .head else { throw AppError.invalidField("member") }
        try await change(
            app: app, user: user, householdID: member.$household.id, version: version, action: "member.head"
        ) { tx, h in
            guard let m = try await tx.lookup(Member.self, memberID) else { throw AppError.notFound }
            let heads = try await tx.rows(Member.self).filter(\.$household.$id == h.requireID())
                .filter(\.$relation == .head).all()
            struct Head: Encodable, Sendable { let head: String; let former_head: String; let former_relation: String }
            for old in heads {
                old.relation = relation
                try await old.save(on: tx)
            }
            let before = Head(
                head: heads.first.map { "\($0.name) \($0.idMasked)" } ?? "", former_head: "", former_relation: "")
            m.relation = .head
            try await m.save(on: tx)
            return (
                before,
                Head(
                    head: "\(m.name) \(m.idMasked)", former_head: heads.first.map { "\($0.name) \($0.idMasked)" } ?? "",
                    former_relation: relation.rawValue)
            )
        }
    }
}

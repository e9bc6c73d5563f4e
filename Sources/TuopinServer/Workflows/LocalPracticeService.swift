import Fluent
import TuopinCore
import Vapor

/// The local-practice numbers (地方实践) the rules read: read by everyone who reads the standards,
/// changed only by region HQ within each number's bounds, versioned and audited.
enum LocalPracticeService {
    /// The numbers in force (region HQ's where set, the shipped ones elsewhere) and each stored version (0: never set),
    /// from one read.
    typealias Stored = (practice: LocalPractice, versions: [LocalPractice.Key: Int])
    static func stored(on db: DataAccess) async throws -> Stored {
        var values: [LocalPractice.Key: Int] = [:], versions: [LocalPractice.Key: Int] = [:]
        for r in try await db.rows(LocalPracticeRecord.self).all() {
            guard let key = r.id.flatMap(LocalPractice.Key.init(rawValue:)) else { continue }
            values[key] = r.value; versions[key] = r.version
        }
        return (LocalPractice(values: values), versions)
    }

    static func load(on db: DataAccess) async throws -> LocalPractice { try await stored(on: db).practice }

    /// What a form or JSON sends: the value as typed (a month-day as "04-01", a flag as 0/1) and the version seen.
    struct Input: Content { var value: String?; var version: Int? }

    /// The typed value of `key`, or the field's refusal.
    static func parse(_ text: String?, for key: LocalPractice.Key) throws -> Int {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            throw AppError.missingField(key.rawValue)
        }
        let value: Int? =
            switch key.kind {
            case .monthDay: LocalPractice.parseMonthDay(text)
            case .yuan: IncomesTemplate.parseYuan(text).flatMap { $0.fen % 100 == 0 ? Int($0.fen / 100) : nil }
            default: Int(text)
            }
        guard let value, key.problem(value) == nil else { throw AppError.invalidField(key.rawValue) }
        return value
    }

    /// Region HQ sets one number; the whole region is checked again (the rules read it).
    static func set(app: Application, user: CurrentUser, key raw: String, input: Input) async throws {
        guard let key = LocalPractice.Key(rawValue: raw) else { throw AppError.notFound }
        guard user.scope.has(.editStandards) else { throw AppError.forbidden }
        let value = try parse(input.value, for: key)
        let now = app.tuopin.now()
        try await app.write { tx in
            let existing = try await tx.lookup(LocalPracticeRecord.self, key.rawValue)
            if let v = input.version, v != (existing?.version ?? 0) { throw AppError.conflict }
            let row =
                existing
                ?? {
                    let r = LocalPracticeRecord(); r.id = key.rawValue; r.value = key.defaultValue; r.version = 0
                    return r
                }()
            let before = ["value": String(row.value)]
            row.value = value; row.version += 1
            try await row.save(on: tx)
            try await AuditLog.append(
                on: tx, actor: user.auditActor, action: "local_practice.set", entity: "local_practice",
                entityID: key.rawValue, before: before, after: ["value": String(value)], at: now)
        }
        await ComplianceService.recheck(app: app, root: OrgCode("54")!, actor: user.auditActor)
    }
}

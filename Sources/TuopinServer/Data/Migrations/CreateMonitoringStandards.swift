import Fluent
import TuopinCore

/// The yearly monitoring standards (issue #26), with the mechanism's first year, 2021, shipped at the
/// national guidance's floor (1.5 × 2020's line) and Tuopin's starting thresholds; region HQ adds later years.
struct CreateMonitoringStandards: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(MonitoringStandardRecord.schema)
            .field("year", .int, .identifier(auto: false))
            .field("income_line", .int64, .required)
            .field("medical_threshold", .int64, .required)
            .field("education_threshold", .int64, .required)
            .field("loss_threshold", .int64, .required)
            .field("is_default", .bool, .required)
            .field("version", .int, .required)
            .create()
        let record = MonitoringStandardRecord()
        record.id = 2021
        record.apply(
            MonitoringStandard.starting(year: 2021, povertyLine2020: PovertyLineDefaults.line(for: 2020)!))
        record.isDefault = true
        record.version = 1
        try await record.create(on: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(MonitoringStandardRecord.schema).delete() }
}

import Fluent

/// Households entered to apply for identification were stored with the status `monitored` (监测对象),
/// which is the dynamic-monitoring mechanism's word for something else (issue #26): they become
/// `applicant` (申请识别). The roll-ups follow through their triggers.
struct SeparateApplicants: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.ddl("UPDATE households SET status = 'applicant' WHERE status = 'monitored'")
    }

    func revert(on db: any Database) async throws {
        try await db.ddl("UPDATE households SET status = 'monitored' WHERE status = 'applicant'")
    }
}

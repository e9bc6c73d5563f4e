import Fluent
import SQLKit
import TuopinCore

/// The notices that concern a village (article 30: the village supervision committee watches its money and
/// projects) — public notices, so read without the reader's scope.
extension DataAccess {
    /// The units a notice concerns: its own unit, and for a fund disclosure the units its allocations go to and
    /// the sites of the projects they fund.
    func unitsConcerned(byNotice notice: Notice) async throws -> [OrgCode] {
        var codes = [notice.unitCode]
        if notice.workflow == Workflows.fundDisclosure.id, let id = notice.id {
            let entries = try await rows(FundEntryRecord.self).filter(\.$noticeID == id).all()
            codes += entries.map(\.toUnit)
            let projects: [RowID<ProjectRecord>] = Array(Set(entries.compactMap(\.projectID)))
            if !projects.isEmpty {
                codes += try await rows(ProjectRecord.self).filter(\.$id ~~ projects).all().map(\.siteCode)
            }
        }
        return Set(codes).sorted().compactMap { OrgCode($0) }
    }

    /// Notices about a village, newest first: its own (cases of its households, its exit, projects sited in it)
    /// and the fund disclosures of any unit that allocate to it or to a project sited in it.
    func notices(concerningVillage village: OrgCode, limit: Int = 50) async throws -> [Notice] {
        let sql = sqlDatabase
        struct Row: Decodable { let notice_id: Int? }
        let funded = try await sql.raw(
            """
            SELECT DISTINCT e.notice_id FROM fund_entries e WHERE e.notice_id IS NOT NULL AND (e.to_unit = \
            \(bind: village.value) OR e.project_id IN (SELECT p.id FROM projects p WHERE p.site_code = \
            \(bind: village.value)))
            """
        ).all(decoding: Row.self).compactMap(\.notice_id)
        return try await rows(Notice.self).group(.or) { g in
            g.filter(\.$unitCode == village.value)
            if !funded.isEmpty { g.filter(\.$id ~~ funded.map { RowID<Notice>($0) }) }
        }
        .sort(\.$startsOn, .descending).sort(\.$id, .descending).limit(limit).all()
    }
}

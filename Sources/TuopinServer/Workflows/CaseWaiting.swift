import Fluent
import TuopinCore
import Vapor

/// Why a case awaiting its next step cannot take it yet, and from which day it can: the step after
/// a public notice waits until the notice has ended (the day after its end date) and until its open
/// objections are decided.
struct CaseWaiting: Sendable {
    let from: CivilDate?
    let reasonKey: String

    /// The waiting cases among `cases`, by id (a case missing from the answer is ready).
    static func of(_ cases: [WorkflowCase], on data: DataAccess, today: CivilDate) async throws
        -> [RowID<WorkflowCase>: CaseWaiting]
    {
        let afterNotice = cases.filter { c in
            c.noticeID != nil && (Workflows.named(c.workflow)?.followsNotice(c.step) ?? false)
        }
        guard !afterNotice.isEmpty else { return [:] }
        let noticeIDs = Array(Set(afterNotice.compactMap(\.noticeID)))
        let notices = Dictionary(
            uniqueKeysWithValues: try await data.rows(Notice.self).filter(\.$id ~~ noticeIDs).all().map { ($0.id!, $0) }
        )
        let open = try await data.rows(Objection.self).filter(\.$noticeID ~~ noticeIDs).filter(\.$status == .open)
            .all()
        var out: [RowID<WorkflowCase>: CaseWaiting] = [:]
        for c in afterNotice {
            guard let id = c.id, let noticeID = c.noticeID, let notice = notices[noticeID] else { continue }
            if !NoticePeriod.hasEnded(end: notice.endsOn, today: today) {
                out[id] = CaseWaiting(
                    from: NoticePeriod.firstActionDay(end: notice.endsOn), reasonKey: "inbox_wait_notice")
            } else if open.contains(where: { $0.noticeID == noticeID && ($0.caseID == nil || $0.caseID == id) }) {
                out[id] = CaseWaiting(from: nil, reasonKey: "inbox_wait_objection")
            }
        }
        return out
    }
}

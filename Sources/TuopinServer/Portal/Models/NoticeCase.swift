import Fluent

/// notice ↔ case link (a batch notice lists many cases).
final class NoticeCase: Model, @unchecked Sendable {
    static let schema = "notice_cases"
    final class IDValue: Fields, Hashable, @unchecked Sendable {
        @Field(key: "notice_id") var noticeID: RowID<Notice>
        @Field(key: "case_id") var caseID: RowID<WorkflowCase>
        init() {}
        static func == (a: IDValue, b: IDValue) -> Bool { a.noticeID == b.noticeID && a.caseID == b.caseID }
        func hash(into h: inout Hasher) { h.combine(noticeID); h.combine(caseID) }
    }
    @CompositeID var id: IDValue?
    init() {}
    init(noticeID: RowID<Notice>, caseID: RowID<WorkflowCase>) {
        id = IDValue(); id!.noticeID = noticeID; id!.caseID = caseID
    }
}

import Fluent
import TuopinCore
import Foundation

/// A public notice (公示/公告) with its masked entries.
final class Notice: Model, @unchecked Sendable {
    static let schema = "notices"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Notice>?
    @Field(key: "kind") var kind: NoticeKind
    @Field(key: "workflow") var workflow: String
    @Field(key: "action") var action: String
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    @Field(key: "title") var title: String
    @Field(key: "place") var place: String
    @Field(key: "starts_on") var startsOn: CivilDate
    @Field(key: "ends_on") var endsOn: CivilDate
    @Field(key: "entries") var entries: String
    @Field(key: "created_by") var createdBy: RowID<User>
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

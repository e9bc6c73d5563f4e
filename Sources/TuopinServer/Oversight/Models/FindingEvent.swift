import Fluent
import TuopinCore
import Foundation

final class FindingEvent: Model, @unchecked Sendable {
    static let schema = "finding_events"
    @ID(custom: "id", generatedBy: .database) var id: RowID<FindingEvent>?
    @Field(key: "finding_id") var findingID: RowID<FindingRecord>
    @Field(key: "action") var action: String
    @Field(key: "on_date") var onDate: CivilDate
    @Field(key: "user_id") var userID: RowID<User>
    @Field(key: "note") var note: String
    @OptionalField(key: "file_sha256") var fileSHA256: String?
    @OptionalField(key: "file_name") var fileName: String?
    @OptionalField(key: "file_type") var fileType: String?
    @OptionalField(key: "file_size") var fileSize: Int?
    init() {}
}

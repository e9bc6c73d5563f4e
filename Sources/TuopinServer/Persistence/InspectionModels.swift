import Fluent
import TuopinCore
import Foundation

final class InspectionRecord: Model, @unchecked Sendable {
    static let schema = "inspections"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "team") var team: String
    @Field(key: "targets") var targets: String
    @Field(key: "started_on") var startedOn: String
    @OptionalField(key: "ended_on") var endedOn: String?
    @Field(key: "created_by") var createdBy: Int
    @Field(key: "version") var version: Int
    init() {}

    var targetCodes: [String] { targets.split(separator: ",").map(String.init) }
}

final class FindingRecord: Model, @unchecked Sendable {
    static let schema = "findings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "inspection_id") var inspectionID: Int
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "responsible_person") var responsiblePerson: String
    @Field(key: "category") var category: String
    @Field(key: "description") var description: String
    @Field(key: "raised_on") var raisedOn: String
    @Field(key: "deadline") var deadline: String
    @Field(key: "state") var state: String
    @OptionalField(key: "rectified_on") var rectifiedOn: String?
    @OptionalField(key: "verified_on") var verifiedOn: String?
    @Field(key: "version") var version: Int
    init() {}
}

final class FindingEvent: Model, @unchecked Sendable {
    static let schema = "finding_events"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "finding_id") var findingID: Int
    @Field(key: "action") var action: String
    @Field(key: "on_date") var onDate: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "note") var note: String
    @OptionalField(key: "file_sha256") var fileSHA256: String?
    @OptionalField(key: "file_name") var fileName: String?
    @OptionalField(key: "file_type") var fileType: String?
    @OptionalField(key: "file_size") var fileSize: Int?
    init() {}
}

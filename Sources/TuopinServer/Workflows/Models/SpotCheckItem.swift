import Fluent
import TuopinCore
import Foundation

final class SpotCheckItem: Model, @unchecked Sendable {
    static let schema = "spot_check_items"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "check_id") var checkID: Int
    @Field(key: "case_id") var caseID: Int
    @OptionalField(key: "result") var result: String?
    @Field(key: "note") var note: String
    @OptionalField(key: "checked_by") var checkedBy: Int?
    @OptionalField(key: "checked_at") var checkedAt: Date?
    init() {}
}

import Fluent
import TuopinCore
import Foundation

final class FindingRecord: Model, @unchecked Sendable {
    static let schema = "findings"
    @ID(custom: "id", generatedBy: .database) var id: RowID<FindingRecord>?
    @Field(key: "inspection_id") var inspectionID: RowID<InspectionRecord>
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "responsible_person") var responsiblePerson: String
    @Field(key: "category") var category: FindingCategory
    @Field(key: "description") var description: String
    @Field(key: "raised_on") var raisedOn: CivilDate
    @Field(key: "deadline") var deadline: CivilDate
    @Field(key: "state") var state: FindingState
    @OptionalField(key: "rectified_on") var rectifiedOn: CivilDate?
    @OptionalField(key: "verified_on") var verifiedOn: CivilDate?
    @Field(key: "version") var version: Int
    init() {}
}

import Fluent
import TuopinCore
import Foundation

final class InspectionRecord: Model, @unchecked Sendable {
    static let schema = "inspections"
    @ID(custom: "id", generatedBy: .database) var id: RowID<InspectionRecord>?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "kind") var kind: InspectionKind
    @Field(key: "title") var title: String
    @Field(key: "team") var team: String
    @Field(key: "targets") var targets: String
    @Field(key: "started_on") var startedOn: CivilDate
    @OptionalField(key: "ended_on") var endedOn: CivilDate?
    @Field(key: "created_by") var createdBy: RowID<User>
    @Field(key: "version") var version: Int
    init() {}

    var targetCodes: [String] { targets.split(separator: ",").map(String.init) }
}

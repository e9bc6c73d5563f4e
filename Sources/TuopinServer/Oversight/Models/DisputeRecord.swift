import Fluent
import TuopinCore

final class DisputeRecord: Model, @unchecked Sendable {
    static let schema = "disputes"
    @ID(custom: "id", generatedBy: .database) var id: RowID<DisputeRecord>?
    @Field(key: "township_code") var townshipCode: String
    @Field(key: "parties") var parties: String
    @Field(key: "kind") var kind: DisputeKind
    @Field(key: "description") var description: String
    @Field(key: "status") var status: DisputeStatus
    @Field(key: "received_on") var receivedOn: CivilDate
    @Field(key: "deadline") var deadline: CivilDate
    @OptionalField(key: "resolution") var resolution: String?
    @OptionalField(key: "closed_on") var closedOn: CivilDate?
    @Field(key: "created_by") var createdBy: RowID<User>
    @Field(key: "version") var version: Int
    init() {}
}

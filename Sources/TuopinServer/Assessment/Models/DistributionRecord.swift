import Fluent
import TuopinCore

final class DistributionRecord: Model, @unchecked Sendable {
    static let schema = "assessment_distributions"
    @ID(custom: "id", generatedBy: .database) var id: RowID<DistributionRecord>?
    @Field(key: "scheme_id") var schemeID: RowID<SchemeRecord>
    @Field(key: "recipient") var recipient: String
    @Field(key: "document_no") var documentNo: String
    @Field(key: "distributed_on") var distributedOn: CivilDate
    init() {}
}

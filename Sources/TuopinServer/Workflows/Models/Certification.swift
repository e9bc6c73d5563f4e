import Fluent
import TuopinCore
import Foundation

final class Certification: Model, @unchecked Sendable {
    static let schema = "certifications"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Certification>?
    @Field(key: "township_code") var townshipCode: String
    @Field(key: "period_from") var periodFrom: String
    @Field(key: "period_to") var periodTo: String
    @Field(key: "certified_by") var certifiedBy: RowID<User>
    @Field(key: "certified_at") var certifiedAt: Date
    init() {}
}

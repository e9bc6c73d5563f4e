import Fluent
import TuopinCore
import Foundation

final class LeadershipExemption: Model, @unchecked Sendable {
    static let schema = "leadership_exemptions"
    @ID(custom: "id", generatedBy: .database) var id: RowID<LeadershipExemption>?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "role") var role: PrincipalRole
    @Field(key: "document_no") var documentNo: String
    @Field(key: "granted_on") var grantedOn: CivilDate
    @Field(key: "granted_by") var grantedBy: RowID<User>
    init() {}
}

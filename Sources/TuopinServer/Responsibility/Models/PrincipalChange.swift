import Fluent
import TuopinCore
import Foundation

final class PrincipalChange: Model, @unchecked Sendable {
    static let schema = "principal_changes"
    @ID(custom: "id", generatedBy: .database) var id: RowID<PrincipalChange>?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "role") var role: PrincipalRole
    @OptionalField(key: "from_cadre_id") var fromCadreID: RowID<Cadre>?
    @Field(key: "to_cadre_id") var toCadreID: RowID<Cadre>
    @Field(key: "changed_on") var changedOn: CivilDate
    @OptionalField(key: "locked_rule") var lockedRule: String?
    @OptionalField(key: "exemption_id") var exemptionID: RowID<LeadershipExemption>?
    @Field(key: "recorded_at") var recordedAt: Date
    init() {}
}

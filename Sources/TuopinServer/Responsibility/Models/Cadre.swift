import Fluent
import TuopinCore
import Foundation

/// A cadre (干部), possibly one of a unit's principals.
final class Cadre: Model, @unchecked Sendable {
    static let schema = "cadres"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Cadre>?
    @Field(key: "name") var name: String
    /// `CadreRank`; whether the cadre is stationed in a village is `stationedRole`.
    @Field(key: "rank") var rank: String
    /// `StationedRole`: none, work-team leader or member, college-graduate village official.
    @Field(key: "stationed_role") var stationedRole: String
    @Field(key: "unit_code") var unitCode: String
    /// `CadrePosition`, from the fixed list.
    @Field(key: "position") var position: String
    @Field(key: "active") var active: Bool
    /// The organisation the cadre serves in (a department, a work team …), if recorded.
    @OptionalField(key: "organisation_id") var organisationID: RowID<Organisation>?
    @OptionalField(key: "phone_cipher") var phoneCipher: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    init() {}
}

import Fluent
import TuopinCore
import Foundation

/// A cadre paired with a household (结对帮扶, article 37); `endedOn` nil while it lasts.
final class Pairing: Model, @unchecked Sendable {
    static let schema = "pairings"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Pairing>?
    @Field(key: "cadre_id") var cadreID: RowID<Cadre>
    @Field(key: "household_id") var householdID: RowID<Household>
    @Field(key: "started_on") var startedOn: CivilDate
    @OptionalField(key: "ended_on") var endedOn: CivilDate?
    @OptionalField(key: "end_reason") var endReason: String?
    init() {}
}

import Fluent
import TuopinCore
import Foundation

/// A cadre paired with a household (结对帮扶, article 37); `endedOn` nil while it lasts.
final class Pairing: Model, @unchecked Sendable {
    static let schema = "pairings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "cadre_id") var cadreID: Int
    @Field(key: "household_id") var householdID: Int
    @Field(key: "started_on") var startedOn: CivilDate
    @OptionalField(key: "ended_on") var endedOn: CivilDate?
    @OptionalField(key: "end_reason") var endReason: String?
    init() {}
}

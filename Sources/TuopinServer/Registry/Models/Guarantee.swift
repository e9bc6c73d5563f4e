import Fluent
import TuopinCore
import Foundation

/// 两不愁三保障 and safe water: one row per household and kind.
final class Guarantee: Model, @unchecked Sendable {
    static let schema = "guarantees"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Guarantee>?
    @Field(key: "household_id") var householdID: RowID<Household>
    @Field(key: "kind") var kind: GuaranteeKind
    @Field(key: "met") var met: Bool
    @Field(key: "note") var note: String
    init() {}
}

import Fluent
import TuopinCore
import Foundation

final class Organisation: Model, @unchecked Sendable {
    static let schema = "organisations"
    @ID(custom: "id", generatedBy: .database) var id: RowID<Organisation>?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "name") var name: String
    @Field(key: "type") var type: String
    @OptionalField(key: "sponsor_id") var sponsorID: RowID<Organisation>?
    @Field(key: "active") var active: Bool
    init() {}
}

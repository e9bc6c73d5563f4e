import Fluent
import TuopinCore
import Foundation

/// A yearly responsibility letter of a unit with the unit above (the region with the Centre).
final class LetterRecord: Model, HasTargets, @unchecked Sendable {
    static let schema = "responsibility_letters"
    @ID(custom: "id", generatedBy: .database) var id: RowID<LetterRecord>?
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "year") var year: Int
    @Field(key: "state") var state: LetterState
    @Field(key: "target_households") var targetHouseholds: Int
    @Field(key: "target_people") var targetPeople: Int
    @Field(key: "target_villages") var targetVillages: Int
    @Field(key: "target_counties") var targetCounties: Int
    @Field(key: "target_funds") var targetFunds: Int64
    @Field(key: "signatory") var signatory: String
    @Field(key: "counterpart_signatory") var counterpartSignatory: String
    @Field(key: "drafted_on") var draftedOn: CivilDate
    @OptionalField(key: "signed_on") var signedOn: CivilDate?
    @OptionalField(key: "file_sha256") var fileSHA256: String?
    @OptionalField(key: "file_size") var fileSize: Int?
    @Field(key: "version") var version: Int
    init() {}
}

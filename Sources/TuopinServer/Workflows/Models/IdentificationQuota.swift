import Fluent
import TuopinCore
import Foundation

final class IdentificationQuota: Model, @unchecked Sendable {
    static let schema = "identification_quotas"
    @ID(custom: "id", generatedBy: .database) var id: RowID<IdentificationQuota>?
    @Field(key: "county_code") var countyCode: String
    @Field(key: "year") var year: Int
    @Field(key: "quota") var quota: Int
    @Field(key: "exemption") var exemption: String
    @Field(key: "version") var version: Int
    init() {}
}

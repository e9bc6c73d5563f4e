import Fluent
import TuopinCore
import Foundation

final class PairingQuotaRecord: Model, @unchecked Sendable {
    static let schema = "pairing_quotas"
    @ID(custom: "rank", generatedBy: .user) var id: String?
    @Field(key: "households") var households: Int
    @Field(key: "version") var version: Int
    init() {}
}

import Fluent
import Foundation

/// A local-practice number region HQ set (`LocalPractice.Key`); a key with no row has its shipped value.
final class LocalPracticeRecord: Model, @unchecked Sendable {
    static let schema = "local_practices"
    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "value") var value: Int
    @Field(key: "version") var version: Int
    init() {}
}

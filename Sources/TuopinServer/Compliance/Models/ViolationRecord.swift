import Fluent
import TuopinCore
import Foundation

/// A breach of a rule found by the compliance engine, open until a check no longer finds it.
final class ViolationRecord: Model, @unchecked Sendable {
    static let schema = "violations"
    @ID(custom: "id", generatedBy: .database) var id: RowID<ViolationRecord>?
    @Field(key: "rule") var rule: String
    @Field(key: "article") var article: Int
    @Field(key: "unit_code") var unitCode: String
    @Field(key: "subject") var subject: String
    /// The message arguments, joined with U+001F.
    @Field(key: "details") var details: String
    @Field(key: "first_seen") var firstSeen: Date
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    init() {}
}

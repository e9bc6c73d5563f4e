import Fluent
import Foundation
import SQLKit
import TuopinCore

final class FundAccountRecord: Model, @unchecked Sendable {
    static let schema = "fund_accounts"
    final class IDValue: Fields, Hashable, @unchecked Sendable {
        @Field(key: "holder") var holder: String
        @Field(key: "source") var source: String
        @Field(key: "year") var year: Int
        init() {}
        static func == (a: IDValue, b: IDValue) -> Bool {
            a.holder == b.holder && a.source == b.source && a.year == b.year
        }
        func hash(into h: inout Hasher) { h.combine(holder); h.combine(source); h.combine(year) }
    }
    @CompositeID var id: IDValue?
    @Field(key: "received") var received: Int64
    @Field(key: "allocated") var allocated: Int64
    @Field(key: "spent") var spent: Int64
    init() {}

    var account: FundAccount {
        FundAccount(received: Money(fen: received), allocated: Money(fen: allocated), spent: Money(fen: spent))
    }
}

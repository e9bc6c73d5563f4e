import Fluent
import Foundation
import SQLKit
import TuopinCore
import Vapor

/// The queries of `FundService` (the data layer, issue #23).
extension FundService {
    /// The two accounts, created when new and locked (PostgreSQL: row locks in holder order; SQLite has one writer).
    static func lock(_ tx: DataAccess, from: String?, to: String?, source: FundSource, year: Int) async throws -> (
        FundAccount?, FundAccount?
    ) {
        let holders = [from, to].compactMap { $0 }.sorted()
        try await tx.sqlDatabase.bulkInsert(
            into: FundAccountRecord.schema, columns: ["holder", "source", "year", "received", "allocated", "spent"],
            rows: holders.map { [$0, source.rawValue, year, Int64(0), Int64(0), Int64(0)] }, ignoringConflicts: true)
        var accounts: [String: FundAccount] = [:]
        struct Row: Decodable { let holder: String; let received: Int64; let allocated: Int64; let spent: Int64 }
        for holder in holders {
            let lockClause = tx.isPostgres ? " FOR UPDATE" : ""
            let row = try await tx.sqlDatabase.raw(
                """
                SELECT holder, received, allocated, spent FROM fund_accounts WHERE holder = \(bind: holder) AND source \
                = \(bind: source.rawValue) AND year = \(bind: year)\(unsafeRaw: lockClause)
                """
            ).first(decoding: Row.self)!
            accounts[holder] = FundAccount(
                received: Money(fen: row.received), allocated: Money(fen: row.allocated), spent: Money(fen: row.spent))
        }
        return (from.flatMap { accounts[$0] }, to.flatMap { accounts[$0] })
    }

    static func store(_ tx: DataAccess, from holder: String?, account: FundAccount?, source: FundSource, year: Int)
        async throws
    {
        guard let holder, let account else { return }
        try await tx.sqlDatabase.update(FundAccountRecord.schema).set("received", to: SQLBind(account.received.fen))
            .set("allocated", to: SQLBind(account.allocated.fen)).set("spent", to: SQLBind(account.spent.fen))
            .where("holder", .equal, SQLBind(holder)).where("source", .equal, SQLBind(source.rawValue)).where(
                "year", .equal, SQLBind(year)
            )
            .run()
    }
}

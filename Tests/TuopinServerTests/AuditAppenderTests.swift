import Fluent
import Foundation
import SQLKit
import Testing
import TuopinCore
import VaporTesting

@testable import TuopinServer

/// Issue #27 item 1: audited reads are group-committed — entries waiting together share one transaction, and
/// no read is answered before its entry is durable.
@Suite(.serialized) struct AuditAppenderTests {
    /// Opens once, for everyone waiting.
    actor Latch {
        private var open = false, waiters: [CheckedContinuation<Void, Never>] = []
        func wait() async {
            if open { return }
            await withCheckedContinuation { waiters.append($0) }
        }
        func release() { open = true; for w in waiters { w.resume() }; waiters = [] }
    }

    func entry(_ k: Int) throws -> AuditLog.Queued {
        AuditLog.Queued(
            actor: .init(id: "7"),
            pending: try .init(action: "household.read", entity: "household", entityID: String(k), after: ["via": "t"]),
            at: Date(timeIntervalSince1970: 1_800_000_000))
    }

    func waitUntil(_ appender: AuditAppender, waiting n: Int) async {
        while await appender.waiting < n { await Task.yield() }
    }

    /// While one transaction is under way the others queue and go together in the next; a failed transaction
    /// fails every read that waited on it.
    @Test func entriesWaitingTogetherShareOneTransaction() async throws {
        let latch = Latch()
        actor Committed { var batches: [[String]] = []; func add(_ b: [String]) { batches.append(b) } }
        let committed = Committed()
        let appender = AuditAppender { entries in
            await latch.wait()
            await committed.add(entries.map(\.pending.entityID))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await appender.append(try entry(0)) }
            while await appender.batches == 0 { await Task.yield() }
            for k in 1...19 { group.addTask { try await appender.append(try entry(k)) } }
            await waitUntil(appender, waiting: 19)
            await latch.release()
            try await group.waitForAll()
        }
        let batches = await committed.batches
        #expect(batches.count == 2 && batches[0] == ["0"] && batches[1].count == 19)
        #expect(Set(batches.flatMap { $0 }).count == 20)
        #expect(await appender.largestBatch == 19)

        struct Failed: Error {}
        let failing = AuditAppender { _ in throw Failed() }
        await #expect(throws: Failed.self) { try await failing.append(try entry(1)) }
    }

    /// Against the database: forty reads arriving while the audit chain is busy are committed in fewer
    /// transactions, every one of them is in the chain, and the chain verifies.
    @Test func concurrentReadsAreAllDurableAndTheChainVerifies() async throws {
        try await withTestApp(households: 216) { app in
            let before = try await app.auditCount(action: "household.read")
            let latch = Latch()
            // Another transaction holds the chain (the write gate on SQLite, the audit table's lock on PostgreSQL).
            let blocker = Task {
                try await app.write { tx in
                    if tx.db.isPostgres {
                        try await tx.sqlDatabase.raw("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE").run()
                    }
                    await latch.wait()
                }
            }
            let appender = app.auditReads
            let first = await appender.batches
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The first read's batch waits on the chain; the other 39 queue behind it.
                group.addTask { try await appender.append(try entry(0)) }
                while await appender.batches == first { await Task.yield() }
                for k in 1..<40 { group.addTask { try await appender.append(try entry(k)) } }
                await waitUntil(appender, waiting: 39)
                await latch.release()
                try await group.waitForAll()
            }
            try await blocker.value
            #expect(try await app.auditCount(action: "household.read") == before + 40)
            #expect(await appender.largestBatch >= 39)
            let verified = try await AuditVerifier.verify(on: app.systemData)
            #expect(verified.firstBreak == nil && verified.checked > 40)
        }
    }
}

import Foundation
import Vapor

/// Group commit of audited reads (issue #27 item 1). A read of personal data hands its entry over and waits;
/// one flush at a time writes every entry waiting into one transaction (hashes chained in order) and, once that
/// transaction is committed, releases all of them. No answer leaves before its entry is durable — only the
/// number of transactions (and fsyncs) falls. Writes that change data keep their entry in their own transaction.
actor AuditAppender {
    typealias Commit = @Sendable ([AuditLog.Queued]) async throws -> Void
    private var queue: [(AuditLog.Queued, CheckedContinuation<Void, any Error>)] = []
    private var flushing = false
    private let commit: Commit
    /// The most entries one transaction has carried, and the transactions made (for `tuopin bench` and tests).
    private(set) var largestBatch = 0, batches = 0

    init(commit: @escaping Commit) { self.commit = commit }

    /// The entries waiting for the next transaction.
    var waiting: Int { queue.count }

    /// Returns once the entry is committed; throws when its transaction failed (the read must not be answered).
    func append(_ entry: AuditLog.Queued) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            queue.append((entry, c))
            if !flushing {
                flushing = true
                Task { await self.drain() }
            }
        }
    }

    /// Writes what is waiting, batch after batch, until nothing is left.
    private func drain() async {
        while !queue.isEmpty {
            let batch = queue
            queue = []
            largestBatch = max(largestBatch, batch.count)
            batches += 1
            do {
                try await commit(batch.map(\.0))
                Telemetry.auditReadBatch(batch.count, largest: largestBatch)
                for (_, c) in batch { c.resume() }
            } catch {
                for (_, c) in batch { c.resume(throwing: error) }
            }
        }
        flushing = false
    }
}

extension Application {
    private struct AuditAppenderKey: StorageKey { typealias Value = AuditAppender }

    /// The group commit of this app's audited reads (set up by `configure`).
    var auditReads: AuditAppender {
        get { storage[AuditAppenderKey.self]! }
        set { storage[AuditAppenderKey.self] = newValue }
    }

    /// An appender that commits each batch through the write gate, in one transaction.
    func makeAuditAppender() -> AuditAppender {
        AuditAppender { [weak self] entries in
            guard let app = self else { throw Abort(.serviceUnavailable) }
            try await app.write { tx in try await AuditLog.appendBatch(on: tx, entries) }
        }
    }
}

import Fluent
import Foundation
import SQLKit
import Vapor

/// The audit chain's head, written outside the database (issue #9, item 5): every 500 entries and
/// at least hourly while serving, at shutdown, and by `tuopin audit anchor`. A chain rebuilt after tampering (every
/// hash
/// recomputed) or cut short at the end still verifies on its own; against the anchors it does not.
/// Lines are `id hash at`, appended (the file is opened for appending only); keep a copy elsewhere.
enum AuditAnchor {
    struct Head: Decodable, Equatable { let id: Int64; let hash: String }

    static func file(_ app: Application) -> URL {
        app.tuopin.settings.dataDirectory.appendingPathComponent("audit-anchor.log")
    }

    static func head(on dbAccess: DataAccess) async throws -> Head? {
        let db = dbAccess.db
        return try await db.sqlDatabase.select().columns("id", "hash").from("audit_log").orderBy("id", .descending)
            .limit(1).first(decoding: Head.self)
    }

    /// Appends the current head to `url` (unless it is the last line already). Returns it.
    @discardableResult
    static func write(app: Application, to url: URL? = nil) async throws -> Head? {
        guard let head = try await head(on: app.systemData) else { return nil }
        let url = url ?? file(app)
        if let last = try? read(url).last, last == head { return head }
        let line = "\(head.id) \(head.hash) \(AuditLog.timestamp(app.tuopin.now()))\n"
        if !FileManager.default.fileExists(atPath: url.path) {
            FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
        try handle.synchronize()
        return head
    }

    static func read(_ url: URL) throws -> [Head] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let id = Int64(parts[0]), parts[1].count == 64 else { return nil }
            return Head(id: id, hash: String(parts[1]))
        }
    }

    struct Mismatch: Error, CustomStringConvertible {
        let anchor: Head, found: String?
        var description: String {
            found.map {
                "audit entry \(anchor.id) has hash \($0.prefix(16))…, the anchor recorded \(anchor.hash.prefix(16))… "
                    + "(the chain was rebuilt)"
            }
                ?? "audit entry \(anchor.id), recorded in the anchor file, is missing (the chain was cut short)"
        }
    }

    /// Every anchored entry must still exist with the anchored hash.
    static func check(on dbAccess: DataAccess, anchors: [Head]) async throws {
        let db = dbAccess.db
        for chunk in anchors.chunked(500) {
            struct Row: Decodable { let id: Int64; let hash: String }
            let rows = try await db.sqlDatabase.select().columns("id", "hash").from("audit_log")
                .where("id", .in, SQLBind.group(chunk.map(\.id))).all(decoding: Row.self)
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.hash) })
            for anchor in chunk where byID[anchor.id] != anchor.hash {
                throw Mismatch(anchor: anchor, found: byID[anchor.id])
            }
        }
    }
}

/// Writes an anchor at start, whenever `everyEntries` entries have been added since the last one
/// (checked each minute), at least hourly, and at shutdown: a chain cut after its last anchor
/// loses at most about that many entries unnoticed (issue #22).
struct AuditAnchorLifecycle: LifecycleHandler {
    /// Entries between anchors (a busy county day writes a few thousand).
    static let everyEntries: Int64 = 500

    /// An anchor is due after `everyEntries` new entries, or after an hour with any new entry.
    static func isDue(head: Int64, anchored: Int64, elapsed: Duration) -> Bool {
        head != anchored && (head - anchored >= everyEntries || elapsed >= .seconds(3600))
    }

    func didBootAsync(_ app: Application) async throws {
        var last: AuditAnchor.Head?
        do { last = try await AuditAnchor.write(app: app) } catch { app.logger.error("audit anchor: \(error)") }
        let task = Task { [last] in
            var anchored = last?.id ?? 0
            var since = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                if Task.isCancelled { break }
                do {
                    guard let head = try await AuditAnchor.head(on: app.systemData), head.id != anchored else {
                        continue
                    }
                    if Self.isDue(head: head.id, anchored: anchored, elapsed: ContinuousClock.now - since) {
                        try await AuditAnchor.write(app: app)
                        anchored = head.id
                        since = ContinuousClock.now
                    }
                } catch {
                    app.logger.error("audit anchor: \(error)")
                }
            }
        }
        app.storage[TaskKey.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        app.storage[TaskKey.self]?.cancel()
        do { try await AuditAnchor.write(app: app) } catch { app.logger.error("audit anchor at shutdown: \(error)") }
    }

    private struct TaskKey: StorageKey { typealias Value = Task<Void, Never> }
}

import Foundation
import Vapor

/// How a long action (import, export, check, roll-up rebuild) says how far it is: `done` of `total`
/// steps (rows, households, villages or stages, whatever the action counts).
typealias ProgressHandler = @Sendable (_ done: Int, _ total: Int) -> Void

/// A one-line progress bar on a terminal's standard error; silent when not a terminal.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var shown = ""
    init(enabled: Bool = isatty(STDERR_FILENO) == 1) { self.enabled = enabled }

    /// The handler to pass to an action.
    var handler: ProgressHandler { { [self] done, total in show(done, total) } }

    func show(_ done: Int, _ total: Int) {
        guard enabled, let line = Self.line(done, total) else { return }
        lock.lock(); defer { lock.unlock() }
        guard line != shown else { return }
        shown = line
        FileHandle.standardError.write(Data(("\r" + line).utf8))
    }

    /// `[#########                     ] 30% (3000/10000)`; nil when there is nothing to show.
    static func line(_ done: Int, _ total: Int) -> String? {
        guard total > 0 else { return nil }
        let done = min(max(done, 0), total)
        let width = 30, filled = done * width / total
        return "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            + "] \(done * 100 / total)% (\(done)/\(total))"
    }

    func finish() { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
}

/// How far the long actions started from pages are, for the page that waits on them: the page
/// names its action with a random `progress` id and asks `/progress/:id` while it waits.
/// Only the user who started an action can read its progress; entries go 15 minutes after they
/// last moved.
final class ProgressBoard: @unchecked Sendable {
    struct Entry: Content, Equatable {
        var done: Int
        var total: Int
        var finished: Bool
    }
    private struct Slot { var owner: RowID<User>; var entry: Entry; var touched: Date }
    private let lock = NSLock()
    private var slots: [String: Slot] = [:]
    static let lifetime: TimeInterval = 15 * 60

    /// A progress id as the page makes it: 16 to 64 letters, digits or dashes.
    static func isValid(_ id: String) -> Bool {
        (16...64).contains(id.utf8.count)
            && id.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45
            }
    }

    /// Starts an entry for `owner`; its handler moves it. An id already taken by another user is
    /// not reused (the handler then does nothing).
    func start(_ id: String, owner: RowID<User>, now: Date = Date()) -> ProgressHandler {
        lock.lock(); defer { lock.unlock() }
        purge(now)
        if let slot = slots[id], slot.owner != owner { return { _, _ in } }
        slots[id] = Slot(owner: owner, entry: Entry(done: 0, total: 0, finished: false), touched: now)
        return { [self] done, total in
            update(id, owner: owner) {
                $0.done = done; $0.total = total
            }
        }
    }

    func finish(_ id: String, owner: RowID<User>) { update(id, owner: owner) { $0.finished = true } }

    func entry(_ id: String, owner: RowID<User>, now: Date = Date()) -> Entry? {
        lock.lock(); defer { lock.unlock() }
        purge(now)
        guard let slot = slots[id], slot.owner == owner else { return nil }
        return slot.entry
    }

    private func update(_ id: String, owner: RowID<User>, _ change: (inout Entry) -> Void) {
        lock.lock(); defer { lock.unlock() }
        guard var slot = slots[id], slot.owner == owner else { return }
        change(&slot.entry)
        slot.touched = Date()
        slots[id] = slot
    }

    private func purge(_ now: Date) {
        slots = slots.filter { now.timeIntervalSince($0.value.touched) < Self.lifetime }
    }
}

extension Application {
    private struct ProgressBoardKey: StorageKey { typealias Value = ProgressBoard }
    /// Made by `configure` before the server starts (requests must not race to make it).
    var progressBoard: ProgressBoard { storage[ProgressBoardKey.self, default: ProgressBoard()] }
}

extension Request {
    /// Runs a long action with a progress handler that the page which started it can follow
    /// (`?progress=ID`); without an id the handler does nothing.
    func withProgress<T>(_ body: (@escaping ProgressHandler) async throws -> T) async throws -> T {
        guard let id = query[String.self, at: "progress"], ProgressBoard.isValid(id) else {
            return try await body { _, _ in }
        }
        let owner = try requireUser().id
        let board = application.progressBoard
        let handler = board.start(id, owner: owner)
        defer { board.finish(id, owner: owner) }
        return try await body(handler)
    }

    /// `GET /progress/:id`: how far the user's own action is (404 for any other id).
    @Sendable static func progress(req: Request) async throws -> ProgressBoard.Entry {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id"), ProgressBoard.isValid(id),
            let entry = req.application.progressBoard.entry(id, owner: user.id)
        else { throw AppError.notFound }
        return entry
    }
}

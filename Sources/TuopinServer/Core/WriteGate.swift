/// Serialises write transactions inside one process. SQLite allows a single writer; queueing
/// here instead of meeting SQLITE_BUSY keeps every acknowledged write. On PostgreSQL the audit
/// chain's table lock serialises writers across instances instead, and the gate is open.
actor WriteGate {
    private let enabled: Bool
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(enabled: Bool) { self.enabled = enabled }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard enabled else { return try await body() }
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
        }
        return try await body()
    }
}

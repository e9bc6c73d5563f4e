import Foundation

/// A count of the audit entries one write transaction appended.
final class AuditTally: @unchecked Sendable {
    private let lock = NSLock()
    private var entries = 0
    var count: Int { lock.lock(); defer { lock.unlock() }; return entries }
    func add(_ n: Int) { lock.lock(); entries += n; lock.unlock() }
}

import Foundation
import Metrics
import Prometheus
import Vapor

/// The process's metrics, kept by swift-prometheus behind swift-metrics (one backend per process):
/// Vapor's own HTTP metrics (`http_requests_total`, `http_request_duration_seconds` by method, route
/// pattern and status), the write transactions, the audit entries they commit, the compliance checks
/// and the database pool. `/metrics` serves them in Prometheus' text format.
enum Telemetry {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Request times from 1 ms to 10 s (the pages' budget is in tenths of a second).
        factory.defaultDurationHistogramBuckets = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
        ]
        .map { Duration.nanoseconds(Int64($0 * 1e9)) }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Makes the registry the process's metrics backend (before the first request; idempotent).
    static func start() { _ = registry }

    static func exposition() -> String { registry.emitToString() }

    /// A write transaction committed: how long it waited for the write gate and how long it took.
    static func writeCommitted(waited: UInt64, took: UInt64) {
        Counter(label: "tuopin_write_commits_total").increment()
        Timer(label: "tuopin_write_gate_wait_seconds", preferredDisplayUnit: .seconds).recordNanoseconds(Int64(waited))
        Timer(label: "tuopin_write_duration_seconds", preferredDisplayUnit: .seconds).recordNanoseconds(Int64(took))
    }

    /// Audit entries written inside a transaction that committed, by kind (`household`, `export` …).
    static func auditCommitted(_ count: Int) {
        Counter(label: "tuopin_audit_entries_committed_total").increment(by: count)
    }

    /// One group commit of audited reads (issue #27): the entries it carried. `…_batches_total` and
    /// `…_batch_entries_total` give the mean batch; the gauge the largest so far.
    static func auditReadBatch(_ entries: Int, largest: Int) {
        Counter(label: "tuopin_audit_read_batches_total").increment()
        Counter(label: "tuopin_audit_read_batch_entries_total").increment(by: entries)
        Gauge(label: "tuopin_audit_read_batch_max").record(largest)
    }

    /// A compliance check of a subtree: its time and what it found.
    static func checkFinished(level: String, seconds: UInt64, found: Int, opened: Int, resolved: Int) {
        let dimensions = [("level", level)]
        Counter(label: "tuopin_compliance_checks_total", dimensions: dimensions).increment()
        Timer(label: "tuopin_compliance_check_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(seconds))
        Counter(label: "tuopin_compliance_violations_opened_total", dimensions: dimensions).increment(by: opened)
        Counter(label: "tuopin_compliance_violations_resolved_total", dimensions: dimensions).increment(by: resolved)
        Gauge(label: "tuopin_compliance_violations_found", dimensions: dimensions).record(found)
    }

    /// The connections the database pool may open (per event loop times loops) and its engine.
    static func databasePool(engine: String, connections: Int) {
        Gauge(label: "tuopin_database_pool_connections", dimensions: [("engine", engine)]).record(connections)
    }
}

/// Adds the `Server-Timing` header (request counts and times are Vapor's own metrics).
struct MetricsMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next.respond(to: request)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // The time spent in the server, for the browser's developer tools and `tuopin bench`
        // (which reads the first entry), then the parts a handler timed.
        let parts = request.serverTimings.parts.map { String(format: ", %@;dur=%.3f", $0.name, $0.milliseconds) }
            .joined()
        response.headers.replaceOrAdd(
            name: "Server-Timing", value: String(format: "app;dur=%.3f", seconds * 1000) + parts)
        return response
    }
}

/// The parts of a request's time that its handler measured (`Request.timed`), shown after `app`
/// in the `Server-Timing` header.
final class ServerTimings: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(name: String, milliseconds: Double)] = []
    var parts: [(name: String, milliseconds: Double)] { lock.lock(); defer { lock.unlock() }; return entries }
    func add(_ name: String, _ milliseconds: Double) {
        lock.lock(); entries.append((name, milliseconds)); lock.unlock()
    }
}

extension Request {
    private struct TimingsKey: StorageKey { typealias Value = ServerTimings }
    var serverTimings: ServerTimings { storage[TimingsKey.self, default: ServerTimings()] }

    /// Runs `body` and adds its time to the `Server-Timing` header under `name` (a token: letters,
    /// digits, `-` or `_`).
    func timed<T>(_ name: String, _ body: () async throws -> T) async rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { serverTimings.add(name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
        return try await body()
    }
}

import Foundation
import TuopinCore
import Vapor
import Glibc

/// The figures of one run, their targets, the table and the JSON.
struct BenchFigures {
    struct Machine: Encodable { var cores = 0; var memoryMb = 0 }
    var households: Int
    var database: String
    var build = "release"
    var persons = 0
    var machine = Machine()
    var demoSeconds = 0.0, databaseMB = 0.0
    var importSeconds = 0.0, rawImportSeconds = 0.0, importPeakRSSMB = 0.0, exportPeakRSSMB = 0.0
    var apiRPS = 0.0, apiP99 = 0.0, apiErrors = 0, bareRPS = 0.0, bareP99 = 0.0
    /// Audited reads per group commit during the household run: mean and largest (issue #27 item 1).
    var auditBatchMean = 0.0, auditBatchMax = 0.0
    var regionPageP95 = 0.0, mapP95 = 0.0, idSearchP95 = 0.0
    /// The household page (`/households/{id}`, audited) under 50 connections (issue #27 item 6).
    var pageP50 = 0.0, pageP99 = 0.0, pageRPS = 0.0, pageErrors = 0
    /// The issue's figure covers both pages: the slower of the two.
    var dashboardP95: Double { max(regionPageP95, mapP95) }
    var checkQualitySeconds = 0.0, checkComplianceSeconds = 0.0
    var workflowSteps = 0, workflowRefused = 0, workflowSeconds = 0.0

    var importRatio: Double { rawImportSeconds > 0 ? importSeconds / rawImportSeconds : 0 }
    var apiRatio: Double { bareRPS > 0 ? apiRPS / bareRPS : 0 }
    var checkSeconds: Double { checkQualitySeconds + checkComplianceSeconds }
    var workflowStepsPerSecond: Double { workflowSeconds > 0 ? Double(workflowSteps) / workflowSeconds : 0 }

    struct Row {
        let key: String; let value: Double; let anchor: String; let ratio: String; let target: String; let met: Bool?
    }

    var targets: BenchTargets { .of(database) }

    var rows: [Row] {
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        func most(_ x: Double) -> String { "≤ " + (x == x.rounded() ? f(x, 0) : f(x, 2)) }
        let t = targets
        return [
            Row(
                key: "import_seconds", value: importSeconds, anchor: "raw \(f(rawImportSeconds)) s",
                ratio: f(importRatio, 2), target: "ratio " + most(t.importRatio), met: importRatio <= t.importRatio),
            Row(
                key: "import_peak_rss_mb", value: importPeakRSSMB, anchor: "", ratio: "",
                target: most(t.importPeakRSSMB),
                met: importPeakRSSMB <= t.importPeakRSSMB),
            Row(
                key: "export_peak_rss_mb", value: exportPeakRSSMB, anchor: "members CSV", ratio: "",
                target: most(t.exportPeakRSSMB), met: exportPeakRSSMB <= t.exportPeakRSSMB),
            Row(
                key: "api_rps", value: apiRPS, anchor: "bare \(f(bareRPS)) req/s", ratio: f(apiRatio, 2),
                target: "ratio ≥ " + f(t.apiRatio, 2), met: apiRatio >= t.apiRatio && apiErrors == 0),
            Row(
                key: "api_p99_ms", value: apiP99, anchor: "bare p99 \(f(bareP99, 2)) ms", ratio: "",
                target: most(t.apiP99), met: apiP99 <= t.apiP99),
            Row(
                key: "page_p50_ms", value: pageP50, anchor: "50 connections, \(f(pageRPS)) req/s", ratio: "",
                target: most(t.pageP50), met: pageP50 <= t.pageP50 && pageErrors == 0),
            Row(
                key: "page_p99_ms", value: pageP99, anchor: "", ratio: "", target: most(t.pageP99),
                met: pageP99 <= t.pageP99 && pageErrors == 0),
            Row(
                key: "audit_batch_mean", value: auditBatchMean, anchor: "largest \(f(auditBatchMax, 0))", ratio: "",
                target: "recorded", met: nil),
            Row(
                key: "dashboard_p95_ms", value: dashboardP95,
                anchor: "region page \(f(regionPageP95)), map \(f(mapP95))", ratio: "",
                target: most(t.dashboardP95), met: dashboardP95 <= t.dashboardP95),
            Row(
                key: "id_search_p95_ms", value: idSearchP95, anchor: "", ratio: "", target: most(t.idSearchP95),
                met: idSearchP95 <= t.idSearchP95),
            Row(
                key: "check_seconds", value: checkSeconds,
                anchor: "quality \(f(checkQualitySeconds)) + compliance \(f(checkComplianceSeconds))",
                ratio: "", target: most(t.checkSeconds), met: checkSeconds <= t.checkSeconds),
            Row(
                key: "workflow_steps_per_s", value: workflowStepsPerSecond,
                anchor: "\(workflowSteps) steps, \(workflowRefused) refused",
                ratio: "", target: "recorded", met: nil),
        ]
    }

    var table: String {
        var out =
            "tuopin bench: \(households) households, \(persons) people, \(database), \(build) build, "
            + "\(machine.cores) cores, \(machine.memoryMb) MB (demo built in \(String(format: "%.0f", demoSeconds)) "
            + "s, \(String(format: "%.0f", databaseMB)) MB)\n"
        let header = ["figure", "value", "anchor", "ratio", "target", "met"]
        let cells =
            [header]
            + rows.map { r in
                [
                    r.key, String(format: "%.2f", r.value), r.anchor, r.ratio, r.target,
                    r.met.map { $0 ? "yes" : "NO" } ?? "—",
                ]
            }
        let widths = header.indices.map { i in cells.map { $0[i].count }.max()! }
        for row in cells {
            out +=
                zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                + "\n"
        }
        return out
    }

    /// The figures under the issue's keys (snake case), with `met` per target.
    struct Output: Encodable {
        let households: Int, persons: Int, database: String, build: String, machine: Machine
        let demoSeconds, databaseMb, importSeconds, rawImportSeconds, importRatio, importPeakRssMb: Double
        let exportPeakRssMb, pageP50Ms, pageP99Ms, pageRps: Double
        let pageErrors: Int
        let apiRps, bareRps, apiRatio, apiP99Ms, bareP99Ms: Double
        let apiErrors: Int
        let auditBatchMean, auditBatchMax: Double
        let dashboardP95Ms, regionPageP95Ms, mapP95Ms, idSearchP95Ms, checkSeconds, checkQualitySeconds,
            checkComplianceSeconds: Double
        let workflowStepsPerS: Double
        let workflowSteps, workflowRefused: Int
        let met: [String: Bool]
    }

    var json: Data {
        get throws {
            let output = Output(
                households: households, persons: persons, database: database, build: build, machine: machine,
                demoSeconds: demoSeconds, databaseMb: databaseMB, importSeconds: importSeconds,
                rawImportSeconds: rawImportSeconds, importRatio: importRatio,
                importPeakRssMb: importPeakRSSMB, exportPeakRssMb: exportPeakRSSMB, pageP50Ms: pageP50,
                pageP99Ms: pageP99, pageRps: pageRPS, pageErrors: pageErrors, apiRps: apiRPS, bareRps: bareRPS,
                apiRatio: apiRatio,
                apiP99Ms: apiP99, bareP99Ms: bareP99,
                apiErrors: apiErrors, auditBatchMean: auditBatchMean, auditBatchMax: auditBatchMax,
                dashboardP95Ms: dashboardP95, regionPageP95Ms: regionPageP95, mapP95Ms: mapP95,
                idSearchP95Ms: idSearchP95, checkSeconds: checkSeconds,
                checkQualitySeconds: checkQualitySeconds, checkComplianceSeconds: checkComplianceSeconds,
                workflowStepsPerS: workflowStepsPerSecond, workflowSteps: workflowSteps,
                workflowRefused: workflowRefused,
                met: Dictionary(uniqueKeysWithValues: rows.compactMap { r in r.met.map { (r.key, $0) } }))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            return try encoder.encode(output)
        }
    }

    /// The nearest-rank percentile.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
    }
}

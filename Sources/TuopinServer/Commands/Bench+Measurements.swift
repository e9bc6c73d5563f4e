import Foundation
import TuopinCore
import Vapor
import Glibc

extension Bench {
    // MARK: Measurements

    struct WrkResult { let rps: Double; let p99: Double; let errors: Int; var p50 = 0.0 }

    /// A wrk script asking for random household ids of the demo region (1…N, checked first).
    /// `prefix` "/households/" asks for the household page instead of its API answer.
    func randomHouseholdScript(token: String, prefix: String = "/api/v1/households/") -> String {
        """
        math.randomseed(2020)
        wrk.headers["Authorization"] = "Bearer \(token)"
        request = function()
          return wrk.format("GET", "\(prefix)" .. math.random(1, \(households)))
        end

        """
    }

    func wrk(_ base: String, token: String?, script: String? = nil, path: String = "/", log: String) async throws
        -> WrkResult
    {
        var arguments = ["-t2", "-c50", "-d\(wrkSeconds)s", "--latency"]
        if let script {
            let scriptPath = directory.appendingPathComponent(log + ".lua").path
            try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
            arguments += ["-s", scriptPath]
        }
        arguments.append(base + path)
        let output = try Bench.runTool("wrk", arguments)
        try Data(output.utf8).write(to: directory.appendingPathComponent(log + ".log"))
        return try Bench.parseWrk(output)
    }

    static func parseWrk(_ output: String) throws -> WrkResult {
        guard let rps = output.firstMatch(of: /Requests\/sec:\s+([0-9.]+)/).flatMap({ Double($0.1) }),
            let p99 = output.firstMatch(of: /\s99%\s+([0-9.]+)(us|ms|s)/)
        else {
            throw TuopinSettings.SettingError(name: "bench", problem: "cannot read wrk's output:\n\(output)")
        }
        func ms(_ value: Substring, _ unit: Substring) -> Double {
            (Double(value) ?? 0) * (unit == "us" ? 0.001 : unit == "s" ? 1000 : 1)
        }
        let p50 = output.firstMatch(of: /\s50%\s+([0-9.]+)(us|ms|s)/).map { ms($0.1, $0.2) } ?? 0
        let non2xx = output.firstMatch(of: /Non-2xx or 3xx responses:\s+(\d+)/).flatMap { Int($0.1) } ?? 0
        let socket =
            output.firstMatch(of: /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/)
            .map { (Int($0.1) ?? 0) + (Int($0.2) ?? 0) + (Int($0.3) ?? 0) + (Int($0.4) ?? 0) } ?? 0
        return WrkResult(rps: rps, p99: ms(p99.1, p99.2), errors: non2xx + socket, p50: p50)
    }

    /// Asks for each path in turn (after five unmeasured requests) and returns the 95th percentile
    /// of the server's own time (`Server-Timing: app;dur=`), in milliseconds.
    /// The audit group commit's batches so far, from the server's metrics (loopback): mean and largest entries.
    func auditBatches(_ base: String) async throws -> (mean: Double, largest: Double) {
        let text = try await client.get(URI(string: base + "/metrics")).body.map { String(buffer: $0) } ?? ""
        func value(_ name: String) -> Double {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap {
                Double($0.split(separator: " ")[1])
            }
                ?? 0
        }
        let batches = value("tuopin_audit_read_batches_total")
        return (
            batches > 0 ? value("tuopin_audit_read_batch_entries_total") / batches : 0,
            value("tuopin_audit_read_batch_max")
        )
    }

    func serverTimeP95(_ base: String, token: String, paths: [String], expectOne: Bool = false) async throws -> Double {
        struct Page: Content { let items: [Item]; struct Item: Content { let id: Int } }
        let headers = HTTPHeaders([("Authorization", "Bearer " + token)])
        var times: [Double] = []
        for (i, path) in (Array(paths.prefix(5)) + paths).enumerated() {
            let response = try await client.get(URI(string: base + path), headers: headers)
            guard response.status == .ok else {
                throw TuopinSettings.SettingError(name: "bench", problem: "GET \(path): \(response.status)")
            }
            if expectOne, try response.content.decode(Page.self).items.count != 1 {
                throw TuopinSettings.SettingError(
                    name: "bench", problem: "GET \(path) did not find exactly one household")
            }
            guard i >= 5 else { continue }
            guard
                let timing = response.headers.first(name: "Server-Timing")?.firstMatch(of: /dur=([0-9.]+)/).flatMap({
                    Double($0.1)
                })
            else {
                throw TuopinSettings.SettingError(name: "bench", problem: "GET \(path) has no Server-Timing header")
            }
            times.append(timing)
        }
        return BenchFigures.percentile(times, 0.95)
    }

    /// Resident ID numbers of randomly chosen rows of the exported members file.
    func sampleIDs(_ file: String, count: Int) throws -> [String] {
        let column = MembersTemplate.header.firstIndex(of: "证件号码")!
        var generator = SplitMix64(seed: 2020)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        return (0..<count).map { _ in
            String(
                lines[lines.index(lines.startIndex, offsetBy: Int.random(in: 0..<lines.count, using: &generator))]
                    .split(separator: ",", omittingEmptySubsequences: false)[column])
        }
    }

    /// The village cadre proposes the exit of each not-yet-exited household of the demo's first
    /// village, one request per step, then verifies, records consent and publishes the notice
    /// while the steps are allowed. Returns the steps taken, the steps refused and the time.
    func exitSteps(_ base: String) async throws -> (Int, Int, Double) {
        struct Page: Content { let items: [Item]; struct Item: Content { let id: Int } }
        struct IDs: Content { let ids: [Int] }
        struct CaseStart: Content {
            let workflow: String; let household_id: Int; let year: Int; let votes_for: Int; let votes_against: Int
        }
        struct Step: Content {
            var action: String
            var consent: Bool? = nil, consent_date: String? = nil, place: String? = nil, starts_on: String? = nil,
                ends_on: String? = nil
        }
        let token = try await self.token(base, "village1")
        let headers = HTTPHeaders([("Authorization", "Bearer " + token)])
        let list = try await client.get(
            URI(string: base + "/api/v1/households?unit=540102001201&status=notExited&limit=500"), headers: headers)
        let households = try list.content.decode(Page.self).items.map(\.id)
        struct Standard: Content { let year: Int }
        // The latest year with a poverty standard: a case is for a year the standard covers.
        let standards = try await client.get(URI(string: base + "/api/v1/standards"), headers: headers)
        guard let year = try standards.content.decode([Standard].self).map(\.year).max() else {
            throw TuopinSettings.SettingError(name: "bench", problem: "the demo region has no poverty standard")
        }
        let today = app.clock.today
        var taken = 0, refused = 0
        let started = Date()
        var cases: [Int] = []
        for id in households {
            let response = try await client.post(URI(string: base + "/api/v1/cases"), headers: headers) { request in
                try request.content.encode(
                    CaseStart(
                        workflow: "W-household-exit", household_id: id, year: year, votes_for: 25, votes_against: 3))
            }
            if response.status == .created, let ids = try? response.content.decode(IDs.self) {
                taken += 1; cases += ids.ids
            } else {
                refused += 1
            }
        }
        let steps = [
            Step(action: "verify"),
            Step(action: "recordConsent", consent: true, consent_date: today.description),
            Step(
                action: "publishVillageNotice", place: "村委会公示栏", starts_on: today.description,
                ends_on: today.adding(days: 6).description),
        ]
        for id in cases {
            for step in steps {
                let response = try await client.post(URI(string: base + "/api/v1/cases/\(id)/steps"), headers: headers)
                { request in
                    try request.content.encode(step)
                }
                guard response.status == .ok else { refused += 1; break }
                taken += 1
            }
        }
        return (taken, refused, Date().timeIntervalSince(started))
    }
}

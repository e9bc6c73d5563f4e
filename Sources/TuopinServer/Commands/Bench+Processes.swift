import Foundation
import TuopinCore
import Vapor
import Glibc

/// The bench's child processes: spawning `tuopin` and the tools, waiting for them with their resource use.
extension Bench {
    /// Runs this executable with `arguments`; output goes to a log file in the bench directory,
    /// whose last lines are shown if the child fails.
    @discardableResult
    func child(_ arguments: [String], env: [String: String], log: String) async throws -> ChildRun {
        let logPath = directory.appendingPathComponent(log + ".log").path
        let peakPath = directory.appendingPathComponent(log + ".peak").path
        try? FileManager.default.removeItem(atPath: peakPath)
        var env = env
        env["TUOPIN_PEAK_RSS_FILE"] = peakPath
        let started = Date()
        let pid = try Bench.spawn(executable, arguments, env: env, output: logPath)
        let (status, usage) = await Bench.wait(pid)
        // The child's own peak when it wrote one (see `PeakMemory`), else what wait4 says.
        let peak = PeakMemory.read(peakPath) ?? Double(usage.ru_maxrss) / 1024
        let seconds = Date().timeIntervalSince(started)
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TuopinSettings.SettingError(
                name: "bench",
                problem: "`tuopin \(arguments.joined(separator: " "))` failed (status \(status)):\n"
                    + output.split(separator: "\n").suffix(10).joined(separator: "\n"))
        }
        say(String(format: "    %@: %.1f s, peak %.0f MB", log, seconds, peak))
        return ChildRun(seconds: seconds, peakRSSMB: peak, output: output)
    }

    static func which(_ tool: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a tool to completion; its output is returned, a failure throws with it.
    @discardableResult
    static func runTool(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: which(tool) ?? tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw TuopinSettings.SettingError(name: "bench", problem: "\(tool) failed: \(output.prefix(2000))")
        }
        return output
    }

    static func spawn(_ path: String, _ arguments: [String], env: [String: String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else {
            throw TuopinSettings.SettingError(
                name: "bench", problem: "cannot start \(path): \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// Waits for a child without holding a thread of the cooperative pool; returns its exit
    /// status (128 + signal if killed) and its resource usage (peak resident memory).
    static func wait(_ pid: pid_t) async -> (Int32, rusage) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                var usage = rusage()
                while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
                let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                continuation.resume(returning: (code, usage))
            }
        }
    }
}

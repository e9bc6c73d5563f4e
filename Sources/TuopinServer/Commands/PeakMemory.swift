import Foundation

/// A process's own peak resident memory, written at exit to the file named by
/// `TUOPIN_PEAK_RSS_FILE` (what `tuopin bench` reads for its children). The child's `ru_maxrss` seen by
/// `wait4` is not enough: a child started with `posix_spawn` shares its parent's memory until it
/// runs, and Linux counts the parent's peak as the child's (the bench, having read an export, was
/// larger than the import it measured).
public enum PeakMemory {
    /// `VmHWM` of `/proc/self/status`, in kB.
    static func ownPeakKB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) }
    }

    public static func reportIfAsked() {
        guard let path = ProcessInfo.processInfo.environment["TUOPIN_PEAK_RSS_FILE"], let kb = ownPeakKB() else {
            return
        }
        try? Data("\(kb)\n".utf8).write(to: URL(fileURLWithPath: path))
    }

    /// What a child wrote to `path`, in MB (nil when it wrote nothing).
    static func read(_ path: String) -> Double? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }.map { $0 / 1024 }
    }
}

import Foundation
import Testing

/// No function in `Sources/` over 80 lines but the route table (issue #23): a function's length is
/// counted from its `func` line to the brace that closes its body.
@Suite struct FunctionLengthTests {
    static let limit = 80
    static let exempt: Set<String> = ["Sources/TuopinServer/Web/Routes.swift routes"]

    /// (name, lines) of every function in a Swift source, nested ones included. The sources are
    /// formatted one way: a body closes with a `}` alone on a line at the indentation of its `func`,
    /// and a function on one line opens and closes its body there.
    static func functions(in text: String) -> [(name: String, lines: Int)] {
        let lines = text.components(separatedBy: "\n")
        let declaration = try! NSRegularExpression(pattern: #"^(\s*)(?:@[\w()]+\s+)*(?:\w+\s+)*func\s+(\w+)"#)
        var out: [(String, Int)] = []
        for (i, line) in lines.enumerated() {
            guard let m = declaration.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                let indent = Range(m.range(at: 1), in: line), let name = Range(m.range(at: 2), in: line)
            else { continue }
            let code = line.components(separatedBy: " // ")[0].trimmingCharacters(in: .whitespaces)
            if code.contains("{") && code.hasSuffix("}") { out.append((String(line[name]), 1)); continue }
            let close = String(line[indent]) + "}"
            if let end = lines[(i + 1)...].firstIndex(where: { $0 == close }) {
                out.append((String(line[name]), end - i + 1))
            }
        }
        return out
    }

    @Test func noFunctionIsLongerThanTheLimit() throws {
        let root = packageRoot()
        let base = URL(fileURLWithPath: root + "Sources")
        var long: [String] = []
        for case let url as URL in FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
        where url.pathExtension == "swift" {
            let path = "Sources" + url.path.dropFirst(base.path.count)
            for f in Self.functions(in: try String(contentsOf: url, encoding: .utf8))
            where f.lines > Self.limit && !Self.exempt.contains("\(path) \(f.name)") {
                long.append("\(path) \(f.name): \(f.lines) lines")
            }
        }
        #expect(long.isEmpty, "functions over \(Self.limit) lines:\n\(long.joined(separator: "\n"))")
    }

    /// No line in `Sources/` or `Tests/` longer than 120 characters (issue #23; `.swift-format`
    /// wraps code at that width, and long SQL is continued with a `\` at the end of the line).
    @Test func noLineIsLongerThan120Characters() throws {
        let root = packageRoot()
        var long: [String] = []
        for folder in ["Sources", "Tests"] {
            let base = URL(fileURLWithPath: root + folder)
            for case let url as URL in FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
            where url.pathExtension == "swift" {
                let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
                for (i, line) in lines.enumerated() where line.count > 120 {
                    long.append(folder + url.path.dropFirst(base.path.count) + ":\(i + 1)")
                }
            }
        }
        #expect(long.isEmpty, "lines over 120 characters:\n\(long.joined(separator: "\n"))")
    }

    @Test func theCountFollowsTheBraces() {
        let text = """
            func one() { let x = "}" }
            func two(progress: () -> Void = { }) {
                print("\\(x ? "{" : "(")")
            }
            struct S {
                func three() {
                    if true { print("{") } // }
                }
            }
            """
        let found = Self.functions(in: text)
        #expect(found.map(\.name) == ["one", "two", "three"])
        #expect(found.map(\.lines) == [1, 3, 3])
    }
}

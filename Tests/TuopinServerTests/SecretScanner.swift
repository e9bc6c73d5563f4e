import Foundation
import Testing
import TuopinCore

/// Which of many secrets (ID numbers, phones, their masks) occur in a text — the same answer as
/// `text.contains(secret)` for each, in one pass instead of one search per secret and page: every
/// occurrence of a secret lies inside a run of the characters secrets are made of, so only the
/// windows of such runs are looked up.
struct SecretScanner {
    private let secrets: Set<String>
    private let lengths: [Int]
    private let runs: NSRegularExpression?

    init(_ secrets: some Sequence<String>) {
        let set = Set(secrets.filter { !$0.isEmpty })
        self.secrets = set
        lengths = Set(set.map(\.count)).sorted()
        let alphabet = Set(set.flatMap(\.unicodeScalars)).map { String(format: "\\x{%X}", $0.value) }.joined()
        runs = lengths.first.flatMap { try? NSRegularExpression(pattern: "[\(alphabet)]{\($0),}") }
    }

    /// The secrets found in `text`.
    func found(in text: String) -> Set<String> {
        guard let runs else { return [] }
        var out: Set<String> = []
        for match in runs.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            let run = Array(text[range])
            for length in lengths where run.count >= length {
                for start in 0...(run.count - length) {
                    let window = String(run[start..<(start + length)])
                    if secrets.contains(window) { out.insert(window) }
                }
            }
        }
        return out
    }

    func contains(any text: String) -> Bool { !found(in: text).isEmpty }
}

@Suite struct SecretScannerTests {
    /// The scanner answers as `contains` would, secret by secret, on texts made to hold some of them
    /// (alone, inside longer runs of digits, overlapping, and at the ends).
    @Test func findsExactlyWhatContainsFinds() {
        var rng = SplitMix64(seed: 5)
        func digits(_ n: Int) -> String { String((0..<n).map { _ in "0123456789".randomElement(using: &rng)! }) }
        let secrets = (0..<40).map { i in
            i % 3 == 0 ? digits(11) : i % 3 == 1 ? digits(17) + "X" : "540102********" + digits(4)
        }
        let scanner = SecretScanner(secrets)
        for round in 0..<200 {
            var text = ""
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: text += secrets.randomElement(using: &rng)!
                case 1: text += digits(Int.random(in: 1...30, using: &rng))
                case 2: text += "<td>户主</td>"
                default:
                    text += String(secrets.randomElement(using: &rng)!.dropLast(Int.random(in: 1...5, using: &rng)))
                }
            }
            let expected = Set(secrets.filter { text.contains($0) })
            #expect(scanner.found(in: text) == expected, "round \(round): \(text)")
        }
    }
}

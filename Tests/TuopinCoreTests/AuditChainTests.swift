import Testing
@testable import TuopinCore

/// A stand-in hash for the chain logic; the server tests use real SHA-256.
private let toyHash: AuditChain.Hasher = { text in
    var h: UInt64 = 1469598103934665603
    for b in text.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
    return String(h, radix: 16)
}

@Suite struct AuditChainTests {
    func chain(_ n: Int) -> [AuditEntry] {
        var previous = AuditChain.genesisHash
        return (1...n).map { i in
            var e = AuditEntry(
                seq: Int64(i), at: "2026-11-27T10:00:0\(i % 10).000Z", userID: "u1", action: "create",
                entity: "household", entityID: "\(i)", before: "", after: "{\"n\":\(i)}")
            e.hash = AuditChain.hash(of: e, previous: previous, using: toyHash)
            previous = e.hash
            return e
        }
    }

    @Test func intactChainVerifies() {
        var verifier = AuditChain.Verifier(sha256: toyHash)
        for entry in chain(5) { #expect(verifier.feed(entry) == nil) }
        #expect(verifier.count == 5)
    }

    @Test func alteredEntryIsNamed() {
        var entries = chain(5)
        entries[2].after = "{\"n\":99}"
        var verifier = AuditChain.Verifier(sha256: toyHash)
        let firstBreak = entries.lazy.compactMap { verifier.feed($0) }.first
        #expect(firstBreak == .hashMismatch(seq: 3))
    }

    @Test func removedEntryIsNamed() {
        var entries = chain(5)
        entries.remove(at: 1)
        var verifier = AuditChain.Verifier(sha256: toyHash)
        let firstBreak = entries.lazy.compactMap { verifier.feed($0) }.first
        #expect(firstBreak == .sequenceGap(expected: 2, found: 3))
    }

    @Test func separatorInsideAFieldCannotForgeAnotherEntry() {
        let a = AuditEntry(
            seq: 1, at: "t", userID: "u", action: "a\u{1F}b", entity: "e", entityID: "1", before: "", after: "")
        let b = AuditEntry(
            seq: 1, at: "t", userID: "u", action: "a", entity: "b\u{1F}e", entityID: "1", before: "", after: "")
        #expect(a.canonical != b.canonical)
    }
}

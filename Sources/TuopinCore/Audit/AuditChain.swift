/// The tamper-evident audit chain (DESIGN.md, Audit): each entry's hash is
/// SHA-256(previous hash ‖ canonical entry). The hash function is passed in so that the
/// policy stays free of any crypto library.
public struct AuditEntry: Sendable, Equatable {
    public var seq: Int64
    public var at: String
    public var userID: String
    public var action: String
    public var entity: String
    public var entityID: String
    public var before: String
    public var after: String
    public var hash: String

    public init(
        seq: Int64, at: String, userID: String, action: String, entity: String,
        entityID: String, before: String, after: String, hash: String = ""
    ) {
        self.seq = seq; self.at = at; self.userID = userID; self.action = action
        self.entity = entity; self.entityID = entityID; self.before = before; self.after = after
        self.hash = hash
    }

    /// Fields joined by the ASCII unit separator, which none of them may contain unescaped.
    public var canonical: String {
        [String(seq), at, userID, action, entity, entityID, before, after]
            .map { $0.replacingAll("\u{1F}", with: "\\u001f") }
            .joined(separator: "\u{1F}")
    }
}

public enum AuditChain {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Hex SHA-256 of the previous hash followed by the canonical entry.
    public typealias Hasher = @Sendable (String) -> String

    public static func hash(of entry: AuditEntry, previous: String, using sha256: Hasher) -> String {
        sha256(previous + entry.canonical)
    }

    public enum Break: Equatable, Sendable, CustomStringConvertible {
        case hashMismatch(seq: Int64)
        case sequenceGap(expected: Int64, found: Int64)

        public var seq: Int64 {
            switch self {
            case .hashMismatch(let seq): seq
            case .sequenceGap(_, let found): found
            }
        }

        public var description: String {
            switch self {
            case .hashMismatch(let seq): "entry \(seq): hash does not match its contents and the previous hash"
            case .sequenceGap(let expected, let found):
                "entry \(found): expected entry \(expected) (an entry is missing)"
            }
        }
    }

    /// Incremental verifier: feed entries in sequence order, stop at the first break.
    public struct Verifier: Sendable {
        public private(set) var previousHash = AuditChain.genesisHash
        public private(set) var nextSeq: Int64 = 1
        public private(set) var count = 0
        let sha256: Hasher

        public init(sha256: @escaping Hasher) { self.sha256 = sha256 }

        public mutating func feed(_ entry: AuditEntry) -> Break? {
            guard entry.seq == nextSeq else { return .sequenceGap(expected: nextSeq, found: entry.seq) }
            guard AuditChain.hash(of: entry, previous: previousHash, using: sha256) == entry.hash else {
                return .hashMismatch(seq: entry.seq)
            }
            previousHash = entry.hash
            nextSeq += 1
            count += 1
            return nil
        }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}

/// An optional form value that a browser sends empty when nothing is chosen (a select's "—"
/// option posts `project_id=`): empty text is nil, anything else is read as `Value` (a number in
/// JSON or a form). Without it an empty choice was refused as an invalid number (issue #24).
@propertyWrapper
struct EmptyIsNil<Value: Codable & Sendable>: Codable, Sendable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            wrappedValue = nil
        } else if let text = try? c.decode(String.self), text.allSatisfy(\.isWhitespace) {
            wrappedValue = nil
        } else {
            wrappedValue = try c.decode(Value.self)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(wrappedValue)
    }
}

extension KeyedDecodingContainer {
    /// A missing key is nil too (the synthesised decoding would ask for the key).
    func decode<V>(_ type: EmptyIsNil<V>.Type, forKey key: Key) throws -> EmptyIsNil<V> {
        try decodeIfPresent(type, forKey: key) ?? EmptyIsNil(wrappedValue: nil)
    }
}

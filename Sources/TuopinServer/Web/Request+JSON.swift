import Vapor

extension Request {
    static let maxJSONBody = 1 << 20

    /// Decodes a JSON body, refusing other content types and bodies over 1 MiB before parsing.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard headers.contentType?.type == "application", headers.contentType?.subType == "json" else {
            throw AppError.unsupportedMediaType
        }
        guard let body = body.data else { throw AppError.badRequest }
        guard body.readableBytes <= Self.maxJSONBody else { throw AppError.payloadTooLarge }
        return try content.decode(T.self, using: JSONDecoder())
    }

    /// `decodeJSON`, refusing any top-level key but `keys` (a misspelt field is an error, not ignored).
    func decodeJSON<T: Decodable>(_ type: T.Type, keys: Set<String>) throws -> T {
        let value = try decodeJSON(type)
        if let object = try? JSONSerialization.jsonObject(with: Data(buffer: body.data!)) as? [String: Any],
            let unknown = object.keys.sorted().first(where: { !keys.contains($0) })
        {
            throw AppError.invalidField(String(unknown.prefix(64)))
        }
        return value
    }
}

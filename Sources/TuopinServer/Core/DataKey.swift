import Crypto
import Foundation

/// Protects personal data at rest: AES-GCM for resident ID and phone numbers, and an HMAC
/// index so that an exact number can be found and de-duplicated without decrypting.
public struct DataProtector: Sendable {
    private let encryptionKey: SymmetricKey
    private let indexKey: SymmetricKey

    public init(masterKey: Data) {
        let master = SymmetricKey(data: masterKey)
        encryptionKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("tuopin-aes-gcm".utf8), outputByteCount: 32)
        indexKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("tuopin-hmac-index".utf8), outputByteCount: 32)
    }

    public func encrypt(_ plain: String) throws -> String {
        try AES.GCM.seal(Data(plain.utf8), using: encryptionKey).combined!.base64EncodedString()
    }

    public func decrypt(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw AppError.corruptData }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: encryptionKey), as: UTF8.self)
    }

    /// Hex HMAC-SHA256 of the normalised value.
    public func index(_ plain: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(plain.uppercased().utf8), using: indexKey).withUnsafeBytes {
            $0.hexString
        }
    }

    /// Reads the key file in `directory`, creating it (mode 0600) with a fresh key if absent.
    public static func loadOrCreateKeyFile(in directory: URL) throws -> Data {
        let url = directory.appendingPathComponent("tuopin.key")
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path) {
            let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let key = Data(base64Encoded: text), key.count == 32 else {
                throw TuopinSettings.SettingError(
                    name: "TUOPIN_DATA_DIR", problem: "\(url.path) is not a 32-byte base64 key")
            }
            return key
        }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        guard
            fm.createFile(
                atPath: url.path, contents: Data((key.base64EncodedString() + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else {
            throw TuopinSettings.SettingError(name: "TUOPIN_DATA_DIR", problem: "cannot write \(url.path)")
        }
        return key
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex. (Not `String(format:)` per byte: an import computes a million of these.)
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Digest {
    var hexString: String { Array(self).hexString }
}

extension HashedAuthenticationCode {
    var hexString: String { Array(self).hexString }
}

enum Hashing {
    static func sha256Hex(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).hexString }
}

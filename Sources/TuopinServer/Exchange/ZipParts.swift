import Foundation
// zlib comes as ZIPFoundation's CZlib module, which SwiftPM makes visible to its
// dependents; it is the same libz ZIPFoundation links.
import CZlib

/// The parts of a ZIP archive held in memory, read with every length checked against the bytes
/// there are. ZIPFoundation is not used for reading uploads: its inflate loop never ends on a
/// deflate stream cut short (it keeps reading zero bytes at the end of the file), and its
/// in-memory archive reads past its end on multi-megabyte entries.
struct ZipParts {
    struct Part {
        let path: String
        let method: UInt16
        let compressedSize: Int
        let crc: UInt32
        let localHeader: Int
    }

    enum Failure: Error, Equatable {
        case malformed
        case tooLarge
    }

    let bytes: [UInt8]
    let parts: [Part]

    /// Reads the central directory; refuses ZIP64, encrypted parts and any length that points
    /// outside the archive.
    init(_ data: Data) throws(Failure) {
        let bytes = [UInt8](data)
        self.bytes = bytes
        // The end-of-central-directory record: 22 bytes and a comment of at most 65,535 bytes.
        guard bytes.count >= 22 else { throw .malformed }
        var end = -1
        var at = bytes.count - 22
        while at >= max(0, bytes.count - 22 - 65_535) {
            if Self.u32(bytes, at) == 0x0605_4B50 { end = at; break }
            at -= 1
        }
        guard end >= 0 else { throw .malformed }
        let count = Int(Self.u16(bytes, end + 10))
        let directorySize = Int(Self.u32(bytes, end + 12))
        let directoryStart = Int(Self.u32(bytes, end + 16))
        guard directoryStart <= end, directorySize <= end - directoryStart else { throw .malformed }
        var parts: [Part] = []
        var at2 = directoryStart
        for _ in 0..<count {
            guard at2 + 46 <= end, Self.u32(bytes, at2) == 0x0201_4B50 else { throw .malformed }
            let flags = Self.u16(bytes, at2 + 8)
            let method = Self.u16(bytes, at2 + 10)
            let crc = Self.u32(bytes, at2 + 16)
            let compressed = Self.u32(bytes, at2 + 20)
            let nameLength = Int(Self.u16(bytes, at2 + 28))
            let extraLength = Int(Self.u16(bytes, at2 + 30))
            let commentLength = Int(Self.u16(bytes, at2 + 32))
            let local = Self.u32(bytes, at2 + 42)
            let nameEnd = at2 + 46 + nameLength
            guard nameEnd <= end, flags & 1 == 0, compressed != 0xFFFF_FFFF, local != 0xFFFF_FFFF else {
                throw .malformed
            }
            let path = String(decoding: bytes[(at2 + 46)..<nameEnd], as: UTF8.self)
            parts.append(
                Part(path: path, method: method, compressedSize: Int(compressed), crc: crc, localHeader: Int(local)))
            at2 = nameEnd + extraLength + commentLength
        }
        self.parts = parts
    }

    subscript(path: String) -> Part? { parts.first { $0.path == path } }

    /// A part's bytes: stored or deflated, at most `limit` bytes once inflated, its CRC checked.
    func read(_ part: Part, limit: Int) throws(Failure) -> Data {
        let start = part.localHeader
        guard start >= 0, start + 30 <= bytes.count, Self.u32(bytes, start) == 0x0403_4B50 else { throw .malformed }
        let payload = start + 30 + Int(Self.u16(bytes, start + 26)) + Int(Self.u16(bytes, start + 28))
        guard payload <= bytes.count, part.compressedSize <= bytes.count - payload else { throw .malformed }
        let raw = bytes[payload..<(payload + part.compressedSize)]
        let out: Data
        switch part.method {
        case 0:
            guard raw.count <= limit else { throw .tooLarge }
            out = Data(raw)
        case 8:
            out = try Self.inflate(raw, limit: limit)
        default:
            throw .malformed
        }
        let crc = out.withUnsafeBytes { buffer in
            UInt32(crc32(0, buffer.bindMemory(to: Bytef.self).baseAddress, uInt(buffer.count)))
        }
        guard crc == part.crc else { throw .malformed }
        return out
    }

    /// Raw deflate, stopping with `.tooLarge` as soon as the output passes `limit` and with
    /// `.malformed` when the input ends before the stream does.
    static func inflate(_ input: ArraySlice<UInt8>, limit: Int) throws(Failure) -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .malformed
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunk = 64 << 10
        var buffer = [UInt8](repeating: 0, count: chunk)
        var source = Array(input)
        let result: Int32 = source.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while true {
                let status: Int32 = buffer.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(chunk)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk - Int(stream.avail_out)
                if output.count + produced > limit { return Z_MEM_ERROR }
                output.append(contentsOf: buffer[0..<produced])
                if status == Z_STREAM_END { return Z_STREAM_END }
                // No progress possible: the input is used up (or the stream is broken).
                if status != Z_OK || (produced == 0 && stream.avail_in == 0) {
                    return status == Z_OK ? Z_DATA_ERROR : status
                }
            }
        }
        switch result {
        case Z_STREAM_END: return output
        case Z_MEM_ERROR: throw .tooLarge
        default: throw .malformed
        }
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}

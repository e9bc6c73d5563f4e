import Foundation

extension JSONEncoder {
    /// Keys sorted, so that frozen figures read the same every time.
    static var sorted: JSONEncoder { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }
}

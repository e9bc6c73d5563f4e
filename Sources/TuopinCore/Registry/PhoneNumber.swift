/// Phone numbers are personal data: stored encrypted, shown masked (`139****5678`).
public enum PhoneNumber {
    public static func mask(_ phone: String) -> String {
        guard phone.count >= 7 else { return String(repeating: "*", count: phone.count) }
        return String(phone.prefix(3)) + String(repeating: "*", count: phone.count - 7) + String(phone.suffix(4))
    }

    /// 7 to 20 characters of digits, with an optional leading `+` and inner `-`.
    public static func isValid(_ phone: String) -> Bool {
        let body = phone.hasPrefix("+") ? phone.dropFirst() : Substring(phone)
        return (7...20).contains(phone.count) && body.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "-" }
            && body.first?.isNumber == true && body.last?.isNumber == true
    }
}

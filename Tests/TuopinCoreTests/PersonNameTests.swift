import Testing
@testable import TuopinCore

/// Issue #22 (Low): names that hide or reorder what a reader sees are refused, at the length
/// bound and for each kind of hidden character; real names in three scripts pass.
@Suite struct PersonNameTests {
    @Test func realNamesPassAndAreTrimmed() {
        for name in ["格桑", "次仁·多吉", "བཀྲ་ཤིས་བདེ་ལེགས།", "Tashi Dolma", "阿依古丽·买买提"] {
            #expect(PersonName.validated(name) == name, "\(name)")
        }
        #expect(PersonName.validated("  格桑 ") == "格桑")
    }

    @Test func lengthIsBoundedAtFifty() {
        #expect(PersonName.validated(String(repeating: "格", count: 49)) != nil)
        #expect(PersonName.validated(String(repeating: "格", count: 50)) != nil)
        #expect(PersonName.validated(String(repeating: "格", count: 51)) == nil)
        #expect(PersonName.validated("") == nil && PersonName.validated("   ") == nil)
    }

    @Test func hiddenCharactersAreRefused() {
        for hidden in [
            "\u{0}", "\u{7}", "\u{1B}", "\u{7F}", "\u{85}", "\u{202E}", "\u{202A}", "\u{2066}", "\u{200B}", "\u{200D}",
            "\u{FEFF}", "\u{E000}", "\u{2028}", "\u{2029}", "\n", "\t",
        ] {
            #expect(
                PersonName.validated("格\(hidden)桑") == nil, "U+\(String(hidden.unicodeScalars.first!.value, radix: 16))"
            )
        }
    }
}

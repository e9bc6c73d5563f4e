import Foundation
import Testing
@testable import TuopinCore

@Suite struct OrgCodeTests {
    @Test func levelsFollowCodeLength() {
        #expect(OrgCode("54")?.level == .region)
        #expect(OrgCode("5401")?.level == .prefecture)
        #expect(OrgCode("540102")?.level == .county)
        #expect(OrgCode("540102001")?.level == .township)
        #expect(OrgCode("540102001201")?.level == .village)
    }

    @Test func rejectsMalformedCodes() {
        #expect(OrgCode("540") == nil)
        #expect(OrgCode("54010A") == nil)
        #expect(OrgCode("") == nil)
        #expect(OrgCode("５４") == nil)  // full-width digits are not ASCII digits
    }

    @Test func sixDigitStatisticalForm() {
        #expect(OrgCode(sixDigit: "540000")?.value == "54")
        #expect(OrgCode(sixDigit: "540100")?.value == "5401")
        #expect(OrgCode(sixDigit: "542500")?.value == "5425")
        #expect(OrgCode(sixDigit: "540102")?.value == "540102")
        #expect(OrgCode("5401")?.sixDigit == "540100")
    }

    @Test func pathAndAncestry() {
        let village = OrgCode("540102001201")!
        #expect(village.path == "54/5401/540102/540102001/540102001201")
        #expect(village.parent?.value == "540102001")
        #expect(village.ancestor(at: .county)?.value == "540102")
        #expect(village.isSelfOrDescendant(of: OrgCode("5401")!))
        #expect(!village.isSelfOrDescendant(of: OrgCode("540103")!))
        #expect(OrgCode("54")!.parent == nil)
    }
}

/// A day is stored and served as its ISO text (the models' day columns hold it as text).
@Suite struct CivilDateCodingTests {
    @Test func aDayEncodesAsItsISOTextAndReadsItBack() throws {
        let day = CivilDate(year: 2026, month: 3, day: 9)!
        let json = try JSONEncoder().encode([day])
        #expect(String(decoding: json, as: UTF8.self) == #"["2026-03-09"]"#)
        #expect(try JSONDecoder().decode([CivilDate].self, from: json) == [day])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CivilDate].self, from: Data(#"["2026-02-30"]"#.utf8))
        }
    }
}

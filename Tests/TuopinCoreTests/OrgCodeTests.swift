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
        #expect(OrgCode("５４") == nil)   // full-width digits are not ASCII digits
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

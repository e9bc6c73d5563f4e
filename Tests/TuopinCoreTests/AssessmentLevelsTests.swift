import Testing
@testable import TuopinCore

/// Issue #25 item 8: assessment at every level.
@Suite struct AssessmentLevelsTests {
    /// Who assesses whom, the four recipients, and who keeps and reads a scheme.
    @Test func assessorsRecipientsAndReaders() {
        #expect(AssessmentLevels.assessed(by: .region) == [.prefecture, .county])
        #expect(AssessmentLevels.assessed(by: .prefecture) == [.county])
        #expect(AssessmentLevels.assessed(by: .county) == [.township])
        #expect(AssessmentLevels.assessed(by: .township).isEmpty)
        let county = OrgCode("540102")!
        #expect(AssessmentLevels.assesses(county, OrgCode("540102001")!))
        #expect(!AssessmentLevels.assesses(county, OrgCode("540103001")!))
        #expect(
            !AssessmentLevels.assesses(county, OrgCode("540102001201")!) && !AssessmentLevels.assesses(county, county))
        let three: Set<AssessmentRecipient> = [.partyCommittee, .government, .discipline]
        #expect(!AssessmentLevels.distributionComplete(three))
        #expect(AssessmentLevels.distributionComplete(three.union([.organisation])))
        let office = Scope(bindings: [RoleBinding(role: .countyOffice, unit: county)])
        let hq = Scope(bindings: [RoleBinding(role: .regionHQ, unit: OrgCode("54")!)])
        let clerk = Scope(bindings: [RoleBinding(role: .clerk, unit: OrgCode("540102001")!)])
        #expect(office.mayAssess(as: county) && !office.mayAssess(as: OrgCode("540103")!))
        #expect(!hq.mayAssess(as: county) && hq.mayAssess(as: OrgCode("54")!))
        #expect(!clerk.mayAssess(as: county) && !clerk.mayAssess(as: OrgCode("540102001")!))
        #expect(clerk.maySeeScheme(of: county) && hq.maySeeScheme(of: county))
        #expect(!clerk.maySeeScheme(of: OrgCode("540103")!))
    }
}

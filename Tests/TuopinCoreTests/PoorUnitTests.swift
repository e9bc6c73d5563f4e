import Testing
@testable import TuopinCore

/// Issue #25 item 7: who can be registered as poor, and when the registration may change.
@Suite struct PoorUnitTests {
    @Test func onlyVillagesAndTownshipsAreRegisteredAndOnlyBeforeTheyExit() {
        #expect(PoorUnit.registrable(.village) && PoorUnit.registrable(.township))
        #expect(!PoorUnit.registrable(.county) && !PoorUnit.registrable(.prefecture) && !PoorUnit.registrable(.region))
        #expect(PoorUnit.changeProblem(level: .village, from: false, to: true, exitYear: nil) == nil)
        #expect(PoorUnit.changeProblem(level: .township, from: true, to: false, exitYear: nil) == nil)
        // Recording what is already recorded, an exited unit, or a county: refused.
        #expect(PoorUnit.changeProblem(level: .village, from: true, to: true, exitYear: nil) == "is_poor")
        #expect(PoorUnit.changeProblem(level: .village, from: true, to: false, exitYear: 2019) == "is_poor")
        #expect(PoorUnit.changeProblem(level: .county, from: false, to: true, exitYear: nil) == "is_poor")
    }
}

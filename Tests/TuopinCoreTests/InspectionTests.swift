import Testing
@testable import TuopinCore

/// Inspection findings (article 39): the rectification workflow and rule R-39-1, hand-worked.
@Suite struct InspectionTests {
    /// Every (state, action, actor) triple: only the responsible unit rectifies, and only an open or
    /// reopened finding; only the inspecting unit accepts or reopens, and only a rectified one.
    @Test func theWorkflowTakesOnlyItsOwnSteps() {
        var allowed: [String] = []
        for state in FindingState.allCases {
            for action in FindingAction.allCases {
                for actor in [FindingActor.responsible, .inspecting] {
                    if let next = FindingWorkflow.transition(state, action, by: actor) {
                        allowed.append("\(state.rawValue)-\(action.rawValue)-\(actor.rawValue)->\(next.rawValue)")
                    }
                }
            }
        }
        #expect(
            allowed == [
                "open-rectify-responsible->rectified", "rectified-accept-inspecting->verified",
                "rectified-reopen-inspecting->reopened", "reopened-rectify-responsible->rectified",
            ])
        #expect(FindingWorkflow.actions(.rectified, for: .inspecting) == [.accept, .reopen])
        #expect(FindingWorkflow.actions(.rectified, for: .responsible).isEmpty)
        #expect(FindingWorkflow.actions(.verified, for: .inspecting).isEmpty)
    }

    /// R-39-1 on 2026-06-10: a finding due yesterday and open, or rectified but not accepted, is a
    /// violation of the responsible unit; one due today, or accepted even late, is not.
    @Test func r39FindsFindingsPastTheirDeadlineWithoutAcceptance() {
        var facts = ComplianceFacts(cadres: [], households: [], unitsWithPoor: [])
        facts.chain.today = CivilDate(iso: "2026-06-10")!
        let township = OrgCode("540102001")!, village = OrgCode("540102001201")!
        facts.findings = [
            .init(id: 1, unit: township, state: .open, deadline: CivilDate(iso: "2026-06-09")!, inspection: "督查"),
            .init(id: 2, unit: township, state: .open, deadline: CivilDate(iso: "2026-06-10")!, inspection: "督查"),
            .init(id: 3, unit: village, state: .rectified, deadline: CivilDate(iso: "2026-05-01")!, inspection: "巡查"),
            .init(id: 4, unit: village, state: .verified, deadline: CivilDate(iso: "2026-01-01")!, inspection: "巡查"),
            .init(id: 5, unit: village, state: .reopened, deadline: CivilDate(iso: "2026-06-01")!, inspection: "巡查"),
        ]
        let found = ComplianceRules.r39_1.check(facts)
        #expect(found.map(\.subject) == ["finding:1", "finding:3", "finding:5"])
        #expect(found.map(\.unit) == [township, village, village])
        #expect(found.first?.details == ["1", "督查", "2026-06-09"] && found.first?.article == 39)
        #expect(ComplianceRules.all.contains { $0.id == .r39_1 })
    }

    @Test func datesAndOnTimeRectification() {
        let d = { CivilDate(iso: $0)! }
        #expect(FindingWorkflow.findingProblem(deadline: d("2026-06-09"), raisedOn: d("2026-06-10")) == "deadline")
        #expect(FindingWorkflow.findingProblem(deadline: d("2026-06-10"), raisedOn: d("2026-06-10")) == nil)
        #expect(
            FindingWorkflow.inspectionProblem(startedOn: d("2026-06-11"), endedOn: nil, today: d("2026-06-10"))
                == "started_on")
        #expect(
            FindingWorkflow.inspectionProblem(
                startedOn: d("2026-06-01"), endedOn: d("2026-05-31"), today: d("2026-06-10")) == "ended_on")
        #expect(
            FindingWorkflow.inspectionProblem(
                startedOn: d("2026-06-01"), endedOn: d("2026-06-01"), today: d("2026-06-10")) == nil)
        #expect(FindingWorkflow.isOverdue(.rectified, deadline: d("2026-06-09"), today: d("2026-06-10")))
        #expect(!FindingWorkflow.isOverdue(.verified, deadline: d("2026-06-09"), today: d("2026-06-10")))
        #expect(FindingWorkflow.actors(inspects: true, keepsResponsibleUnit: true) == [.inspecting])
        #expect(FindingWorkflow.actors(inspects: false, keepsResponsibleUnit: true) == [.responsible])
        #expect(FindingWorkflow.actors(inspects: false, keepsResponsibleUnit: false).isEmpty)
        #expect(
            FindingWorkflow.rectifiedOnTime(state: .verified, deadline: d("2026-06-10"), rectifiedOn: d("2026-06-10")))
        #expect(
            FindingWorkflow.rectifiedOnTime(state: .verified, deadline: d("2026-06-10"), rectifiedOn: d("2026-06-09")))
        #expect(!FindingWorkflow.rectifiedOnTime(state: .verified, deadline: d("2026-06-10"), rectifiedOn: nil))
        #expect(
            !FindingWorkflow.rectifiedOnTime(state: .verified, deadline: d("2026-06-10"), rectifiedOn: d("2026-06-11")))
        #expect(
            !FindingWorkflow.rectifiedOnTime(state: .rectified, deadline: d("2026-06-10"), rectifiedOn: d("2026-06-01"))
        )
        #expect(EvidenceFile.kind(of: Array("%PDF-1.7".utf8)) == .pdf)
        #expect(EvidenceFile.kind(of: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(EvidenceFile.kind(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(EvidenceFile.kind(of: Array("GIF89a".utf8)) == nil)
    }
}

import Testing
@testable import TuopinCore

@Suite struct WorkflowTests {
    /// Every (state, action, role) of every workflow is either allowed or refused with a reason,
    /// and exactly the expected ones are allowed.
    @Test(arguments: Workflows.all.map(\.id))
    func everyStateActionAndRoleIsDecided(id: String) {
        let wf = Workflows.all.first { $0.id == id }!
        var allowed = 0
        for state in wf.states {
            for action in wf.actions {
                for role in Role.allCases {
                    let result = wf.transition(state, action: action, by: role, facts: StepFacts())
                    guard case .at(let done) = state, done < wf.steps.count else {
                        #expect(result == .failure(.finished)); continue
                    }
                    let step = wf.steps[done]
                    let expectedOK =
                        step.roles.contains(role) && (action == step.action || (action == "reject" && step.canReject))
                    switch result {
                    case .success(let next):
                        allowed += 1
                        #expect(expectedOK, "\(id) \(state) \(action) \(role)")
                        #expect(next == (action == "reject" ? .rejected(atStep: done) : .at(done + 1)))
                    case .failure(let refusal):
                        #expect(!expectedOK, "\(id) \(state) \(action) \(role) refused: \(refusal)")
                        #expect(!refusal.key.isEmpty)
                    }
                }
            }
        }
        #expect(allowed > 0)
    }

    /// Walks a workflow to its end with the first allowed role of each step.
    func walk(_ wf: WorkflowDefinition, facts: StepFacts = StepFacts()) -> WorkflowState {
        var state = WorkflowState.at(0)
        for step in wf.steps {
            guard
                case .success(let next) = wf.transition(
                    state, action: step.action, by: step.roles.sorted { $0.rawValue < $1.rawValue }[0], facts: facts)
            else { return state }
            state = next
        }
        return state
    }

    @Test func everyWorkflowReachesItsEnd() {
        for wf in Workflows.all { #expect(wf.isFinal(walk(wf)), "\(wf.id)") }
    }

    @Test func aNoticeBlocksTheNextStepUntilItEndsAndWhileObjectionsAreOpen() {
        let wf = Workflows.identification
        let afterNotice = WorkflowState.at(3)  // apply, appraise, publishVillageNotice done
        var facts = StepFacts(); facts.noticeEnded = false
        #expect(
            wf.transition(afterNotice, action: "reviewTownship", by: .clerk, facts: facts) == .failure(.noticeRunning))
        facts.noticeEnded = true; facts.openObjections = 2
        #expect(
            wf.transition(afterNotice, action: "reviewTownship", by: .clerk, facts: facts)
                == .failure(.objectionOpen(2)))
        facts.openObjections = 0
        #expect(wf.transition(afterNotice, action: "reviewTownship", by: .clerk, facts: facts) == .success(.at(4)))
    }

    @Test func householdExitIsRefusedWhenTheFactsDoNotHold() {
        let wf = Workflows.householdExit
        var facts = StepFacts()
        facts.householdExitFailures = [.guaranteeNotMet(.housing)]
        #expect(
            wf.transition(.at(1), action: "verify", by: .clerk, facts: facts)
                == .failure(.exitCriteriaNotMet([.guaranteeNotMet(.housing)])))
        facts = StepFacts(); facts.consentRecorded = false
        #expect(
            wf.transition(.at(2), action: "recordConsent", by: .villageCadre, facts: facts) == .failure(.consentMissing)
        )
        #expect(
            wf.transition(.at(8), action: "filePrefecture", by: .countyOffice, facts: StepFacts())
                == .failure(.wrongRole(allowed: [.prefectureOffice])))
        #expect(
            wf.transition(.at(2), action: "approveCounty", by: .countyOffice, facts: StepFacts())
                == .failure(.outOfOrder(expected: "recordConsent")))
        #expect(
            wf.transition(.at(9), action: "filePrefecture", by: .prefectureOffice, facts: StepFacts())
                == .failure(.finished))
    }

    @Test func countyExitNamesEveryThresholdMissed() {
        let standard = Standard.defaults.last!
        let good = ExitCriteria.CountySurvey(
            sampledExited: 1_000, wronglyExited: 5, sampledNonRegistered: 1_000, missed: 3,
            surveyedHouseholds: 500, approving: 480)
        // 900 poor + 0.5% of 20,000 exited (100) + 0.3% of 39,100 non-registered (117.3) = 1,117.3 of 60,000.
        let pass = ExitCriteria.county(
            remainingPoor: 900, exitedPeople: 20_000, ruralPopulation: 60_000, survey: good, standard: standard)
        #expect(pass.failed.isEmpty && pass.incidenceBP == 186)
        for threshold in ExitCriteria.CountyThreshold.allCases {
            var survey = good
            var poor = 900
            switch threshold {
            case .comprehensiveIncidence: poor = 1_700
            case .wrongExitRate: survey.wronglyExited = 20
            case .missedRate: survey.missed = 20  // exactly 2%: 782 people estimated, 2.97% incidence
            case .recognition: survey.approving = 440
            }
            let result = ExitCriteria.county(
                remainingPoor: poor, exitedPeople: 20_000, ruralPopulation: 60_000, survey: survey, standard: standard)
            #expect(result.failed == [threshold], "\(threshold)")
            var facts = StepFacts(); facts.countyFailures = result.failed
            #expect(
                Workflows.countyExit.transition(.at(2), action: "assessRegion", by: .regionHQ, facts: facts)
                    == .failure(.countyThresholdsNotMet([threshold])))
        }
    }

    @Test func householdAndVillageCriteria() {
        let s = Standard.defaults.last!  // 2020: 4,000 元
        let income = IncomeFacts(
            year: 2020, wage: Money(yuan: 9_000), business: .zero, property: .zero, transfer: .zero, costs: .zero)
        let met = Dictionary(uniqueKeysWithValues: GuaranteeKind.allCases.map { ($0, true) })
        let today = CivilDate(year: 2021, month: 3, day: 1)!
        #expect(
            ExitCriteria.household(
                incomes: [income], members: 2, guarantees: met, exitYear: 2020, today: today,
                standard: { y in Standard.defaults.first { $0.year == y } }
            ).isEmpty)
        let poor = ExitCriteria.household(
            incomes: [income], members: 3, guarantees: [:], exitYear: 2020, today: today,
            standard: { y in Standard.defaults.first { $0.year == y } })
        #expect(poor.first == .incomeBelowLine(year: 2020, perCapita: Money(yuan: 3_000), line: Money(yuan: 4_000)))
        #expect(poor.count == 1 + GuaranteeKind.allCases.count)
        let below = ExitCriteria.village(remainingPoor: 29, ruralPopulation: 1_000, standard: s)
        #expect(below.incidenceBP == 290 && below.passes)
        let at = ExitCriteria.village(remainingPoor: 30, ruralPopulation: 1_000, standard: s)
        #expect(at.incidenceBP == 300 && !at.passes)
        #expect(ExitCriteria.village(remainingPoor: 1, ruralPopulation: 0, standard: s).passes == false)
    }

    @Test func standardsDefaultsAndR06_1() throws {
        #expect(Standard.defaults.map(\.year) == Array(2014...2020))
        #expect(Standard.defaults.last?.povertyLine == Money(yuan: 4_000))
        #expect(Standard.defaults.allSatisfy { $0.meetsR06_1 })
        var s = Standard.defaults.last!
        s.dibaoLine = Money(yuan: 3_500)
        #expect(!s.meetsR06_1)
        s.recognitionBP = 12_000
        #expect(throws: Standard.Problem.field("recognition")) { try s.validated() }
        #expect(basisPoints(1, of: 3) == 3_333)
    }
}

import PropertyBased
import Testing
@testable import TuopinCore

/// Properties of TuopinCore's decisions over many generated inputs (swift-property-based; a failure
/// is shrunk to a small case and printed with its seed): the ledger, the workflows, the ID check.
@Suite struct PropertyTests {
    /// An operation on four accounts, read from one generated number (so that shrinking works on
    /// plain integers): a receipt into an account, an allocation between two, or an expenditure.
    struct Operation {
        let move: LedgerMove, from: Int, to: Int, amount: Money
        init(_ n: Int) {
            move = [LedgerMove.receipt, .allocation, .expenditure][n % 3]
            from = (n / 3) % 4
            let other = (n / 12) % 4
            to = other == from ? (from + 1) % 4 : other
            amount = Money(fen: Int64(1 + (n / 48) % 100_000))
        }
    }

    /// Article 13's conservation: whatever is posted, no account goes below zero, money received from
    /// outside equals what the accounts hold plus what was spent, and an entry reversed at once
    /// gives back the accounts as they were.
    @Test func theLedgerNeverCreatesMoney() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int(Int32.max)).array(of: 1...60)) { numbers in
            var accounts = [FundAccount](repeating: FundAccount(), count: 4)
            var external = Money.zero
            for op in numbers.map(Operation.init) {
                let debit: FundAccount? = op.move == .receipt ? nil : accounts[op.from]
                let credit: FundAccount? =
                    op.move == .expenditure ? nil : accounts[op.move == .receipt ? op.from : op.to]
                guard let after = try? FundLedger.post(op.move, amount: op.amount, debit: debit, credit: credit) else {
                    // Refused only when the giving account lacks the amount.
                    #expect(debit.map { $0.balance < op.amount } == true)
                    continue
                }
                let undone = try? FundLedger.post(
                    op.move, amount: op.amount, debit: after.debit, credit: after.credit, reversing: true)
                #expect(undone?.debit == debit && undone?.credit == credit)
                if op.move != .receipt { accounts[op.from] = after.debit! }
                if op.move == .allocation { accounts[op.to] = after.credit! }
                if op.move == .receipt { accounts[op.from] = after.credit!; external = external + op.amount }
                #expect(accounts.allSatisfy { $0.balance >= .zero })
                let held = accounts.reduce(Money.zero) { $0 + $1.balance },
                    spent = accounts.reduce(Money.zero) { $0 + $1.spent }
                #expect(held + spent == external)
            }
        }
    }

    /// Every workflow, under any sequence of actions by any roles: a case moves one step at a time,
    /// only by the step's own action or a rejection the step allows, and nothing moves a finished or
    /// rejected case.
    @Test func workflowsMoveOneStepAtATimeAndStopAtTheEnd() async {
        var finished = 0, rejected = 0
        await propertyCheck(count: 200, input: Gen.int(in: 0...Int(Int32.max)).array(of: 1...80)) { numbers in
            for definition in Workflows.all {
                var state = WorkflowState.at(0)
                for n in numbers {
                    // Half the time the step's own action, half the time one of its roles: cases get far.
                    var expected: WorkflowStep?
                    if case .at(let done) = state, done < definition.steps.count { expected = definition.steps[done] }
                    let action =
                        n % 2 == 0
                        ? expected?.action ?? "apply" : definition.actions[(n / 4) % definition.actions.count]
                    let allowed = (expected?.roles ?? []).sorted { $0.rawValue < $1.rawValue }
                    let role =
                        (n / 2) % 2 == 0 && !allowed.isEmpty
                        ? allowed[(n / 64) % allowed.count] : Role.allCases[(n / 64) % Role.allCases.count]
                    let result = definition.transition(state, action: action, by: role, facts: StepFacts())
                    switch (state, result) {
                    case (.at(let done), .success(let next)) where done < definition.steps.count:
                        let step = definition.steps[done]
                        #expect(step.roles.contains(role))
                        if action == WorkflowDefinition.rejectAction {
                            #expect(step.canReject && next == .rejected(atStep: done))
                        } else {
                            #expect(action == step.action && next == .at(done + 1))
                        }
                        state = next
                        if definition.isFinal(next) { finished += 1 }
                        if case .rejected = next { rejected += 1 }
                    case (_, .success(let next)):
                        Issue.record("\(definition.id): \(action) moved a finished case from \(state) to \(next)")
                    case (.at(let done), .failure(let refusal)) where done == definition.steps.count:
                        #expect(refusal == .finished)
                    case (.rejected, .failure(let refusal)):
                        #expect(refusal == .finished)
                    case (.at, .failure):
                        continue
                    }
                }
            }
        }
        // The generated cases reached both ends, so the checks above ran on every kind of move.
        #expect(finished > 0 && rejected > 0)
    }

    /// A resident ID number built with its check character is accepted, with its birth date and sex;
    /// changing any one of its first 17 digits is refused.
    @Test func residentIDsCheckEveryDigit() async {
        let today = CivilDate(year: 2026, month: 11, day: 18)!
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int(Int32.max)), Gen.int(in: 0...16), Gen.int(in: 1...9))
        { n, position, change in
            let birth = CivilDate(year: 1940 + n % 80, month: 1 + (n / 80) % 12, day: 1 + (n / 960) % 28)!
            let body =
                "540102" + birth.description.replacingOccurrences(of: "-", with: "")
                + String(format: "%03d", (n / 26_880) % 1000)
            let id = body + String(ResidentID.checkCharacter(for: body))
            let parsed = try? ResidentID(id, today: today)
            #expect(parsed?.birthDate == birth)
            #expect(parsed?.sex == (Int(String(body.last!))! % 2 == 1 ? .male : .female))
            var digits = Array(body)
            digits[position] = Character(String((Int(String(digits[position]))! + change) % 10))
            let altered = String(digits) + String(ResidentID.checkCharacter(for: body))
            #expect(
                (try? ResidentID(altered, today: today)) == nil,
                "\(altered) accepted after changing digit \(position + 1) of \(id)")
        }
    }
}

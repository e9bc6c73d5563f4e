/// What became of partner aid (援藏资金) that entered the tree at a unit in a year (article 33,
/// rules R-33-1 and R-33-2): how much of it reached county level or below, was spent, and was spent
/// on livelihood projects.
public enum PartnerAid {
    /// One movement of partner aid in the ledger.
    public struct Movement: Sendable, Equatable {
        public let move: LedgerMove
        public let from: OrgCode?
        public let to: OrgCode
        public let year: Int
        public let amount: Money
        /// The category of the project it went to or was spent on, if any.
        public let category: ProjectCategory?

        public init(move: LedgerMove, from: OrgCode?, to: OrgCode, year: Int, amount: Money, category: ProjectCategory?)
        {
            self.move = move; self.from = from; self.to = to; self.year = year; self.amount = amount;
            self.category = category
        }
    }

    /// The use of the aid `received` by `entry` in `year`, from the movements of partner aid under it.
    /// Aid received at county level or below is there already; aid received above it counts as reaching
    /// county level when an allocation from above county level inside the entry lands at county level or
    /// below (a unit or a project sited there).
    public static func use(entry: OrgCode, year: Int, received: Money, movements: [Movement]) -> ComplianceFacts.AidUse
    {
        var use = ComplianceFacts.AidUse()
        let inside = movements.filter { $0.year == year && $0.to.isSelfOrDescendant(of: entry) }
        if entry.level >= .county {
            use.toCountyAndBelow = received
        } else {
            for m in inside where m.move == .allocation {
                guard let from = m.from, from.isSelfOrDescendant(of: entry), from.level < .county else { continue }
                if m.to.level >= .county { use.toCountyAndBelow += m.amount }
            }
        }
        for m in inside where m.move == .expenditure {
            use.spent += m.amount
            if m.category?.isLivelihood == true { use.livelihoodSpent += m.amount }
        }
        return use
    }
}

/// Assessment at every level (articles 15, 18, 40; issue #25 item 8): region HQ assesses the prefectures and
/// counties, a prefecture its counties, a county its townships — each with a scheme of its own; the results
/// reach the leadership team (领导班子) and leading cadres (领导干部) of each assessed unit, and go to all four
/// recipients of article 40 before the distribution is recorded.
public enum AssessmentLevels {
    /// The levels a unit of `assessor`'s level assesses (none below a county).
    public static func assessed(by assessor: OrgLevel) -> [OrgLevel] {
        switch assessor {
        case .region: [.prefecture, .county]
        case .prefecture: [.county]
        case .county: [.township]
        case .township, .village: []
        }
    }

    /// The units `assessor` assesses: its descendants at the levels it assesses.
    public static func assesses(_ assessor: OrgCode, _ unit: OrgCode) -> Bool {
        unit != assessor && unit.isSelfOrDescendant(of: assessor) && assessed(by: assessor.level).contains(unit.level)
    }

    /// The distribution is recorded as done only when every recipient has received the results.
    public static func distributionComplete(_ recorded: Set<AssessmentRecipient>) -> Bool {
        recorded.isSuperset(of: AssessmentRecipient.allCases)
    }
}

/// Where article 40's results go: the party committee, the government, the discipline inspection body and the
/// organisation department.
public enum AssessmentRecipient: String, Sendable, Codable, CaseIterable {
    case partyCommittee, government, discipline, organisation
    public var labelKey: String { "recipient_\(rawValue)" }
}

extension Scope {
    /// Whether the user may read `assessor`'s schemes: those of units above them (whose results concern them) and
    /// of units in their scope.
    public func maySeeScheme(of assessor: OrgCode) -> Bool {
        bindings.contains { assessor.isSelfOrDescendant(of: $0.unit) || $0.unit.isSelfOrDescendant(of: assessor) }
    }

    /// Whether the user keeps `assessor`'s own schemes: an office on that very unit that may assess (a region
    /// office does not run a prefecture's scheme for it).
    public func mayAssess(as assessor: OrgCode) -> Bool {
        !AssessmentLevels.assessed(by: assessor.level).isEmpty
            && bindings.contains { $0.unit == assessor && $0.role.permissions.contains(.assess) }
    }
}

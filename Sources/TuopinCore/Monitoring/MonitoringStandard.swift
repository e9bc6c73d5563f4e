/// The monitoring standard of one year, set by region HQ on the standards page. Neither figure is in
/// the 45 articles: the national guidance of 2021 (关于完善防止返贫动态监测和帮扶机制的指导意见) asks each
/// province to set a monitoring line "starting from 1.5 times the national poverty line of the 攻坚
/// period"; the thresholds of 刚性支出 (hard spending) have no national figure at all, and the shipped
/// ones are Tuopin's starting values for region HQ to replace — both are marked so on the page.
public struct MonitoringStandard: Sendable, Equatable, Codable {
    public var year: Int
    /// A household whose per-capita net income is below this is in the monitoring range.
    public var incomeLine: Money
    /// Medical costs a household paid itself in the year (after insurance and assistance) above this …
    public var medicalThreshold: Money
    /// … or education costs above this …
    public var educationThreshold: Money
    /// … or losses from a disaster or accident above this bring it into range too, whatever its income.
    public var lossThreshold: Money

    public init(year: Int, incomeLine: Money, medicalThreshold: Money, educationThreshold: Money, lossThreshold: Money)
    {
        self.year = year; self.incomeLine = incomeLine; self.medicalThreshold = medicalThreshold
        self.educationThreshold = educationThreshold; self.lossThreshold = lossThreshold
    }

    /// The national guidance's floor for the line: 1.5 × the 攻坚-period line (2020's, 4,000 元 → 6,000 元).
    public static func guidanceFloor(povertyLine2020: Money) -> Money { Money(fen: povertyLine2020.fen * 3 / 2) }

    /// The shipped standard of `year`: the guidance floor, and 10,000 元 for each kind of hard spending
    /// (Tuopin's starting value, no national figure).
    public static func starting(year: Int, povertyLine2020: Money) -> MonitoringStandard {
        let tenThousand = Money(fen: 1_000_000)
        return MonitoringStandard(
            year: year, incomeLine: guidanceFloor(povertyLine2020: povertyLine2020), medicalThreshold: tenThousand,
            educationThreshold: tenThousand, lossThreshold: tenThousand)
    }

    public enum Problem: Error, Equatable, Sendable { case field(String) }

    /// Every figure positive; the year within the mechanism's time (from 2021).
    public func validated() throws(Problem) -> MonitoringStandard {
        guard (2021...2100).contains(year) else { throw .field("year") }
        guard incomeLine.fen > 0 else { throw .field("monitoring_line") }
        guard medicalThreshold.fen > 0 else { throw .field("medical_threshold") }
        guard educationThreshold.fen > 0 else { throw .field("education_threshold") }
        guard lossThreshold.fen > 0 else { throw .field("loss_threshold") }
        return self
    }
}

/// 贫困村 and 贫困乡(镇) (articles 18, 20, 28, 29): a village or township is registered as poor by its county
/// and stays registered, with the year it exited once its exit case is approved. The rules keyed on them
/// (R-20-2's lock, R-28-1, R-29-1) read "registered and not exited", not whether it has poor households.
/// A county is a 贫困县 by the same pattern (its own flag).
public enum PoorUnit {
    /// Only villages and townships are registered here; counties carry the poverty-county flag.
    public static func registrable(_ level: OrgLevel) -> Bool { level == .village || level == .township }

    /// Poor now: registered and not yet exited.
    public static func isPoor(registered: Bool, exitYear: Int?) -> Bool { registered && exitYear == nil }

    /// Why registering (`registered` true) or withdrawing a registration made in error (false) is refused,
    /// as the form field's name; nil when it may be recorded. An exited unit's registration is history and
    /// stays as it is; a change to what is already recorded is refused as well.
    public static func changeProblem(level: OrgLevel, from current: Bool, to registered: Bool, exitYear: Int?)
        -> String?
    {
        guard registrable(level), exitYear == nil, current != registered else { return "is_poor" }
        return nil
    }
}

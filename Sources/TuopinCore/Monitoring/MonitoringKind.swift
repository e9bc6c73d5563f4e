/// The three kinds of monitoring object (监测对象) of the dynamic monitoring mechanism (防止返贫动态监测和
/// 帮扶机制, 2021 guidance of the national rural revitalisation administration). A household is one kind
/// at a time.
public enum MonitoringKind: String, OfficialValue {
    /// 脱贫不稳定户: an exited household whose income or guarantees are not yet stable.
    case unstable
    /// 边缘易致贫户: a household never registered as poor whose income is near the line.
    case edge
    /// 突发严重困难户: a household in sudden severe hardship (illness, disaster, accident …).
    case sudden

    public var label: String {
        switch self {
        case .unstable: "脱贫不稳定户"
        case .edge: "边缘易致贫户"
        case .sudden: "突发严重困难户"
        }
    }

    public var labelKey: String { "monitoring_kind_\(rawValue)" }
}

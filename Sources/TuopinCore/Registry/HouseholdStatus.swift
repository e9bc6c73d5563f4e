/// Registration status of a poor household (建档立卡 status).
public enum HouseholdStatus: String, Codable, Sendable, CaseIterable {
    case notExited  // 未脱贫
    case exitedWithPolicy  // 已脱贫享受政策
    case exitedWithoutPolicy  // 已脱贫不再享受政策
    case returnedToPoverty  // 返贫
    /// 申请识别: a family entered to apply for identification. Not a monitoring object (监测对象, issue #26), which
    /// is a separate record a household of several statuses may have.
    case applicant

    /// A household registered outside the identification workflow (web form, API) enters as 未脱贫;
    /// every later status change goes through a workflow.
    public static let onRegistration: HouseholdStatus = .notExited
    /// A new family entered to apply for identification (两公示一公告) is an applicant until the
    /// identification workflow registers it as 未脱贫.
    public static let onApplication: HouseholdStatus = .applicant

    /// Counted among the registered poor (建档立卡): every status but 申请识别, who have only applied.
    public var isRegistered: Bool { self != .applicant }
    /// Still counted among the remaining poor.
    public var isRemainingPoor: Bool { self == .notExited || self == .returnedToPoverty }
    public var hasExited: Bool { self == .exitedWithPolicy || self == .exitedWithoutPolicy }

    /// Message key for the status label in every language.
    public var labelKey: String { "status_\(rawValue)" }
}

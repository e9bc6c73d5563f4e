/// Every rule the compliance engine checks (`policy/ARTICLES.md`): its id, the article of the
/// rules it checks, and its title in Chinese, the language of the rules. Pages show a rule in the
/// reader's language through `titleKey` and `messageKey`; the tests hold the Chinese locale to `title`.
public enum RuleID: String, CaseIterable, Sendable, Codable {
    case r04_1 = "R-04-1"
    case r04_2 = "R-04-2"
    case r05_1 = "R-05-1"
    case r06_1 = "R-06-1"
    case r06_2 = "R-06-2"
    case r07_1 = "R-07-1"
    case r07_2 = "R-07-2"
    case r10_1 = "R-10-1"
    case r10_2 = "R-10-2"
    case r16_1 = "R-16-1"
    case r20_1 = "R-20-1"
    case r20_2 = "R-20-2"
    case r21_1 = "R-21-1"
    case r22_1 = "R-22-1"
    case r23_1 = "R-23-1"
    case r25_1 = "R-25-1"
    case r28_1 = "R-28-1"
    case r28_2 = "R-28-2"
    case r29_1 = "R-29-1"
    case r32_1 = "R-32-1"
    case r33_1 = "R-33-1"
    case r33_2 = "R-33-2"
    case r36_1 = "R-36-1"
    case r37_1 = "R-37-1"
    case r37_2 = "R-37-2"
    case r37_3 = "R-37-3"
    case r39_1 = "R-39-1"

    /// The articles it checks (issue #25 item 12): the id's number, except where the id is older than a closer
    /// reading — R-07-1 checks the prefectures' and counties' annual plans (articles 12, 17), R-10-2 every
    /// level's progress reports (articles 4, 10, 16, 22). Ids stay as they are: violations are stored under them.
    public var articles: [Int] {
        switch self {
        case .r07_1: [12, 17]
        case .r10_2: [4, 10, 16, 22]
        case .r07_2: [7, 13]
        default: [Int(rawValue.dropFirst(2).prefix(2))!]
        }
    }

    /// The first article it checks (stored with each violation).
    public var article: Int { articles[0] }

    /// "12、17" — the articles as a page shows them.
    public var articlesText: String { articles.map { String($0) }.joined(separator: "、") }

    public var title: String {
        switch self {
        case .r04_1: "自治区每年与中央签订责任书"
        case .r04_2: "自治区每年向中央报告进展"
        case .r05_1: "不摘帽不调离（贫困县）"
        case .r06_1: "低保标准不低于扶贫标准（两线合一）"
        case .r06_2: "识别规模不超过自治区核定的指标"
        case .r07_1: "地市和县有当年年度计划"
        case .r07_2: "扶贫资金逐年增长"
        case .r10_1: "地市每年与自治区签订责任书"
        case .r10_2: "按时报送进展报告"
        case .r16_1: "县每年与地市签订责任书"
        case .r20_1: "每个乡镇至少 2 名扶贫专干"
        case .r20_2: "贫困乡镇党政正职保持稳定"
        case .r21_1: "项目和资金安排都有公告"
        case .r22_1: "乡镇每年与县签订责任书"
        case .r23_1: "每个贫困户有当年帮扶计划（一户一策）"
        case .r25_1: "资金项目及时公告"
        case .r28_1: "贫困村有 2–3 名党员致富带头人"
        case .r28_2: "每名带头人有 1–2 个项目"
        case .r29_1: "每个贫困村有第一书记"
        case .r32_1: "每名带头人带动至少 3 名贫困人口增收"
        case .r33_1: "援藏资金“两个80%”"
        case .r33_2: "援藏资金逐年增长"
        case .r36_1: "小额信贷执行优惠利率"
        case .r37_1: "干部结对帮扶户数达到职级要求"
        case .r37_2: "每个贫困户都有结对帮扶干部"
        case .r37_3: "不脱贫不脱钩"
        case .r39_1: "督查发现问题按期整改并验收"
        }
    }

    /// The locale key of the violation message (its `%@` are the violation's details).
    public var messageKey: String { "rule_" + rawValue }
    public var titleKey: String { "rule_title_" + rawValue }
}

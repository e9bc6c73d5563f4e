/// The six measure categories of article 14, the top of every measure and project taxonomy.
public enum MeasureCategory: String, OfficialValue {
    case industry, relocation, ecological, education, employment, socialSecurity
    public var label: String {
        switch self {
        case .industry: "产业发展";
        case .relocation: "易地扶贫搬迁";
        case .ecological: "生态补偿"
        case .education: "发展教育";
        case .employment: "转移就业";
        case .socialSecurity: "社会保障兜底"
        }
    }
}

public enum MeasureSubtype: String, OfficialValue {
    case microcredit, publicWelfareJob, health, housing, water, training, subsidy, other
    public var label: String {
        switch self {
        case .microcredit: "小额信贷";
        case .publicWelfareJob: "公益岗位";
        case .health: "健康扶贫"
        case .housing: "危房改造";
        case .water: "饮水安全";
        case .training: "技能培训";
        case .subsidy: "产业奖补";
        case .other: "其他"
        }
    }
}

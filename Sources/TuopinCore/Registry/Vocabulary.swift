/// The official value lists of the 建档立卡 registry. Each case's `label` is the exact text the
/// national templates use; the raw value is what the database stores.
public protocol OfficialValue: RawRepresentable, CaseIterable, Sendable, Codable where RawValue == String {
    var label: String { get }
}

extension OfficialValue {
    /// Parses the template's Chinese text (or the stored raw value).
    public init?(label: String) {
        let text = label.trimmedSpaces
        guard let value = Self.allCases.first(where: { $0.label == text || $0.rawValue == text }) else { return nil }
        self = value
    }
    public static var labels: [String] { allCases.map(\.label) }
}

/// 贫困户属性
public enum HouseholdAttribute: String, OfficialValue {
    case general, dibao, tekun
    public var label: String {
        switch self {
        case .general: "一般贫困户";
        case .dibao: "低保贫困户";
        case .tekun: "特困供养贫困户"
        }
    }
}

/// 致贫原因
public enum PovertyCause: String, OfficialValue {
    case illness, disability, schooling, disaster, marriage, funeral, lackLand, lackWater
    case lackSkills, lackLabour, lackCapital, poorTransport, lackMotivation
    public var label: String {
        switch self {
        case .illness: "因病";
        case .disability: "因残";
        case .schooling: "因学";
        case .disaster: "因灾"
        case .marriage: "因婚";
        case .funeral: "因丧";
        case .lackLand: "缺土地";
        case .lackWater: "缺水"
        case .lackSkills: "缺技术";
        case .lackLabour: "缺劳力";
        case .lackCapital: "缺资金"
        case .poorTransport: "交通条件落后";
        case .lackMotivation: "自身发展动力不足"
        }
    }
}

extension HouseholdStatus: OfficialValue {
    public var label: String {
        switch self {
        case .notExited: "未脱贫";
        case .exitedWithPolicy: "已脱贫享受政策"
        case .exitedWithoutPolicy: "已脱贫不再享受政策";
        case .returnedToPoverty: "返贫";
        case .applicant: "申请识别"
        }
    }
}

/// 与户主关系
public enum Relation: String, OfficialValue {
    case head, spouse, son, daughter, daughterInLaw, sonInLaw, grandson, granddaughter, father, mother, sibling, other
    public var label: String {
        switch self {
        case .head: "户主";
        case .spouse: "配偶";
        case .son: "之子";
        case .daughter: "之女"
        case .daughterInLaw: "之儿媳";
        case .sonInLaw: "之女婿";
        case .grandson: "之孙子";
        case .granddaughter: "之孙女"
        case .father: "之父";
        case .mother: "之母";
        case .sibling: "之兄弟姐妹";
        case .other: "其他"
        }
    }
    public var isChild: Bool { self == .son || self == .daughter }
    public var isParent: Bool { self == .father || self == .mother }
}

/// 民族 (the peoples of the region first)
public enum Ethnicity: String, OfficialValue {
    case tibetan, han, monba, lhoba, hui, naxi, other
    public var label: String {
        switch self {
        case .tibetan: "藏族";
        case .han: "汉族";
        case .monba: "门巴族";
        case .lhoba: "珞巴族"
        case .hui: "回族";
        case .naxi: "纳西族";
        case .other: "其他"
        }
    }
}

/// 文化程度, with the youngest age at which each is possible.
public enum Education: String, OfficialValue {
    case preschool, illiterate, primary, juniorSecondary, seniorSecondary, college
    public var label: String {
        switch self {
        case .preschool: "学龄前儿童";
        case .illiterate: "文盲或半文盲";
        case .primary: "小学"
        case .juniorSecondary: "初中";
        case .seniorSecondary: "高中";
        case .college: "大专及以上"
        }
    }
    /// Ages (completed years) for which this level is plausible.
    public var plausibleAges: ClosedRange<Int> {
        switch self {
        case .preschool: 0...7
        case .illiterate: 6...150
        case .primary: 6...150
        case .juniorSecondary: 11...150
        case .seniorSecondary: 14...150
        case .college: 17...150
        }
    }
}

/// 在校生情况
public enum Schooling: String, OfficialValue {
    case notInSchool, preschool, primary, juniorSecondary, seniorSecondary, vocationalSecondary, vocationalCollege,
        college
    public var label: String {
        switch self {
        case .notInSchool: "非在校生";
        case .preschool: "学前教育";
        case .primary: "小学";
        case .juniorSecondary: "初中"
        case .seniorSecondary: "高中";
        case .vocationalSecondary: "中职";
        case .vocationalCollege: "高职";
        case .college: "大专及以上"
        }
    }
}

/// 健康状况 (a disability also carries a grade 1–4)
public enum Health: String, OfficialValue {
    case healthy, chronic, seriousIllness, disabled
    public var label: String {
        switch self {
        case .healthy: "健康";
        case .chronic: "长期慢性病";
        case .seriousIllness: "患有大病";
        case .disabled: "残疾"
        }
    }
}

/// 劳动技能
public enum LabourAbility: String, OfficialValue {
    case ordinary, skilled, weak, lost, none
    public var label: String {
        switch self {
        case .ordinary: "普通劳动力";
        case .skilled: "技能劳动力";
        case .weak: "弱劳动力或半劳动力"
        case .lost: "丧失劳动力";
        case .none: "无劳动力"
        }
    }
}

/// 两不愁三保障 and safe drinking water.
public enum GuaranteeKind: String, OfficialValue {
    case food, clothing, education, medical, housing, water
    public var label: String {
        switch self {
        case .food: "不愁吃";
        case .clothing: "不愁穿";
        case .education: "义务教育有保障"
        case .medical: "基本医疗有保障";
        case .housing: "住房安全有保障";
        case .water: "饮水安全有保障"
        }
    }
}

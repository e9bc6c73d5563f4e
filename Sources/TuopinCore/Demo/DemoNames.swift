/// Name material for the demo region: Tibetan personal names (in Chinese transcription, as the
/// registry records them), Chinese names, and syllables for township and village names.
enum DemoNames {
    static let tibetan = [
        "扎西", "次仁", "卓玛", "央金", "格桑", "拉姆", "多吉", "德吉", "平措", "白玛",
        "尼玛", "旺堆", "达瓦", "措姆", "次旦", "边巴", "普布", "巴桑", "罗布", "曲珍",
        "索朗", "益西", "拉巴", "顿珠", "桑珠", "米玛", "旦增", "央宗", "仁增", "贡布",
        "强巴", "洛桑", "丹增", "次珍", "玉珍", "德庆", "群培", "加措", "琼达", "普琼",
    ]
    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡"]
    static let givenMale = ["建国", "强", "伟", "军", "明", "海涛", "志勇", "立新", "国庆", "永红"]
    static let givenFemale = ["丽", "秀英", "芳", "敏", "静", "红梅", "玉兰", "桂英", "海燕", "晓燕"]
    static let placeSyllables = [
        "拉", "萨", "曲", "达", "嘎", "岗", "巴", "塘", "林", "那", "堆", "觉", "荣", "德", "雪",
        "羊", "卡", "朗", "扎", "当", "吉", "日", "热", "果", "甲", "雄", "乃", "琼", "布", "加",
    ]
    static let tibetanFemale: Set<String> = ["卓玛", "央金", "拉姆", "德吉", "措姆", "曲珍", "央宗", "次珍", "玉珍", "德庆", "琼达"]

    static func personName(sex: ResidentID.Sex, rng: inout SplitMix64) -> String {
        if rng.chance(0.9) {
            let females = tibetan.filter { tibetanFemale.contains($0) }
            let males = tibetan.filter { !tibetanFemale.contains($0) }
            let second = rng.pick(sex == .female ? females : males)
            return rng.chance(0.75) ? rng.pick(tibetan) + second : second
        }
        return rng.pick(surnames) + rng.pick(sex == .female ? givenFemale : givenMale)
    }

    /// A two-syllable place name, distinct from those already in `taken`.
    static func placeName(rng: inout SplitMix64, taken: inout Set<String>) -> String {
        while true {
            let name = rng.pick(placeSyllables) + rng.pick(placeSyllables)
            if name.first != name.last, taken.insert(name).inserted { return name }
        }
    }
}

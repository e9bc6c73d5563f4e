/// Tibetan names of places, for the bilingual (藏汉双语) notice sheets: the region, its seven
/// prefecture-level units and the districts and counties of Lhasa. Local practice, not policy text:
/// the names as the region's bilingual place-name signs and government sites write them; a unit not
/// listed keeps its Chinese name on the Tibetan line. More names are added here as offices send them.
enum TibetanPlaceNames {
    static let byCode: [String: String] = [
        "54": "བོད་རང་སྐྱོང་ལྗོངས།",
        "5401": "ལྷ་ས་གྲོང་ཁྱེར།",
        "5402": "གཞིས་ཀ་རྩེ་གྲོང་ཁྱེར།",
        "5403": "ཆབ་མདོ་གྲོང་ཁྱེར།",
        "5404": "ཉིང་ཁྲི་གྲོང་ཁྱེར།",
        "5405": "ལྷོ་ཁ་གྲོང་ཁྱེར།",
        "5406": "ནག་ཆུ་གྲོང་ཁྱེར།",
        "5425": "མངའ་རིས་ས་ཁུལ།",
        "540102": "ཁྲིན་ཀོན་ཆུས།",
        "540103": "སྟོད་ལུང་བདེ་ཆེན་ཆུས།",
        "540104": "སྟག་རྩེ་ཆུས།",
        "540121": "ལྷུན་གྲུབ་རྫོང་།",
        "540122": "འདམ་གཞུང་རྫོང་།",
        "540123": "སྙེ་མོ་རྫོང་།",
        "540124": "ཆུ་ཤུར་རྫོང་།",
        "540127": "མལ་གྲོ་གུང་དཀར་རྫོང་།",
    ]
}

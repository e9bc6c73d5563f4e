import Fluent
import TuopinCore
import Foundation

/// The standards of one year (article 6). Editable by region HQ only; every change is audited.
final class StandardRecord: Model, @unchecked Sendable {
    static let schema = "standards"
    @ID(custom: "year", generatedBy: .user) var id: Int?
    @Field(key: "poverty_line") var povertyLine: Int64
    @Field(key: "dibao_line") var dibaoLine: Int64
    @Field(key: "notice_min_days") var noticeMinDays: Int
    @Field(key: "village_incidence_bp") var villageIncidenceBP: Int
    @Field(key: "county_incidence_bp") var countyIncidenceBP: Int
    @Field(key: "wrong_exit_bp") var wrongExitBP: Int
    @Field(key: "missed_bp") var missedBP: Int
    @Field(key: "recognition_bp") var recognitionBP: Int
    @Field(key: "fund_notice_min_days") var fundNoticeMinDays: Int
    @Field(key: "aid_county_bp") var aidCountyBP: Int
    @Field(key: "aid_livelihood_bp") var aidLivelihoodBP: Int
    @Field(key: "loan_max_rate_bp") var loanMaxRateBP: Int
    /// True while the row still holds the shipped default.
    @Field(key: "is_default") var isDefault: Bool
    @Field(key: "version") var version: Int
    init() {}

    var standard: Standard {
        Standard(
            year: id!, povertyLine: Money(fen: povertyLine), dibaoLine: Money(fen: dibaoLine),
            noticeMinDays: noticeMinDays,
            villageIncidenceBP: villageIncidenceBP, countyIncidenceBP: countyIncidenceBP, wrongExitBP: wrongExitBP,
            missedBP: missedBP, recognitionBP: recognitionBP, fundNoticeMinDays: fundNoticeMinDays,
            aidCountyBP: aidCountyBP,
            aidLivelihoodBP: aidLivelihoodBP, loanMaxRateBP: loanMaxRateBP)
    }

    func apply(_ s: Standard) {
        povertyLine = s.povertyLine.fen; dibaoLine = s.dibaoLine.fen; noticeMinDays = s.noticeMinDays
        villageIncidenceBP = s.villageIncidenceBP; countyIncidenceBP = s.countyIncidenceBP; wrongExitBP = s.wrongExitBP
        missedBP = s.missedBP; recognitionBP = s.recognitionBP
        fundNoticeMinDays = s.fundNoticeMinDays; aidCountyBP = s.aidCountyBP; aidLivelihoodBP = s.aidLivelihoodBP;
        loanMaxRateBP = s.loanMaxRateBP
    }
}

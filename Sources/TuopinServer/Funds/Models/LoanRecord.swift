import Fluent
import Foundation
import SQLKit
import TuopinCore

final class LoanRecord: Model, @unchecked Sendable {
    static let schema = "loans"
    @ID(custom: "id", generatedBy: .database) var id: RowID<LoanRecord>?
    @Field(key: "household_id") var householdID: RowID<Household>
    @Field(key: "village_code") var villageCode: String
    @Field(key: "township_code") var townshipCode: String
    @Field(key: "county_code") var countyCode: String
    @Field(key: "prefecture_code") var prefectureCode: String
    @Field(key: "lender") var lender: String
    @Field(key: "amount") var amount: Int64
    @Field(key: "rate_bp") var rateBP: Int
    @Field(key: "subsidy_bp") var subsidyBP: Int
    @Field(key: "months") var months: Int
    @Field(key: "start_date") var startDate: CivilDate
    @Field(key: "year") var year: Int
    @Field(key: "repaid") var repaid: Int64
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

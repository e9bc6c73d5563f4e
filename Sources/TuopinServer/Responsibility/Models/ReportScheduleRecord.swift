import Fluent
import TuopinCore
import Foundation

final class ReportScheduleRecord: Model, @unchecked Sendable {
    static let schema = "report_schedules"
    @ID(custom: "level", generatedBy: .user) var id: Int?
    @Field(key: "frequency") var frequency: String
    @Field(key: "due_days") var dueDays: Int
    @Field(key: "version") var version: Int
    init() {}
}

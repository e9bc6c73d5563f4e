import Fluent
import Foundation
import TuopinCore

/// The monitoring standard of one year (防返贫动态监测, issue #26): set by region HQ, versioned, audited.
final class MonitoringStandardRecord: Model, @unchecked Sendable {
    static let schema = "monitoring_standards"
    @ID(custom: "year", generatedBy: .user) var id: Int?
    @Field(key: "income_line") var incomeLine: Int64
    @Field(key: "medical_threshold") var medicalThreshold: Int64
    @Field(key: "education_threshold") var educationThreshold: Int64
    @Field(key: "loss_threshold") var lossThreshold: Int64
    /// True while the row still holds the shipped starting values.
    @Field(key: "is_default") var isDefault: Bool
    @Field(key: "version") var version: Int
    init() {}

    var standard: MonitoringStandard {
        MonitoringStandard(
            year: id!, incomeLine: Money(fen: incomeLine), medicalThreshold: Money(fen: medicalThreshold),
            educationThreshold: Money(fen: educationThreshold), lossThreshold: Money(fen: lossThreshold))
    }

    func apply(_ s: MonitoringStandard) {
        incomeLine = s.incomeLine.fen; medicalThreshold = s.medicalThreshold.fen
        educationThreshold = s.educationThreshold.fen; lossThreshold = s.lossThreshold.fen
    }
}

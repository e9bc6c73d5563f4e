import Fluent
import Foundation
import TuopinCore
import Vapor

/// Where an assessment's results go: each assessed unit's leadership team and leading cadres, and the four
/// recipients of article 40 (issue #25 item 8).
extension AssessmentService {
    /// The recipients a distribution form names (all four when none is named), refused when one is unknown.
    static func distributionRecipients(_ raw: [String]?) throws -> [AssessmentRecipient] {
        guard let raw else { return AssessmentRecipient.allCases }
        let list = raw.compactMap(AssessmentRecipient.init(rawValue:))
        guard !list.isEmpty, list.count == raw.count, Set(list).count == list.count else {
            throw AppError.invalidField("recipients")
        }
        return list
    }

    /// Records the results reaching `recipients` (none may have them already) and answers the scheme's state:
    /// distributed once all four have them, still approved before.
    static func distribute(
        _ tx: DataAccess, scheme id: RowID<SchemeRecord>, to recipients: [AssessmentRecipient], document: String,
        today: CivilDate
    ) async throws -> SchemeState {
        let recorded = Set(
            try await tx.rows(DistributionRecord.self).filter(\.$schemeID == id).all()
                .compactMap { AssessmentRecipient(rawValue: $0.recipient) })
        guard recorded.isDisjoint(with: recipients) else { throw AppError.invalidField("recipients") }
        for r in recipients {
            let d = DistributionRecord()
            d.schemeID = id; d.recipient = r.rawValue; d.documentNo = document; d.distributedOn = today
            try await d.save(on: tx)
        }
        return AssessmentLevels.distributionComplete(recorded.union(recipients)) ? .distributed : .approved
    }

    /// The grade of each assessed unit as it reaches its leadership team and its secretary and head in post.
    static func recordLeaders(_ tx: DataAccess, scheme id: RowID<SchemeRecord>, units: [AssessedUnit]) async throws {
        try await tx.rows(LeaderResult.self).filter(\.$schemeID == id).delete()
        let orgs = try await tx.rows(OrgUnit.self).filter(\.$id ~~ units.map(\.unitCode)).all()
        let principalIDs = orgs.flatMap { [$0.secretaryID, $0.headID].compactMap { $0 } }
        let names = Dictionary(
            uniqueKeysWithValues: try await tx.rows(Cadre.self).filter(\.$id ~~ principalIDs).all().map {
                ($0.id!, $0.name)
            })
        let byCode = Dictionary(uniqueKeysWithValues: orgs.map { ($0.id!, $0) })
        for u in units {
            guard let grade = u.grade, let org = byCode[u.unitCode] else { continue }
            let holders: [(String, RowID<Cadre>?)] = [
                ("team", nil), ("secretary", org.secretaryID), ("head", org.headID),
            ]
            for (role, cadre) in holders where role == "team" || cadre != nil {
                let r = LeaderResult()
                r.schemeID = id; r.unitCode = u.unitCode; r.role = role; r.cadreID = cadre
                r.cadreName = cadre.flatMap { names[$0] } ?? ""; r.grade = grade
                try await r.save(on: tx)
            }
        }
    }
}

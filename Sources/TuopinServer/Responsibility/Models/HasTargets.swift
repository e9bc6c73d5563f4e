import Fluent
import TuopinCore
import Foundation

/// A record with the target columns of a letter or a plan, read and written as one value.
protocol HasTargets: AnyObject {
    var targetHouseholds: Int { get set }
    var targetPeople: Int { get set }
    var targetVillages: Int { get set }
    var targetCounties: Int { get set }
    var targetFunds: Int64 { get set }
}

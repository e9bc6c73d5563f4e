import Fluent
import TuopinCore
import Foundation

extension HasTargets {
    var targets: ResponsibilityTargets {
        get {
            ResponsibilityTargets(
                households: targetHouseholds, people: targetPeople, villages: targetVillages, counties: targetCounties,
                funds: Money(fen: targetFunds))
        }
        set {
            targetHouseholds = newValue.households; targetPeople = newValue.people; targetVillages = newValue.villages
            targetCounties = newValue.counties; targetFunds = newValue.funds.fen
        }
    }
}

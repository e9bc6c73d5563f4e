import Foundation
import TuopinCore
import Vapor

/// What the household page needs to edit members and the year's plan in the browser: each
/// member's current values as choices, a blank member (or the one just refused, as typed), and the
/// plan of each year with one empty row to add a measure.
struct HouseholdEditing: Encodable {
    typealias Choice = HouseholdEditController.Choice

    struct MemberEdit: Encodable {
        let id: RowID<Member>; let name: String; let isHead: Bool
        let ethnicity: [Choice]; let education: [Choice]; let schooling: [Choice]; let health: [Choice]
        let labour: [Choice]; let disabilityGrade: String; let migrantMonths: String
        let action: String; let removalAction: String; let headAction: String
    }
    struct NewMember: Encodable {
        let name: String; let residentID: String; let relations: [Choice]
        let ethnicity: [Choice]; let education: [Choice]; let schooling: [Choice]; let health: [Choice]
        let labour: [Choice]; let disabilityGrade: String; let migrantMonths: String
    }
    struct MeasureRow: Encodable {
        let categories: [Choice]; let subtypes: [Choice]
        let content: String; let amount: String; let start: String; let end: String; let outcome: String
        let cadre: String; let isNew: Bool
    }
    struct PlanEdit: Encodable { let year: Int; let goal: String; let rows: [MeasureRow] }

    let members: [MemberEdit]
    let newMember: NewMember
    let formerHeadRelations: [Choice]
    let plans: [PlanEdit]
    let memberAction: String
    let planAction: String

    /// The editing forms of household `h`; `posted` is a refused new-member form, shown as typed.
    static func make(
        _ h: Household, members: [Member], plans: [HouseholdPlan], measures: [Measure], today: CivilDate,
        posted: [String: String], t: Translations
    ) throws -> HouseholdEditing {
        let id = try h.requireID()
        let edits = try members.map { m in
            let mid = try m.requireID()
            return MemberEdit(
                id: mid, name: m.name, isHead: m.relation == .head,
                ethnicity: choices(Ethnicity.self, m.ethnicity, t), education: choices(Education.self, m.education, t),
                schooling: choices(Schooling.self, m.schooling, t), health: choices(Health.self, m.health, t),
                labour: choices(LabourAbility.self, m.labour, t),
                disabilityGrade: m.disabilityGrade.map(String.init) ?? "", migrantMonths: String(m.migrantMonths),
                action: SiteURL.member(mid, nil).path, removalAction: SiteURL.member(mid, "removal").path,
                headAction: SiteURL.member(mid, "head").path)
        }
        let p = { (key: String) in posted[key] ?? "" }
        let newMember = NewMember(
            name: p("name"), residentID: p("resident_id"),
            relations: choices(Relation.self, p("relation"), t).filter { $0.value != Relation.head.rawValue },
            ethnicity: choices(Ethnicity.self, posted["ethnicity"] ?? Ethnicity.tibetan.rawValue, t),
            education: choices(Education.self, p("education"), t),
            schooling: choices(Schooling.self, p("schooling"), t),
            health: choices(Health.self, posted["health"] ?? Health.healthy.rawValue, t),
            labour: choices(LabourAbility.self, p("labour"), t), disabilityGrade: p("disability_grade"),
            migrantMonths: posted["migrant_months"] ?? "0")
        return HouseholdEditing(
            members: edits, newMember: newMember,
            formerHeadRelations: choices(Relation.self, Relation.spouse.rawValue, t).filter {
                $0.value != Relation.head.rawValue
            },
            plans: planEdits(plans: plans, measures: measures, today: today, t: t),
            memberAction: SiteURL.householdPart(id, "members").path,
            planAction: SiteURL.householdPart(id, "plans").path)
    }

    /// This year's plan first (blank when there is none yet), then the earlier years', each with
    /// one empty row for a new measure.
    static func planEdits(plans: [HouseholdPlan], measures: [Measure], today: CivilDate, t: Translations)
        -> [PlanEdit]
    {
        let byPlan = Dictionary(grouping: measures, by: \.planID)
        var years = plans.sorted { $0.year > $1.year }.map { p in
            (p.year, p.goal, (byPlan[p.id!] ?? []).sorted { ($0.id?.rawValue ?? 0) < ($1.id?.rawValue ?? 0) })
        }
        if !years.contains(where: { $0.0 == today.year }) { years.insert((today.year, "", []), at: 0) }
        let blank = MeasureRow(
            categories: choices(MeasureCategory.self, "", t), subtypes: choices(MeasureSubtype.self, "", t),
            content: "", amount: "", start: "\(today.year)-01-01", end: "\(today.year)-12-31", outcome: "",
            cadre: "", isNew: true)
        return years.map { year, goal, rows in
            PlanEdit(
                year: year, goal: goal,
                rows: rows.map { m in
                    MeasureRow(
                        categories: choices(MeasureCategory.self, m.category.rawValue, t),
                        subtypes: choices(MeasureSubtype.self, m.subtype, t), content: m.content,
                        amount: Money(fen: m.amount).description, start: m.startDate, end: m.endDate,
                        outcome: m.outcome, cadre: m.cadreID.map(String.init) ?? "", isNew: false)
                } + [blank])
        }
    }

    static func choices<T: OfficialValue>(_ type: T.Type, _ selected: String, _ t: Translations) -> [Choice] {
        T.allCases.map { Choice(value: $0.rawValue, label: t.vocab($0), selected: $0.rawValue == selected) }
    }
}

import Foundation
import Fluent
import TuopinCore
import Vapor

/// An audit entry as the search page shows it to a person (issue #24 item 10): the action in words,
/// the household by its number and head's name, and what changed as a list of fields with their
/// values before and after. The stored record itself (codes, ids, JSON) stays one click away, and is
/// what the export and the API give.
struct AuditEntryView: Encodable {
    struct Change: Encodable { let field: String; let before: String; let after: String }
    let id: Int64; let at: String; let user: String
    let action: String; let action_label: String
    let subject: String; let href: String?
    let changes: [Change]
    let before: String; let after: String

    static func views(_ req: Request, _ entries: [AuditSearch.Entry]) async throws -> [AuditEntryView] {
        let t = req.t
        let householdIDs = entries.filter { $0.entity == "household" }.compactMap { Int($0.entity_id) }
            .map { RowID<Household>($0) }
        var households: [String: String] = [:]
        if req.data.mayReadRegistry, !householdIDs.isEmpty {
            let numbers = try await req.data.rows(Household.self).filter(\.$id ~~ householdIDs).all()
            let heads = try await req.data.headNames(ofHouseholds: numbers.map { $0.id! })
            for h in numbers {
                households[String(h.id!)] = [heads[h.id!], h.number].compactMap { $0 }.joined(separator: " · ")
            }
        }
        let units = try await req.data.unitNames(Set(entries.filter { $0.entity == "org_unit" }.map(\.entity_id)))
        return entries.map { e in
            let entity = t.ifAny("audit_entity_\(e.entity)") ?? e.entity
            let named =
                e.entity == "household" ? households[e.entity_id] : e.entity == "org_unit" ? units[e.entity_id] : nil
            return AuditEntryView(
                id: e.id, at: e.at, user: e.user, action: e.action, action_label: label(e.action, t),
                subject: named.map { "\(entity) \($0)" }
                    ?? [entity, e.entity_id].filter { !$0.isEmpty }.joined(separator: " "),
                href: e.href, changes: changes(before: e.before, after: e.after, entity: e.entity, action: e.action, t),
                before: e.before,
                after: e.after)
        }
    }

    /// `household.update` → 修改户信息 (`action_household_update`); an action without words keeps its code.
    static func label(_ action: String, _ t: Translations) -> String {
        let key = "action_" + action.replacingOccurrences(of: ".", with: "_")
        return t.ifAny(key) ?? action
    }

    /// The fields that differ between the two JSON objects (every field of `after` when there is no
    /// `before`), labelled in words where the page has a label for them.
    static func changes(before: String, after: String, entity: String = "", action: String = "", _ t: Translations)
        -> [Change]
    {
        // The action's family (`sanction` of `sanction.add`) says what a field means where the entity does not.
        let family = String(action.prefix { $0 != "." })
        // One level of nesting is opened (`{"fields": {…}}`), so each field is listed by its own name.
        func object(_ text: String) -> [String: Any] {
            let top = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            var flat: [String: Any] = [:]
            for (key, value) in top {
                if let inner = value as? [String: Any] { flat.merge(inner) { a, _ in a } } else { flat[key] = value }
            }
            return flat
        }
        func text(_ value: Any?) -> String {
            switch value {
            case nil, is NSNull: return ""
            case let s as String: return s
            case let n as NSNumber: return n.stringValue
            case let a as [Any]: return a.map { text($0) }.joined(separator: "、")
            case let v?:
                return (try? JSONSerialization.data(withJSONObject: v)).map { String(decoding: $0, as: UTF8.self) }
                    ?? ""
            }
        }
        let old = object(before), new = object(after)
        return Set(old.keys).union(new.keys).sorted().compactMap { key in
            let was = text(old[key]), now = text(new[key])
            guard was != now else { return nil }
            let label =
                ["audit_field_\(family)_\(key)", "audit_field_\(key)", "field_\(key)", "f_\(key)", key].lazy
                .compactMap { t.ifAny($0) }.first ?? key
            return Change(
                field: label, before: value(was, field: key, in: [family, entity], t),
                after: value(now, field: key, in: [family, entity], t))
        }
    }

    /// Where the words for a stored code are, by the field that holds it (and, for a state or status, the
    /// entity whose it is): `open` of a finding's `state` → 待整改 (`finding_state_open`).
    static let valueLabels: [String: String] = [
        "finding.state": "finding_state_", "letter.state": "letter_state_", "assessment.state": "scheme_state_",
        "household.status": "v_householdstatus_", "case.status": "case_status_", "dispute.status": "dispute_status_",
        "objection.status": "objection_status_", "oversight_case.status": "ocase_status_",
        "finding.category": "finding_category_",
        "action": "wf_action_", "move": "fund_move_", "source": "fund_source_", "relation": "v_relation_",
        "education": "v_education_", "schooling": "v_schooling_", "health": "v_health_", "ethnicity": "v_ethnicity_",
        "labour_ability": "v_labourability_", "attribute": "v_householdattribute_", "main_cause": "v_povertycause_",
        "guarantee.kind": "v_guaranteekind_", "status": "status_", "sanction.measure": "sanction_measure_",
        "sanction.kind": "sanction_kind_", "sanction.subject_type": "sanction_subject_",
        "objection.kind": "objection_kind_", "assessment.from": "scheme_state_", "assessment.to": "scheme_state_",
    ]

    /// A stored code in words where the page has them; anything else (names, numbers, free text) as stored.
    static func value(_ stored: String, field: String, in contexts: [String], _ t: Translations) -> String {
        guard !stored.isEmpty, stored.count <= 40, stored.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") })
        else { return stored }
        for key in contexts.map({ "\($0).\(field)" }) + [field] {
            if let prefix = valueLabels[key], let words = t.ifAny(prefix + stored) { return words }
        }
        return stored
    }
}

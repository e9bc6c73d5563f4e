import TuopinCore

/// How an objector can be reached (issue #24 item 12): in full to the staff who decide the objection
/// and must reply, masked (`139****5678`) to anyone else who sees the objection, and never on the
/// public portal. Stored encrypted; "" when none was given.
enum ObjectionContact {
    static func shown(_ o: Objection, toDecider: Bool, _ protector: DataProtector) -> String {
        guard let sealed = o.contactCipher, let contact = try? protector.decrypt(sealed), !contact.isEmpty else {
            return ""
        }
        return toDecider ? contact : PhoneNumber.mask(contact)
    }
}

/// Where a workflow case stands.
enum CaseStatus: String, Codable, Sendable { case open, rejected, closed }

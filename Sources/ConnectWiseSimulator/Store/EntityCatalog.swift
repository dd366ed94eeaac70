import CWJSON

/// How a field of one table refers to records of another.
struct ReferenceRule: Sendable {
    /// The field (`board`).
    var field: String
    /// The referenced table (`boards`).
    var table: String
    /// Fields copied from the referenced record into the reference (`id`, `name`).
    var copied: [String]
    /// Keys a request may use instead of `id` to name the record.
    var lookupKeys: [String]
}

/// One table the simulator serves: its URL, module, parent, references and required fields.
struct TableSpec: Sendable {
    var name: String
    /// Path under the API root, e.g. `service/tickets`, or the child segment (`notes`).
    var path: String
    var module: APIModule
    /// For child tables: the parent table and the child's field holding the parent id.
    var parent: (table: String, key: String)?
    var references: [ReferenceRule] = []
    var required: [String] = []
}

enum EntityCatalog {
    static let named = ["id", "name"]
    static let identified = ["id", "identifier", "name"]

    static let tables: [TableSpec] = [
        TableSpec(
            name: "tickets", path: "service/tickets", module: .serviceTickets,
            references: [
                ReferenceRule(field: "board", table: "boards", copied: named, lookupKeys: ["name"]),
                ReferenceRule(field: "company", table: "companies", copied: identified, lookupKeys: ["identifier", "name"]),
                ReferenceRule(field: "priority", table: "priorities", copied: named, lookupKeys: ["name"]),
                ReferenceRule(field: "owner", table: "members", copied: identified, lookupKeys: ["identifier"]),
                ReferenceRule(field: "contact", table: "contacts", copied: named, lookupKeys: ["name"]),
                ReferenceRule(field: "agreement", table: "agreements", copied: named, lookupKeys: ["name"]),
            ],
            required: ["summary", "board", "company"]),
        TableSpec(
            name: "ticket_notes", path: "notes", module: .serviceTickets, parent: ("tickets", "ticketId"),
            references: [ReferenceRule(field: "member", table: "members", copied: identified, lookupKeys: ["identifier"])],
            required: ["text"]),
        TableSpec(name: "boards", path: "service/boards", module: .serviceTickets, required: ["name"]),
        TableSpec(
            name: "board_statuses", path: "statuses", module: .serviceTickets, parent: ("boards", "board/id"),
            required: ["name"]),
        TableSpec(name: "priorities", path: "service/priorities", module: .serviceTickets, required: ["name"]),
        TableSpec(name: "companies", path: "company/companies", module: .companies, required: ["identifier", "name"]),
        TableSpec(
            name: "contacts", path: "company/contacts", module: .contacts,
            references: [ReferenceRule(field: "company", table: "companies", copied: identified, lookupKeys: ["identifier", "name"])],
            required: ["firstName"]),
        TableSpec(
            name: "configurations", path: "company/configurations", module: .configurations,
            references: [ReferenceRule(field: "company", table: "companies", copied: identified, lookupKeys: ["identifier", "name"])],
            required: ["name", "type", "company"]),
        TableSpec(
            name: "agreements", path: "finance/agreements", module: .agreements,
            references: [ReferenceRule(field: "company", table: "companies", copied: identified, lookupKeys: ["identifier", "name"])],
            required: ["name", "company"]),
        TableSpec(
            name: "agreement_additions", path: "additions", module: .agreements, parent: ("agreements", "agreementId"),
            required: ["product", "quantity"]),
        TableSpec(
            name: "time_entries", path: "time/entries", module: .time,
            references: [
                ReferenceRule(field: "member", table: "members", copied: identified, lookupKeys: ["identifier"]),
                ReferenceRule(field: "company", table: "companies", copied: identified, lookupKeys: ["identifier", "name"]),
            ],
            required: ["chargeToId", "chargeToType"]),
        TableSpec(
            name: "projects", path: "project/projects", module: .projects,
            references: [
                ReferenceRule(field: "company", table: "companies", copied: identified, lookupKeys: ["identifier", "name"]),
                ReferenceRule(field: "manager", table: "members", copied: identified, lookupKeys: ["identifier"]),
            ],
            required: ["name", "company"]),
        TableSpec(
            name: "project_tickets", path: "project/tickets", module: .projectTickets,
            references: [
                ReferenceRule(field: "project", table: "projects", copied: named, lookupKeys: ["name"]),
                ReferenceRule(field: "company", table: "companies", copied: identified, lookupKeys: ["identifier", "name"]),
                ReferenceRule(field: "owner", table: "members", copied: identified, lookupKeys: ["identifier"]),
            ],
            required: ["summary", "project"]),
        TableSpec(
            name: "opportunities", path: "sales/opportunities", module: .opportunities,
            references: [ReferenceRule(field: "company", table: "companies", copied: identified, lookupKeys: ["identifier", "name"])],
            required: ["name", "company"]),
        TableSpec(name: "members", path: "system/members", module: .members, required: ["identifier"]),
        TableSpec(name: "configuration_types", path: "company/configurations/types", module: .configurations, required: ["name"]),
    ]

    static let byName: [String: TableSpec] = Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0) })

    /// Top-level tables by their path under the API root.
    static let byPath: [String: TableSpec] = Dictionary(
        uniqueKeysWithValues: tables.filter { $0.parent == nil }.map { ($0.path, $0) })

    /// The child table reached as `parentPath/{id}/segment`.
    static func child(of parent: String, segment: String) -> TableSpec? {
        tables.first { $0.parent?.table == parent && $0.path == segment }
    }
}

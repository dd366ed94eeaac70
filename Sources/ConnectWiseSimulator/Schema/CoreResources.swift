/// The first release's resources, which the seeder fills by hand with a realistic MSP ("Northwind
/// IT"): their short names and for a nested list the
/// field of its records naming the parent. Their fields and methods still come from the spec.
enum CoreResources {
    struct Entry: Sendable {
        let name: String
        let template: String
    }

    static let all: [Entry] = [
        Entry(name: "tickets", template: "/service/tickets"),
        Entry(name: "ticket_notes", template: "/service/tickets/{id}/notes"),
        Entry(name: "boards", template: "/service/boards"),
        Entry(name: "board_statuses", template: "/service/boards/{id}/statuses"),
        Entry(name: "priorities", template: "/service/priorities"),
        Entry(name: "companies", template: "/company/companies"),
        Entry(name: "contacts", template: "/company/contacts"),
        Entry(name: "configurations", template: "/company/configurations"),
        Entry(name: "configuration_types", template: "/company/configurations/types"),
        Entry(name: "agreements", template: "/finance/agreements"),
        Entry(name: "agreement_additions", template: "/finance/agreements/{id}/additions"),
        Entry(name: "time_entries", template: "/time/entries"),
        Entry(name: "projects", template: "/project/projects"),
        Entry(name: "project_tickets", template: "/project/tickets"),
        Entry(name: "opportunities", template: "/sales/opportunities"),
        Entry(name: "members", template: "/system/members"),
    ]

    private static let byTemplate = Dictionary(uniqueKeysWithValues: all.map { ($0.template, $0.name) })

    static func name(of template: String) -> String? { byTemplate[template] }
}

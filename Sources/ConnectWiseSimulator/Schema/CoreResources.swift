/// The first release's resources, which the seeder fills by hand with a realistic MSP ("Northwind
/// IT"): their short names, the security module guarding each, and for a nested list the
/// field of its records naming the parent. Their fields and methods still come from the spec.
enum CoreResources {
    struct Entry: Sendable {
        let name: String
        let template: String
        let module: APIModule
    }

    static let all: [Entry] = [
        Entry(name: "tickets", template: "/service/tickets", module: .serviceTickets),
        Entry(name: "ticket_notes", template: "/service/tickets/{id}/notes", module: .serviceTickets),
        Entry(name: "boards", template: "/service/boards", module: .serviceTickets),
        Entry(name: "board_statuses", template: "/service/boards/{id}/statuses", module: .serviceTickets),
        Entry(name: "priorities", template: "/service/priorities", module: .serviceTickets),
        Entry(name: "companies", template: "/company/companies", module: .companies),
        Entry(name: "contacts", template: "/company/contacts", module: .contacts),
        Entry(name: "configurations", template: "/company/configurations", module: .configurations),
        Entry(name: "configuration_types", template: "/company/configurations/types", module: .configurations),
        Entry(name: "agreements", template: "/finance/agreements", module: .agreements),
        Entry(name: "agreement_additions", template: "/finance/agreements/{id}/additions", module: .agreements),
        Entry(name: "time_entries", template: "/time/entries", module: .time),
        Entry(name: "projects", template: "/project/projects", module: .projects),
        Entry(name: "project_tickets", template: "/project/tickets", module: .projectTickets),
        Entry(name: "opportunities", template: "/sales/opportunities", module: .opportunities),
        Entry(name: "members", template: "/system/members", module: .members),
    ]

    private static let byTemplate = Dictionary(uniqueKeysWithValues: all.map { ($0.template, $0.name) })

    static func name(of template: String) -> String? { byTemplate[template] }
}

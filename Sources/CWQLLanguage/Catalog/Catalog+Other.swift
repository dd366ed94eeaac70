import ConnectWiseRequests

extension Catalog {
    static let otherEntities: [EntitySpec] = [
        EntitySpec(
            name: "projects", singular: "project", path: "/project/projects", permission: "Project > Project Headers",
            fields: [
                .string("name"), .reference("board", .board), .reference("status", .status),
                .reference("company", .company), .reference("contact", .contact), .reference("manager", .member),
                .date("estimatedStart"), .date("estimatedEnd"), .date("actualStart"), .date("actualEnd"),
                .decimal("budgetHours"), .decimal("actualHours"), .decimal("percentComplete"),
                .boolean("closedFlag"), .string("description"), .customFieldsField,
            ],
            aliases: [
                "board": "board/name", "status": "status/name", "company": "company/identifier",
                "manager": "manager/identifier", "closed": "closedFlag",
            ],
            children: [ChildLink(name: "tickets", entity: "project_tickets", access: .filteredBy("project/id"))],
            defaultColumns: ["id", "name", "company", "status", "manager", "percentComplete"]),

        EntitySpec(
            name: "project_tickets", singular: "project_ticket", path: "/project/tickets",
            permission: "Project > Project Tickets",
            fields: [
                .string("summary"), .reference("project", .project), .reference("phase", .named("a phase reference")),
                .reference("board", .board), .reference("status", .status), .reference("company", .company),
                .reference("owner", .member), .reference("priority", .priority), .boolean("closedFlag"),
                .date("dateEntered"), .decimal("budgetHours"), .decimal("actualHours"), .date("requiredDate"),
                .customFieldsField,
            ],
            aliases: [
                "project": "project/name", "board": "board/name", "status": "status/name",
                "company": "company/identifier", "owner": "owner/identifier", "priority": "priority/name",
                "closed": "closedFlag", "entered": "dateEntered", "updated": "_info/lastUpdated",
            ],
            children: [
                ChildLink(
                    name: "time", entity: "time_entries",
                    access: .filteredBy("chargeToId", also: .comparison(path: "chargeToType", op: "=", value: .text("ProjectTicket")))),
            ],
            defaultColumns: ["id", "summary", "project", "status", "owner"]),

        EntitySpec(
            name: "opportunities", singular: "opportunity", path: "/sales/opportunities",
            permission: "Sales > Opportunity",
            fields: [
                .string("name"), .reference("company", .company), .reference("contact", .contact),
                .reference("primarySalesRep", .member), .reference("stage", .named("a stage reference")),
                .reference("status", .status), .reference("type", .named("an opportunity type reference")),
                .decimal("probability"), .date("expectedCloseDate"), .date("closedDate"), .boolean("closedFlag"),
                .string("notes"), .customFieldsField,
            ],
            aliases: [
                "company": "company/identifier", "stage": "stage/name", "status": "status/name",
                "rep": "primarySalesRep/identifier", "closed": "closedFlag",
            ],
            defaultColumns: ["id", "name", "company", "stage", "status", "expectedCloseDate"]),

        EntitySpec(
            name: "members", singular: "member", path: "/system/members", permission: "System > Members",
            fields: [
                .string("identifier"), .string("firstName"), .string("lastName"), .string("officeEmail"),
                .string("title"), .boolean("inactiveFlag"), .reference("defaultBoard", .board),
                .reference("securityRole", .named("a security role reference")),
            ],
            aliases: ["inactive": "inactiveFlag", "email": "officeEmail"],
            defaultColumns: ["id", "identifier", "firstName", "lastName", "officeEmail", "inactiveFlag"]),
    ]
}

import ConnectWiseRequests

extension Catalog {
    static let serviceEntities: [EntitySpec] = [
        EntitySpec(
            name: "tickets", singular: "ticket", path: "/service/tickets",
            permission: "Service Desk > Service Tickets",
            fields: [
                .string("summary"), .string("recordType"),
                .reference("board", .board), .reference("status", .status),
                .reference("company", .company), .reference("site", .named("a site reference")),
                .reference("contact", .contact), .string("contactName"), .string("contactPhoneNumber"),
                .string("contactEmailAddress"),
                .reference("type", .named("a type reference")), .reference("subType", .named("a subtype reference")),
                .reference("item", .named("an item reference")), .reference("team", .named("a team reference")),
                .reference("owner", .member), .reference("priority", .priority),
                .reference("serviceLocation", .named("a location reference")),
                .reference("source", .named("a source reference")), .string("severity"), .string("impact"),
                .reference("agreement", .agreement), .boolean("closedFlag"), .date("closedDate"),
                .string("closedBy"), .date("dateEntered"), .string("enteredBy"), .date("requiredDate"),
                .decimal("budgetHours"), .decimal("actualHours"), .string("resources"),
                .string("initialDescription"), .string("initialInternalAnalysis"), .string("initialResolution"),
                .boolean("customerUpdatedFlag"), .boolean("approved"), .date("estimatedStartDate"),
                .boolean("automaticEmailContactFlag"), .string("billingMethod"), .boolean("hasChildTicket"),
                .customFieldsField,
            ],
            aliases: [
                "board": "board/name", "status": "status/name", "company": "company/identifier",
                "priority": "priority/name", "owner": "owner/identifier", "type": "type/name",
                "source": "source/name", "team": "team/name", "contact": "contact/name",
                "entered": "dateEntered", "updated": "_info/lastUpdated", "closed": "closedFlag",
            ],
            children: [
                ChildLink(name: "notes", entity: "ticket_notes", access: .subPath("/notes")),
                ChildLink(
                    name: "time", entity: "time_entries",
                    access: .filteredBy("chargeToId", also: .comparison(path: "chargeToType", op: "=", value: .text("ServiceTicket")))),
            ],
            defaultColumns: ["id", "summary", "board", "status", "company", "priority", "owner", "updated"]),

        EntitySpec(
            name: "ticket_notes", singular: "ticket_note", path: "/service/tickets/{parentId}/notes",
            permission: "Service Desk > Service Tickets",
            fields: [
                .integer("ticketId"), .string("text"), .boolean("detailDescriptionFlag"),
                .boolean("internalAnalysisFlag"), .boolean("resolutionFlag"), .boolean("customerUpdatedFlag"),
                .reference("member", .member), .reference("contact", .contact), .date("dateCreated"),
                .string("createdBy"),
            ],
            aliases: [
                "internal": "internalAnalysisFlag", "resolution": "resolutionFlag",
                "discussion": "detailDescriptionFlag", "created": "dateCreated",
            ],
            defaultColumns: ["id", "ticketId", "dateCreated", "createdBy", "text"], isTopLevel: false,
            parentKey: "ticketId"),

        EntitySpec(
            name: "boards", singular: "board", path: "/service/boards",
            permission: "Service Desk > Service Tickets",
            fields: [
                .string("name"), .reference("location", .named("a location reference")),
                .reference("department", .named("a department reference")), .boolean("inactiveFlag"),
                .boolean("projectFlag"),
            ],
            aliases: ["inactive": "inactiveFlag"],
            children: [ChildLink(name: "statuses", entity: "board_statuses", access: .subPath("/statuses"))],
            defaultColumns: ["id", "name", "inactiveFlag"]),

        EntitySpec(
            name: "board_statuses", singular: "board_status", path: "/service/boards/{parentId}/statuses",
            permission: "Service Desk > Service Tickets",
            fields: [
                .string("name"), .reference("board", .board), .integer("sortOrder"), .boolean("displayOnBoard"),
                .boolean("inactiveFlag"), .boolean("closedStatus"), .boolean("defaultFlag"),
                .boolean("timeEntryNotAllowed"),
            ],
            aliases: ["closed": "closedStatus", "inactive": "inactiveFlag", "default": "defaultFlag"],
            defaultColumns: ["id", "name", "closedStatus", "defaultFlag", "inactiveFlag"], isTopLevel: false,
            parentKey: "board/id"),

        EntitySpec(
            name: "priorities", singular: "priority", path: "/service/priorities",
            permission: "Service Desk > Service Tickets",
            fields: [.string("name"), .string("color"), .integer("sortOrder"), .boolean("defaultFlag")],
            defaultColumns: ["id", "name", "sortOrder", "defaultFlag"]),
    ]
}

extension FieldSpec {
    /// `customFields`, compared with `custom("Caption")`.
    static let customFieldsField = FieldSpec("customFields", .customFields)
}

extension Catalog {
    static let financeEntities: [EntitySpec] = [
        EntitySpec(
            name: "agreements", singular: "agreement", path: "/finance/agreements",
            permission: "Finance > Agreements",
            fields: [
                .string("name"), .reference("type", .named("an agreement type reference")),
                .reference("company", .company), .reference("contact", .contact), .string("agreementStatus"),
                .date("startDate"), .date("endDate"), .boolean("noEndingDateFlag"), .boolean("cancelledFlag"),
                .decimal("billAmount"), .string("applicationUnits"), .decimal("applicationLimit"),
                .customFieldsField,
            ],
            aliases: [
                "type": "type/name", "company": "company/identifier", "status": "agreementStatus",
                "cancelled": "cancelledFlag",
            ],
            children: [ChildLink(name: "additions", entity: "agreement_additions", access: .subPath("/additions"))],
            defaultColumns: ["id", "name", "type", "company", "agreementStatus", "startDate", "endDate"]),

        EntitySpec(
            name: "agreement_additions", singular: "agreement_addition",
            path: "/finance/agreements/{parentId}/additions", permission: "Finance > Agreements",
            fields: [
                .reference("product", .product), .integer("agreementId"), .decimal("quantity"),
                .decimal("lessIncluded"), .decimal("unitPrice"), .decimal("unitCost"), .boolean("billCustomer"),
                .date("effectiveDate"), .date("cancelledDate"), .string("description"), .boolean("taxableFlag"),
            ],
            aliases: ["product": "product/identifier"],
            defaultColumns: ["id", "product", "quantity", "unitPrice", "effectiveDate", "cancelledDate"],
            isTopLevel: false, parentKey: "agreementId"),

        EntitySpec(
            name: "time_entries", singular: "time_entry", path: "/time/entries", permission: "Time > Time Entry",
            fields: [
                .integer("chargeToId"), .string("chargeToType"), .reference("company", .company),
                .reference("member", .member), .date("timeStart"), .date("timeEnd"), .decimal("actualHours"),
                .decimal("hoursDeduct"), .string("notes"), .string("internalNotes"), .string("billableOption"),
                .reference("workType", .named("a work type reference")),
                .reference("workRole", .named("a work role reference")), .reference("agreement", .agreement),
                .boolean("addToDetailDescriptionFlag"), .boolean("addToInternalAnalysisFlag"),
                .boolean("addToResolutionFlag"), .date("dateEntered"),
            ],
            aliases: [
                "member": "member/identifier", "company": "company/identifier", "hours": "actualHours",
                "start": "timeStart", "end": "timeEnd", "worktype": "workType/name",
            ],
            defaultColumns: ["id", "chargeToId", "member", "timeStart", "actualHours", "notes"]),
    ]
}

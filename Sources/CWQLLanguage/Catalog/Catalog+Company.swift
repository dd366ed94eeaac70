extension Catalog {
    static let companyEntities: [EntitySpec] = [
        EntitySpec(
            name: "companies", singular: "company", path: "/company/companies",
            permission: "Companies > Company Maintenance",
            fields: [
                .string("identifier"), .string("name"), .reference("status", .status),
                .reference("type", .named("a company type reference")), .string("phoneNumber"),
                .string("faxNumber"), .string("website"), .string("addressLine1"), .string("addressLine2"),
                .string("city"), .string("state"), .string("zip"), .reference("territory", .named("a territory reference")),
                .reference("market", .named("a market reference")), .boolean("deletedFlag"),
                .date("dateAcquired"), .integer("numberOfEmployees"), .decimal("annualRevenue"),
                .reference("defaultContact", .contact), .string("accountNumber"), .customFieldsField,
            ],
            aliases: ["status": "status/name", "type": "type/name", "deleted": "deletedFlag"],
            children: [
                ChildLink(name: "contacts", entity: "contacts", access: .filteredBy("company/id")),
                ChildLink(name: "configurations", entity: "configurations", access: .filteredBy("company/id")),
                ChildLink(name: "tickets", entity: "tickets", access: .filteredBy("company/id")),
                ChildLink(name: "agreements", entity: "agreements", access: .filteredBy("company/id")),
            ],
            defaultColumns: ["id", "identifier", "name", "status", "phoneNumber", "website"]),

        EntitySpec(
            name: "contacts", singular: "contact", path: "/company/contacts",
            permission: "Companies > Contacts",
            fields: [
                .string("firstName"), .string("lastName"), .reference("company", .company),
                .reference("site", .named("a site reference")), .string("title"),
                .boolean("inactiveFlag"), .string("defaultPhoneNbr"), .string("defaultEmailAddress"),
                .reference("type", .named("a contact type reference")), .customFieldsField,
            ],
            aliases: ["company": "company/identifier", "inactive": "inactiveFlag", "email": "defaultEmailAddress"],
            defaultColumns: ["id", "firstName", "lastName", "company", "defaultEmailAddress"]),

        EntitySpec(
            name: "configurations", singular: "configuration", path: "/company/configurations",
            permission: "Companies > Configurations",
            fields: [
                .string("name"), .reference("type", .named("a configuration type reference")),
                .reference("status", .status), .reference("company", .company), .reference("contact", .contact),
                .reference("site", .named("a site reference")), .string("serialNumber"), .string("modelNumber"),
                .string("tagNumber"), .string("macAddress"), .string("ipAddress"), .string("osType"),
                .string("osInfo"), .boolean("activeFlag"), .string("deviceIdentifier"), .string("lastLoginName"),
                .date("purchaseDate"), .date("warrantyExpirationDate"), .string("notes"),
                .customFieldsField,
            ],
            aliases: [
                "type": "type/name", "status": "status/name", "company": "company/identifier", "active": "activeFlag",
            ],
            defaultColumns: ["id", "name", "type", "company", "serialNumber", "ipAddress", "activeFlag"]),
    ]
}

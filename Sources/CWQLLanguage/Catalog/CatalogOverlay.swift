import ConnectWiseRequests

/// What cwql lays over the catalog generated from ConnectWise's spec: the first release's
/// short names and aliases, default columns, the security modules, the children that are
/// filters of another collection rather than sub-paths, and the facts the spec lacks. Every
/// name here must resolve to a field or an endpoint of the spec (`CatalogOverlayTests`).
enum CatalogOverlay {
    /// Source names that differ from the naming rule's, by ConnectWise path.
    static let names: [String: String] = [
        "/service/tickets": "tickets",
        "/service/boards": "boards",
        "/system/members": "members",
        "/procurement/catalog": "catalog_items",
    ]

    /// The sources most queries start from (the first release's), offered when a name is unknown.
    static let commonSources = [
        "tickets", "boards", "priorities", "companies", "contacts", "configurations", "agreements", "time_entries",
        "projects", "project_tickets", "opportunities", "members",
    ]

    /// Friendly field names per entity (`entered` → `_info/dateEntered`).
    static let aliases: [String: [String: AliasTarget]] = [
        "tickets": [
            "entered": "_info/dateEntered", "updated": "_info/lastUpdated", "closed": "closedFlag",
        ],
        "ticket_notes": [
            "internal": "internalAnalysisFlag", "resolution": "resolutionFlag", "discussion": "detailDescriptionFlag",
            "created": "dateCreated",
        ],
        "boards": ["inactive": "inactiveFlag"],
        "board_statuses": ["closed": "closedStatus", "default": "defaultFlag"],
        "companies": ["type": "types/name", "deleted": "deletedFlag"],
        "contacts": [
            "inactive": "inactiveFlag",
            "email": AliasTarget("communicationItems/value", also: communicationType("Email")),
            "phone": AliasTarget("communicationItems/value", also: communicationType("Phone")),
        ],
        "configurations": ["active": "activeFlag"],
        "agreements": ["status": "agreementStatus", "cancelled": "cancelledFlag"],
        "time_entries": ["hours": "actualHours", "start": "timeStart", "end": "timeEnd", "worktype": "workType"],
        "projects": ["closed": "closedFlag"],
        "project_tickets": [
            "entered": "_info/dateEntered", "updated": "_info/lastUpdated", "closed": "closedFlag",
        ],
        "opportunities": ["rep": "primarySalesRep"],
        "members": ["inactive": "inactiveFlag", "email": "officeEmail"],
    ]

    private static func communicationType(_ type: String) -> Conditions {
        .comparison(path: "communicationItems/communicationType", op: "=", value: .text(type))
    }

    /// Columns shown by default in a table, per entity; others show the ``SpecCatalogBuilder``'s pick.
    static let defaultColumns: [String: [String]] = [
        "tickets": ["id", "summary", "board", "status", "company", "priority", "owner", "updated"],
        "ticket_notes": ["id", "ticketId", "dateCreated", "createdBy", "text"],
        "boards": ["id", "name", "inactiveFlag"],
        "board_statuses": ["id", "name", "closedStatus", "defaultFlag", "inactive"],
        "priorities": ["id", "name", "sortOrder", "defaultFlag"],
        "companies": ["id", "identifier", "name", "status", "phoneNumber", "website"],
        "contacts": ["id", "firstName", "lastName", "company", "title"],
        "configurations": ["id", "name", "type", "company", "serialNumber", "ipAddress", "activeFlag"],
        "agreements": ["id", "name", "type", "company", "agreementStatus", "startDate", "endDate"],
        "agreement_additions": ["id", "product", "quantity", "unitPrice", "effectiveDate", "cancelledDate"],
        "time_entries": ["id", "chargeToId", "member", "timeStart", "actualHours", "notes"],
        "projects": ["id", "name", "company", "status", "manager", "percentComplete"],
        "project_tickets": ["id", "summary", "project", "status", "owner"],
        "opportunities": ["id", "name", "company", "stage", "status", "expectedCloseDate"],
        "members": ["id", "identifier", "firstName", "lastName", "officeEmail", "inactiveFlag"],
    ]

    /// Children that are another collection filtered by the parent's id, not a sub-path.
    static let filteredChildren: [String: [ChildLink]] = [
        "tickets": [timeOf("ServiceTicket")],
        "project_tickets": [timeOf("ProjectTicket")],
        "companies": ["contacts", "configurations", "tickets", "agreements"].map {
            ChildLink(name: $0, entity: $0, access: .filteredBy("company/id"))
        },
        "projects": [ChildLink(name: "tickets", entity: "project_tickets", access: .filteredBy("project/id"))],
    ]

    private static func timeOf(_ chargeType: String) -> ChildLink {
        ChildLink(
            name: "time",
            entity: "time_entries",
            access: .filteredBy(
                "chargeToId",
                also: .comparison(path: "chargeToType", op: "=", value: .text(chargeType))
            )
        )
    }

    /// `_info`, which the spec leaves undescribed: when and by whom a record was entered and
    /// last updated, as every ConnectWise record carries it.
    static let info = ObjectShape(
        "the record's `_info`",
        fields: [.date("lastUpdated"), .string("updatedBy"), .date("dateEntered"), .string("enteredBy")],
        defaultField: nil
    )
}

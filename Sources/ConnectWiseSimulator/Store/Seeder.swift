import CWJSON

/// SplitMix64: a small generator whose output depends only on its seed.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds the fictional MSP "Northwind IT" that the simulator serves: members, boards with
/// their own statuses, priorities, companies with contacts, configurations and agreements
/// (with additions), projects, opportunities, and tickets with notes and time entries.
/// The same seed and reference day always give the same data.
struct Seeder {
    var generator: SeededGenerator
    let referenceDay: Int64
    var partitions = Partitions()
    static let named = ["id", "name"]
    static let identified = ["id", "identifier", "name"]

    static let memberNames = [
        ("jsmith", "John", "Smith"), ("agarcia", "Ana", "Garcia"), ("mchen", "Min", "Chen"),
        ("pkumar", "Priya", "Kumar"), ("lnovak", "Lena", "Novak"), ("okeefe", "Owen", "Keefe"),
        ("rdiaz", "Rosa", "Diaz"), ("tnguyen", "Tam", "Nguyen"), ("api-demo", "API", "Member"),
    ]
    /// Configuration types, by id (1, 2, 3).
    static let configurationTypes = ["Server", "Workstation", "Firewall"]

    static let companyNames = [
        ("ACME", "Acme Corporation"), ("CONTOSO", "Contoso Ltd"), ("GLOBEX", "Globex Inc"),
        ("INITECH", "Initech"), ("UMBRELLA", "Umbrella Health"), ("STARK", "Stark Logistics"),
        ("WAYNE", "Wayne Foods"), ("HOOLI", "Hooli Retail"), ("VANDELAY", "Vandelay Imports"),
        ("NORTHWIND", "Northwind IT (internal)"),
    ]
    static let boards: [(String, [(String, Bool, Bool)])] = [
        (
            "Help",
            [
                ("New", false, true), ("In Progress", false, false), ("Waiting on Client", false, false),
                ("Closed", true, false),
            ]
        ),
        ("Alerts", [("New", false, true), ("Investigating", false, false), ("Resolved", true, false)]),
        ("Projects", [("New", false, true), ("Scheduled", false, false), ("Completed", true, false)]),
        ("Onboarding", [("Requested", false, true), ("In Progress", false, false), (">Closed", true, false)]),
    ]
    /// Ticket summaries: the text before and after the subject, and whether the subject is the
    /// ticket's company (otherwise one of `hosts`).
    static let summaries: [(prefix: String, suffix: String, namesCompany: Bool)] = [
        ("Disk full on ", "", false), ("Printer offline at ", "", true), ("Password reset for ", "", true),
        ("VPN drops for ", "", true), ("Backup failed on ", "", false), ("New user setup at ", "", true),
        ("Outlook not syncing for ", "", true), ("Slow network at ", "", true), ("Certificate expiring on ", "", true),
        ("Antivirus alert on ", "", false), ("Server reboot required: ", "", false), ("License renewal for ", "", true),
    ]
    static let hosts = ["SRV01", "SRV02", "DC01", "FS01", "WS-114", "WS-207", "FW01", "SQL01"]
    static let products = [("M365-BP", 22.0), ("AV-SEAT", 4.5), ("BACKUP-SRV", 45.0), ("RMM-AGENT", 3.0)]

    /// The generator of the rows nobody seeds by hand, whose rules complete the seeded ones.
    let synthesis: Synthesis

    /// The `_info` of a seeded record that does not give its own.
    let seedInfo: JSON

    /// The latest moment a seeded record may be stamped with; nil: the end of the reference day.
    let latest: Int64?

    init(synthesis: Synthesis, latest: Int64? = nil) {
        self.latest = latest
        generator = SeededGenerator(state: synthesis.seed)
        referenceDay = synthesis.referenceDay
        self.synthesis = synthesis
        seedInfo = .object(Synthesis.info(entered: referenceDay - 86_400 * 400, updated: referenceDay - 86_400))
    }

    mutating func seed(tickets ticketCount: Int) -> Partitions {
        let members = Self.memberNames.map { identifier, first, last in
            insert(
                "members",
                [
                    "identifier": .string(identifier), "firstName": .string(first), "lastName": .string(last),
                    "officeEmail": .string("\(identifier)@northwind.example"), "title": .string("Engineer"),
                    "inactiveFlag": .bool(false),
                ]
            )
        }
        let priorities = ["P1", "P2", "P3", "P4"].enumerated().map { index, name in
            insert(
                "priorities",
                [
                    "name": .string(name), "color": .string(["Red", "Orange", "Yellow", "Green"][index]),
                    "sortOrder": .int(index + 1), "defaultFlag": .bool(name == "P3"),
                ]
            )
        }
        var boardStatuses: [(board: JSONObject, statuses: [JSONObject])] = []
        for (name, statuses) in Self.boards {
            let board = insert(
                "boards",
                [
                    "name": .string(name), "inactiveFlag": .bool(false), "projectFlag": .bool(name == "Projects"),
                ]
            )
            let rows = statuses.enumerated().map { index, status in
                insert(
                    "board_statuses",
                    parent: board,
                    [
                        "name": .string(status.0), "board": reference(board, ["id", "name"]), "sortOrder": .int(index),
                        "displayOnBoard": .bool(true), "inactive": .bool(false), "closedStatus": .bool(status.1),
                        "defaultFlag": .bool(status.2), "timeEntryNotAllowed": .bool(false),
                    ]
                )
            }
            boardStatuses.append((board, rows))
        }
        for type in Self.configurationTypes {
            _ = insert(
                "configuration_types",
                ["name": .string(type), "inactiveFlag": .bool(false), "systemFlag": .bool(false)]
            )
        }
        var companies: [JSONObject] = []
        for (index, (identifier, name)) in Self.companyNames.enumerated() {
            companies.append(
                insert(
                    "companies",
                    [
                        "identifier": .string(identifier), "name": .string(name),
                        "status": .object(JSONObject(["id": .int(1), "name": .string("Active")])),
                        "types": .array([
                            .object(
                                JSONObject([
                                    "id": .int(1), "name": .string(identifier == "NORTHWIND" ? "Owner" : "Client"),
                                ])
                            )
                        ]),
                        "phoneNumber": .string("555-01\(String(format2: index))"),
                        "website": .string("www.\(identifier.lowercased()).example"),
                        "city": .string(["Springfield", "Riverton", "Lakeside"][index % 3]),
                        "deletedFlag": .bool(false),
                        "numberOfEmployees": .int(10 + pick(200)),
                        "customFields": .array([
                            Self.customField(
                                id: 2,
                                caption: "Tenant ID",
                                value: .string("tenant-\(identifier.lowercased())")
                            )
                        ]),
                    ]
                )
            )
        }
        var contactsByCompany: [Int: [JSONObject]] = [:]
        let firstNames = ["Ann", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana"]
        let lastNames = ["Lee", "Moss", "Nash", "Ortiz", "Park", "Quinn"]
        for company in companies {
            for _ in 0..<3 {
                let first = firstNames[pick(firstNames.count)]
                let last = lastNames[pick(lastNames.count)]
                let contact = insert(
                    "contacts",
                    [
                        "firstName": .string(first), "lastName": .string(last), "name": .string("\(first) \(last)"),
                        "company": reference(company, Self.identified), "title": .string("Office Manager"),
                        "inactiveFlag": .bool(false),
                        "communicationItems": .array([
                            .object(
                                JSONObject([
                                    "id": .int(1),
                                    "type": .object(JSONObject(["id": .int(1), "name": .string("Email")])),
                                    "value": .string(
                                        "\(first.lowercased()).\(last.lowercased())@\(company["identifier"]!.stringValue!.lowercased()).example"
                                    ),
                                    "defaultFlag": .bool(true), "communicationType": .string("Email"),
                                ])
                            )
                        ]),
                    ]
                )
                contactsByCompany[company["id"]!.intValue!, default: []].append(contact)
            }
            for (index, type) in ["Server", "Workstation", "Workstation", "Firewall"].enumerated() {
                let typeId = Self.configurationTypes.firstIndex(of: type).map { $0 + 1 } ?? 1
                let host = "\(company["identifier"]!.stringValue!)-\(type.prefix(3).uppercased())\(index + 1)"
                _ = insert(
                    "configurations",
                    [
                        "name": .string(host),
                        "type": .object(JSONObject(["id": .int(typeId), "name": .string(type)])),
                        "status": .object(JSONObject(["id": .int(1), "name": .string("Active")])),
                        "company": reference(company, Self.identified),
                        "serialNumber": .string("SN\(100_000 + pick(900_000))"),
                        "ipAddress": .string("10.0.\(pick(250)).\(pick(250))"),
                        "osType": .string(type == "Firewall" ? "FortiOS" : "Windows"), "activeFlag": .bool(true),
                        "lastLoginName": .string("admin"),
                    ]
                )
            }
            let agreement = insert(
                "agreements",
                [
                    "name": .string("Managed Services"),
                    "type": .object(JSONObject(["id": .int(1), "name": .string("Managed Services")])),
                    "company": reference(company, Self.identified), "agreementStatus": .string("Active"),
                    "startDate": .string(SimulatorDates.format(referenceDay - 400 * 86_400)),
                    "noEndingDateFlag": .bool(true),
                    "cancelledFlag": .bool(false), "billAmount": .double(1500),
                ]
            )
            for (product, price) in Self.products where pick(4) != 0 {
                _ = insert(
                    "agreement_additions",
                    parent: agreement,
                    [
                        "product": .object(
                            JSONObject([
                                "id": .int(Self.products.firstIndex { $0.0 == product }! + 1),
                                "identifier": .string(product),
                            ])
                        ),
                        "agreementId": agreement["id"]!, "quantity": .double(Double(1 + pick(60))),
                        "lessIncluded": .double(0),
                        "unitPrice": .double(price), "unitCost": .double(price * 0.6),
                        "billCustomer": .string("Billable"),
                        "effectiveDate": .string(SimulatorDates.format(referenceDay - 300 * 86_400)),
                        "cancelledDate": .null,
                        "description": .string(product),
                    ]
                )
            }
        }
        for (index, company) in companies.prefix(4).enumerated() {
            let project = insert(
                "projects",
                [
                    "name": .string(
                        ["Migration to M365", "Firewall refresh", "Office move", "Backup overhaul"][index]
                    ),
                    "board": reference(boardStatuses[2].board, ["id", "name"]),
                    "status": reference(boardStatuses[2].statuses[1], ["id", "name"]),
                    "company": reference(company, Self.identified),
                    "manager": reference(members[index], Self.identified),
                    "percentComplete": .double(Double(pick(100))),
                    "closedFlag": .bool(false),
                    "estimatedStart": .string(SimulatorDates.format(referenceDay - 30 * 86_400)),
                ]
            )
            for step in 1...3 {
                _ = insert(
                    "project_tickets",
                    [
                        "summary": .string("Phase \(step) of \(project["name"]!.stringValue!)"),
                        "project": reference(project, ["id", "name"]), "company": reference(company, Self.identified),
                        "owner": reference(members[(index + step) % 8], Self.identified),
                        "status": reference(boardStatuses[2].statuses[0], ["id", "name"]), "closedFlag": .bool(false),
                        "_info": .object(
                            JSONObject([
                                "lastUpdated": .string(SimulatorDates.format(referenceDay - Int64(step) * 86_400)),
                                "updatedBy": .string("seed"),
                                "dateEntered": .string(SimulatorDates.format(referenceDay - Int64(step) * 86_400)),
                                "enteredBy": .string("seed"),
                            ])
                        ),
                    ]
                )
            }
            _ = insert(
                "opportunities",
                [
                    "name": .string("Renewal \(company["identifier"]!.stringValue!)"),
                    "company": reference(company, Self.identified),
                    "stage": .object(JSONObject(["id": .int(2), "name": .string("Proposal")])),
                    "status": .object(JSONObject(["id": .int(1), "name": .string("Open")])),
                    "probability": .object(JSONObject(["id": .int(5), "name": .string("50")])),
                    "closedFlag": .bool(false),
                    "expectedCloseDate": .string(SimulatorDates.format(referenceDay + 30 * 86_400)),
                ]
            )
        }
        let choices = ticketChoices(
            companies: companies,
            members: members,
            priorities: priorities,
            boards: boardStatuses,
            contacts: contactsByCompany
        )
        for number in 0..<ticketCount { seedTicket(number, choices) }
        completeFromTheirModels()
        return partitions
    }

    /// Fills what the hand-written rows leave out (references to seeded records, dates, text
    /// the model requires) from their models, as a real site has them; tickets, their notes and
    /// time entries are complete by hand and too many to enrich.
    private mutating func completeFromTheirModels() {
        let catalog = synthesis.catalog
        let skipped: Set<String> = ["tickets", "ticket_notes", "time_entries"]
        let keys = partitions.tables.keys.filter { !skipped.contains(catalog.resources[$0.template]?.coreName ?? "") }
        // Completed from a snapshot and stored afterwards, so that storing does not copy every table.
        let snapshot = partitions
        var completedTables: [(PartitionKey, Table)] = []
        for key in keys.sorted(by: { ($0.template, $0.parents.description) < ($1.template, $1.parents.description) }) {
            guard let resource = catalog.resources[key.template], var table = snapshot.tables[key] else { continue }
            for record in table.records {
                guard let id = record["id"]?.intValue else { continue }
                let generated = synthesis.row(resource, parents: key.parents, id: id) { model, pick in
                    snapshot.reference(model, pick, catalog: catalog, synthesis: synthesis)
                }
                var completed = record
                for (name, value) in generated.pairs where record[name] == nil && !Self.namesRecord(name) {
                    completed[name] = value
                }
                table.replace(id, with: completed)
            }
            completedTables.append((key, table))
        }
        for (key, table) in completedTables { partitions.tables[key] = table }
    }

    /// Name-like text the hand-written rows chose not to give (a contact has no `name`).
    private static func namesRecord(_ field: String) -> Bool { Synthesis.nameLike.contains(field) }

    /// What tickets pick from, with every reference built once and shared by all the tickets
    /// that name it (a JSON value is copied on write, so a hundred thousand tickets hold one
    /// `board` object each of the four boards).
    private struct TicketChoices {
        struct Company {
            var name: String
            var reference: JSON
            var contact: JSON
            var contactName: String?
        }
        struct Board {
            var reference: JSON
            var type: JSON
            var statuses: [(reference: JSON, closed: Bool)]
        }
        var companies: [Company]
        var owners: [(reference: JSON, identifier: String)]
        var priorities: [JSON]
        var boards: [Board]
        /// By source id and name pick.
        var sources: [[JSON]]
        var team: JSON
    }

    private func ticketChoices(
        companies: [JSONObject],
        members: [JSONObject],
        priorities: [JSONObject],
        boards: [(board: JSONObject, statuses: [JSONObject])],
        contacts: [Int: [JSONObject]]
    ) -> TicketChoices {
        let sourceNames = ["Email", "Phone", "Portal"]
        return TicketChoices(
            companies: companies.map { company in
                let contact = contacts[company["id"]?.intValue ?? 0]?.first
                return .init(
                    name: company["name"]?.stringValue ?? "",
                    reference: reference(company, Self.identified),
                    contact: contact.map { reference($0, ["id", "name"]) } ?? .null,
                    contactName: contact?["name"]?.stringValue
                )
            },
            owners: members.map { (reference($0, Self.identified), $0["identifier"]?.stringValue ?? "") },
            priorities: priorities.map { reference($0, ["id", "name"]) },
            boards: boards.enumerated().map { index, board in
                .init(
                    reference: reference(board.board, ["id", "name"]),
                    type: .object(
                        JSONObject(["id": .int(1 + index), "name": .string(index == 1 ? "Alert" : "Incident")])
                    ),
                    statuses: board.statuses.map {
                        (reference($0, ["id", "name"]), $0["closedStatus"]?.boolValue ?? false)
                    }
                )
            },
            sources: (1...3).map { id in sourceNames.map { .object(JSONObject(["id": .int(id), "name": .string($0)])) }
            },
            team: .object(JSONObject(["id": .int(1), "name": .string("Tier 1")]))
        )
    }

    private mutating func seedTicket(_ number: Int, _ choices: TicketChoices) {
        let company = choices.companies[pick(choices.companies.count - 1)]
        let boardIndex = [0, 0, 0, 1, 1, 3][pick(6)]
        let board = choices.boards[boardIndex]
        let status = board.statuses[pick(board.statuses.count)]
        let owner = choices.owners[pick(8)]
        let host = Self.hosts[pick(Self.hosts.count)]
        let template = Self.summaries[pick(Self.summaries.count)]
        let summary = template.prefix + (template.namesCompany ? company.name : host) + template.suffix
        let entered = referenceDay - Int64(pick(90 * 24 * 60)) * 60
        let updated = max(
            entered,
            min(latest ?? referenceDay + 86_399, referenceDay + 86_399, entered + Int64(pick(10 * 24 * 60)) * 60)
        )
        let sourceId = pick(3)
        let source = choices.sources[sourceId][pick(3)]
        let levels = ["Low", "Medium", "High"]
        let fields: [(String, JSON)] = [
            ("summary", .string(summary)), ("recordType", .string("ServiceTicket")),
            ("board", board.reference), ("status", status.reference), ("company", company.reference),
            ("contact", company.contact),
            ("type", board.type), ("source", source), ("team", choices.team),
            ("owner", pick(5) == 0 ? .null : owner.reference),
            ("priority", choices.priorities[pick(4)]),
            ("severity", .string(levels[pick(3)])), ("impact", .string(levels[pick(3)])),
            ("closedFlag", .bool(status.closed)),
            ("closedDate", status.closed ? .string(SimulatorDates.format(updated)) : .null),
            ("budgetHours", .double(Double(pick(8)))), ("actualHours", .double(Double(pick(16)) / 4)),
            ("initialDescription", .string("\(summary). Reported by \(company.contactName ?? "monitoring").")),
            ("customerUpdatedFlag", .bool(false)), ("approved", .bool(true)), ("hasChildTicket", .bool(false)),
            (
                "customFields",
                Self.ticketCustomFields(
                    alertId: boardIndex == 1 ? .string(String(10_000 + number)) : .null,
                    monitored: boardIndex == 1,
                    // From the ticket's number, not the generator: the rest of the data stays as it was.
                    seats: number % 3 == 0 ? 5 + (number * 7) % 50 : nil,
                    review: number % 4 == 0 ? SimulatorDates.format(updated) : nil
                )
            ),
            ("_info", .object(Synthesis.info(entered: entered, updated: updated, by: owner.identifier))),
        ]
        let ticket = insert("tickets", fields)
        let ticketId = ticket["id"] ?? .null
        for noteNumber in 0..<pick(3) {
            _ = insert(
                "ticket_notes",
                parent: ticket,
                [
                    "ticketId": ticketId,
                    "text": .string(noteNumber == 0 ? "Looking into it." : "Update sent to client."),
                    "detailDescriptionFlag": .bool(true), "internalAnalysisFlag": .bool(false),
                    "resolutionFlag": .bool(false),
                    "customerUpdatedFlag": .bool(false), "member": owner.reference,
                    "dateCreated": .string(SimulatorDates.format(entered + Int64(noteNumber + 1) * 3600)),
                    "createdBy": .string(owner.identifier),
                ]
            )
        }
        if pick(3) == 0 {
            let hours = Double(1 + pick(8)) / 4
            _ = insert(
                "time_entries",
                [
                    "chargeToId": ticketId, "chargeToType": .string("ServiceTicket"),
                    "company": company.reference, "member": owner.reference,
                    "timeStart": .string(SimulatorDates.format(entered + 3600)),
                    "timeEnd": .string(SimulatorDates.format(entered + 3600 + Int64(hours * 3600))),
                    "actualHours": .double(hours), "notes": .string("Worked on ticket"),
                    "billableOption": .string("Billable"),
                    "dateEntered": .string(SimulatorDates.format(entered + 7200)),
                ]
            )
        }
    }

    private mutating func pick(_ count: Int) -> Int {
        Int(generator.next() % UInt64(max(1, count)))
    }

    private mutating func insert(
        _ table: String,
        parent: JSONObject? = nil,
        _ pairs: KeyValuePairs<String, JSON>
    ) -> JSONObject {
        insert(table, parent: parent, pairs.map { ($0.key, $0.value) })
    }

    /// Stores a record of a hand-seeded resource (under its parent record for a nested list),
    /// its id first and `_info` last unless it has its own.
    private mutating func insert(_ table: String, parent: JSONObject? = nil, _ fields: [(String, JSON)]) -> JSONObject {
        let template = synthesis.catalog.templatesByName[table] ?? table
        let parents = parent.flatMap { $0["id"]?.intValue }.map { [$0] } ?? []
        let info = fields.contains { $0.0 == "_info" } ? nil : seedInfo
        return partitions.insert(into: template, parents: parents) { id in
            var entries: [(String, JSON)] = [("id", .int(id))]
            entries.reserveCapacity(fields.count + 2)
            entries.append(contentsOf: fields)
            if let info { entries.append(("_info", info)) }
            return JSONObject(distinctPairs: entries)
        }
    }

    private func reference(_ record: JSONObject, _ keys: [String]) -> JSON {
        var object = JSONObject()
        for key in keys { if let value = record[key] { object[key] = value } }
        return .object(object)
    }

    static func customField(id: Int, caption: String, value: JSON, type: String = "Text") -> JSON {
        .object(
            JSONObject([
                "id": .int(id), "caption": .string(caption), "type": .string(type),
                "entryMethod": .string("EntryField"),
                "numberOfDecimals": .int(type == "Number" ? 2 : 0), "value": value,
            ])
        )
    }

    /// A ticket's custom fields, as real sites have several of different types: the alert's id
    /// (text), whether it is monitored (checkbox), its seat count (number) and a review date.
    static func ticketCustomFields(alertId: JSON, monitored: Bool, seats: Int?, review: String?) -> JSON {
        .array([
            customField(id: 1, caption: "Alert ID", value: alertId),
            customField(id: 3, caption: "Monitored", value: .bool(monitored), type: "Checkbox"),
            customField(id: 4, caption: "Seats", value: seats.map { .double(Double($0)) } ?? .null, type: "Number"),
            customField(id: 5, caption: "Review Date", value: review.map { .string($0) } ?? .null, type: "Date"),
        ])
    }
}

extension String {
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : String(value)
    }
}

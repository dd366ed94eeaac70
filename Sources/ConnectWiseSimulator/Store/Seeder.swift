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
        ("Help", [("New", false, true), ("In Progress", false, false), ("Waiting on Client", false, false), ("Closed", true, false)]),
        ("Alerts", [("New", false, true), ("Investigating", false, false), ("Resolved", true, false)]),
        ("Projects", [("New", false, true), ("Scheduled", false, false), ("Completed", true, false)]),
        ("Onboarding", [("Requested", false, true), ("In Progress", false, false), (">Closed", true, false)]),
    ]
    static let summaries = [
        "Disk full on %", "Printer offline at %", "Password reset for %", "VPN drops for %", "Backup failed on %",
        "New user setup at %", "Outlook not syncing for %", "Slow network at %", "Certificate expiring on %",
        "Antivirus alert on %", "Server reboot required: %", "License renewal for %",
    ]
    static let hosts = ["SRV01", "SRV02", "DC01", "FS01", "WS-114", "WS-207", "FW01", "SQL01"]
    static let products = [("M365-BP", 22.0), ("AV-SEAT", 4.5), ("BACKUP-SRV", 45.0), ("RMM-AGENT", 3.0)]

    /// The generator of the rows nobody seeds by hand, whose rules complete the seeded ones.
    let synthesis: Synthesis

    init(synthesis: Synthesis) {
        generator = SeededGenerator(state: synthesis.seed)
        referenceDay = synthesis.referenceDay
        self.synthesis = synthesis
    }

    mutating func seed(tickets ticketCount: Int) -> Partitions {
        let members = Self.memberNames.map { identifier, first, last in
            insert("members", [
                "identifier": .string(identifier), "firstName": .string(first), "lastName": .string(last),
                "officeEmail": .string("\(identifier)@northwind.example"), "title": .string("Engineer"),
                "inactiveFlag": .bool(false),
            ])
        }
        let priorities = ["P1", "P2", "P3", "P4"].enumerated().map { index, name in
            insert("priorities", [
                "name": .string(name), "color": .string(["Red", "Orange", "Yellow", "Green"][index]),
                "sortOrder": .int(index + 1), "defaultFlag": .bool(name == "P3"),
            ])
        }
        var boardStatuses: [(board: JSONObject, statuses: [JSONObject])] = []
        for (name, statuses) in Self.boards {
            let board = insert("boards", [
                "name": .string(name), "inactiveFlag": .bool(false), "projectFlag": .bool(name == "Projects"),
            ])
            let rows = statuses.enumerated().map { index, status in
                insert("board_statuses", parent: board, [
                    "name": .string(status.0), "board": reference(board, ["id", "name"]), "sortOrder": .int(index),
                    "displayOnBoard": .bool(true), "inactive": .bool(false), "closedStatus": .bool(status.1),
                    "defaultFlag": .bool(status.2), "timeEntryNotAllowed": .bool(false),
                ])
            }
            boardStatuses.append((board, rows))
        }
        for type in Self.configurationTypes {
            _ = insert("configuration_types", ["name": .string(type), "inactiveFlag": .bool(false), "systemFlag": .bool(false)])
        }
        var companies: [JSONObject] = []
        for (index, (identifier, name)) in Self.companyNames.enumerated() {
            companies.append(insert("companies", [
                "identifier": .string(identifier), "name": .string(name),
                "status": .object(JSONObject(["id": .int(1), "name": .string("Active")])),
                "types": .array([.object(JSONObject(["id": .int(1), "name": .string(identifier == "NORTHWIND" ? "Owner" : "Client")]))]),
                "phoneNumber": .string("555-01\(String(format2: index))"), "website": .string("www.\(identifier.lowercased()).example"),
                "city": .string(["Springfield", "Riverton", "Lakeside"][index % 3]), "deletedFlag": .bool(false),
                "numberOfEmployees": .int(10 + pick(200)),
                "customFields": .array([customField(id: 2, caption: "Tenant ID", value: .string("tenant-\(identifier.lowercased())"))]),
            ]))
        }
        var contactsByCompany: [Int: [JSONObject]] = [:]
        let firstNames = ["Ann", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana"]
        let lastNames = ["Lee", "Moss", "Nash", "Ortiz", "Park", "Quinn"]
        for company in companies {
            for _ in 0..<3 {
                let first = firstNames[pick(firstNames.count)]
                let last = lastNames[pick(lastNames.count)]
                let contact = insert("contacts", [
                    "firstName": .string(first), "lastName": .string(last), "name": .string("\(first) \(last)"),
                    "company": reference(company, Self.identified), "title": .string("Office Manager"),
                    "inactiveFlag": .bool(false),
                    "communicationItems": .array([.object(JSONObject([
                        "id": .int(1), "type": .object(JSONObject(["id": .int(1), "name": .string("Email")])),
                        "value": .string("\(first.lowercased()).\(last.lowercased())@\(company["identifier"]!.stringValue!.lowercased()).example"),
                        "defaultFlag": .bool(true), "communicationType": .string("Email"),
                    ]))]),
                ])
                contactsByCompany[company["id"]!.intValue!, default: []].append(contact)
            }
            for (index, type) in ["Server", "Workstation", "Workstation", "Firewall"].enumerated() {
                let typeId = Self.configurationTypes.firstIndex(of: type).map { $0 + 1 } ?? 1
                let host = "\(company["identifier"]!.stringValue!)-\(type.prefix(3).uppercased())\(index + 1)"
                _ = insert("configurations", [
                    "name": .string(host), "type": .object(JSONObject(["id": .int(typeId), "name": .string(type)])),
                    "status": .object(JSONObject(["id": .int(1), "name": .string("Active")])),
                    "company": reference(company, Self.identified),
                    "serialNumber": .string("SN\(100_000 + pick(900_000))"), "ipAddress": .string("10.0.\(pick(250)).\(pick(250))"),
                    "osType": .string(type == "Firewall" ? "FortiOS" : "Windows"), "activeFlag": .bool(true),
                    "lastLoginName": .string("admin"),
                ])
            }
            let agreement = insert("agreements", [
                "name": .string("Managed Services"),
                "type": .object(JSONObject(["id": .int(1), "name": .string("Managed Services")])),
                "company": reference(company, Self.identified), "agreementStatus": .string("Active"),
                "startDate": .string(SimulatorDates.format(referenceDay - 400 * 86_400)), "noEndingDateFlag": .bool(true),
                "cancelledFlag": .bool(false), "billAmount": .double(1500),
            ])
            for (product, price) in Self.products where pick(4) != 0 {
                _ = insert("agreement_additions", parent: agreement, [
                    "product": .object(JSONObject(["id": .int(Self.products.firstIndex { $0.0 == product }! + 1), "identifier": .string(product)])),
                    "agreementId": agreement["id"]!, "quantity": .double(Double(1 + pick(60))), "lessIncluded": .double(0),
                    "unitPrice": .double(price), "unitCost": .double(price * 0.6), "billCustomer": .string("Billable"),
                    "effectiveDate": .string(SimulatorDates.format(referenceDay - 300 * 86_400)), "cancelledDate": .null,
                    "description": .string(product),
                ])
            }
        }
        for (index, company) in companies.prefix(4).enumerated() {
            let project = insert("projects", [
                "name": .string(["Migration to M365", "Firewall refresh", "Office move", "Backup overhaul"][index]),
                "board": reference(boardStatuses[2].board, ["id", "name"]),
                "status": reference(boardStatuses[2].statuses[1], ["id", "name"]),
                "company": reference(company, Self.identified),
                "manager": reference(members[index], Self.identified), "percentComplete": .double(Double(pick(100))),
                "closedFlag": .bool(false), "estimatedStart": .string(SimulatorDates.format(referenceDay - 30 * 86_400)),
            ])
            for step in 1...3 {
                _ = insert("project_tickets", [
                    "summary": .string("Phase \(step) of \(project["name"]!.stringValue!)"),
                    "project": reference(project, ["id", "name"]), "company": reference(company, Self.identified),
                    "owner": reference(members[(index + step) % 8], Self.identified),
                    "status": reference(boardStatuses[2].statuses[0], ["id", "name"]), "closedFlag": .bool(false),
                    "_info": .object(JSONObject([
                        "lastUpdated": .string(SimulatorDates.format(referenceDay - Int64(step) * 86_400)), "updatedBy": .string("seed"),
                        "dateEntered": .string(SimulatorDates.format(referenceDay - Int64(step) * 86_400)), "enteredBy": .string("seed"),
                    ])),
                ])
            }
            _ = insert("opportunities", [
                "name": .string("Renewal \(company["identifier"]!.stringValue!)"),
                "company": reference(company, Self.identified),
                "stage": .object(JSONObject(["id": .int(2), "name": .string("Proposal")])),
                "status": .object(JSONObject(["id": .int(1), "name": .string("Open")])),
                "probability": .object(JSONObject(["id": .int(5), "name": .string("50")])),
                "closedFlag": .bool(false),
                "expectedCloseDate": .string(SimulatorDates.format(referenceDay + 30 * 86_400)),
            ])
        }
        for number in 0..<ticketCount {
            seedTicket(number, companies: companies, members: members, priorities: priorities,
                       boards: boardStatuses, contacts: contactsByCompany)
        }
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
        for key in keys.sorted(by: { ($0.template, $0.parents.description) < ($1.template, $1.parents.description) }) {
            guard let resource = catalog.resources[key.template] else { continue }
            let partitions = self.partitions
            let rows = partitions.tables[key]?.records ?? []
            for record in rows {
                guard let id = record["id"]?.intValue else { continue }
                let generated = synthesis.row(resource, parents: key.parents, id: id) { model, pick in
                    partitions.reference(model, pick, catalog: catalog, synthesis: synthesis)
                }
                var completed = record
                for (name, value) in generated.pairs where record[name] == nil && !Self.namesRecord(name) { completed[name] = value }
                self.partitions.tables[key]?.replace(id, with: completed)
            }
        }
    }

    /// Name-like text the hand-written rows chose not to give (a contact has no `name`).
    private static func namesRecord(_ field: String) -> Bool { Synthesis.nameLike.contains(field) }

    private mutating func seedTicket(
        _ number: Int, companies: [JSONObject], members: [JSONObject], priorities: [JSONObject],
        boards: [(board: JSONObject, statuses: [JSONObject])], contacts: [Int: [JSONObject]]
    ) {
        let company = companies[pick(companies.count - 1)]
        let boardIndex = [0, 0, 0, 1, 1, 3][pick(6)]
        let (board, statuses) = boards[boardIndex]
        let status = statuses[pick(statuses.count)]
        let closed = status["closedStatus"]?.boolValue ?? false
        let owner = members[pick(8)]
        let host = Self.hosts[pick(Self.hosts.count)]
        let template = Self.summaries[pick(Self.summaries.count)]
        let subject = template.contains("for") || template.contains("at") ? company["name"]!.stringValue! : host
        let summary = String(template.map { $0 == "%" ? "@" : $0 }).replacingFirst("@", with: subject)
        let entered = referenceDay - Int64(pick(90 * 24 * 60)) * 60
        let updated = min(referenceDay + 86_399, entered + Int64(pick(10 * 24 * 60)) * 60)
        let contact = contacts[company["id"]!.intValue!]?.first
        var fields: [(String, JSON)] = [
            ("summary", .string(summary)), ("recordType", .string("ServiceTicket")),
            ("board", reference(board, ["id", "name"])), ("status", reference(status, ["id", "name"])),
            ("company", reference(company, Self.identified)),
            ("contact", contact.map { reference($0, ["id", "name"]) } ?? .null),
            ("type", .object(JSONObject(["id": .int(1 + boardIndex), "name": .string(boardIndex == 1 ? "Alert" : "Incident")]))),
            ("source", .object(JSONObject(["id": .int(1 + pick(3)), "name": .string(["Email", "Phone", "Portal"][pick(3)])]))),
            ("team", .object(JSONObject(["id": .int(1), "name": .string("Tier 1")]))),
            ("owner", pick(5) == 0 ? .null : reference(owner, Self.identified)),
            ("priority", reference(priorities[pick(4)], ["id", "name"])),
            ("severity", .string(["Low", "Medium", "High"][pick(3)])), ("impact", .string(["Low", "Medium", "High"][pick(3)])),
            ("closedFlag", .bool(closed)), ("closedDate", closed ? .string(SimulatorDates.format(updated)) : .null),
            ("budgetHours", .double(Double(pick(8)))), ("actualHours", .double(Double(pick(16)) / 4)),
            ("initialDescription", .string("\(summary). Reported by \(contact?["name"]?.stringValue ?? "monitoring").")),
            ("customerUpdatedFlag", .bool(false)), ("approved", .bool(true)), ("hasChildTicket", .bool(false)),
        ]
        if boardIndex == 1 {
            fields.append(("customFields", .array([customField(id: 1, caption: "Alert ID", value: .string(String(10_000 + number)))])))
        } else {
            fields.append(("customFields", .array([customField(id: 1, caption: "Alert ID", value: .null)])))
        }
        let info = JSONObject([
            "lastUpdated": .string(SimulatorDates.format(updated)), "updatedBy": .string(owner["identifier"]!.stringValue!),
            "dateEntered": .string(SimulatorDates.format(entered)), "enteredBy": .string(owner["identifier"]!.stringValue!),
        ])
        fields.append(("_info", .object(info)))
        let ticket = insert("tickets", JSONObject(pairs: fields))
        for noteNumber in 0..<pick(3) {
            _ = insert("ticket_notes", parent: ticket, [
                "ticketId": ticket["id"]!, "text": .string(noteNumber == 0 ? "Looking into it." : "Update sent to client."),
                "detailDescriptionFlag": .bool(true), "internalAnalysisFlag": .bool(false), "resolutionFlag": .bool(false),
                "customerUpdatedFlag": .bool(false), "member": reference(owner, Self.identified),
                "dateCreated": .string(SimulatorDates.format(entered + Int64(noteNumber + 1) * 3600)),
                "createdBy": .string(owner["identifier"]!.stringValue!),
            ])
        }
        if pick(3) == 0 {
            let hours = Double(1 + pick(8)) / 4
            _ = insert("time_entries", [
                "chargeToId": ticket["id"]!, "chargeToType": .string("ServiceTicket"),
                "company": reference(company, Self.identified), "member": reference(owner, Self.identified),
                "timeStart": .string(SimulatorDates.format(entered + 3600)),
                "timeEnd": .string(SimulatorDates.format(entered + 3600 + Int64(hours * 3600))),
                "actualHours": .double(hours), "notes": .string("Worked on ticket"), "billableOption": .string("Billable"),
                "dateEntered": .string(SimulatorDates.format(entered + 7200)),
            ])
        }
    }

    private mutating func pick(_ count: Int) -> Int {
        Int(generator.next() % UInt64(max(1, count)))
    }

    private mutating func insert(_ table: String, parent: JSONObject? = nil, _ pairs: KeyValuePairs<String, JSON>) -> JSONObject {
        insert(table, parent: parent, JSONObject(pairs))
    }

    /// Stores a record of a hand-seeded resource (under its parent record for a nested list).
    private mutating func insert(_ table: String, parent: JSONObject? = nil, _ object: JSONObject) -> JSONObject {
        var object = object
        if object["_info"] == nil {
            object["_info"] = .object(JSONObject([
                "lastUpdated": .string(SimulatorDates.format(referenceDay - 86_400)), "updatedBy": .string("seed"),
                "dateEntered": .string(SimulatorDates.format(referenceDay - 86_400 * 400)), "enteredBy": .string("seed"),
            ]))
        }
        let template = CoreResources.all.first { $0.name == table }?.template ?? table
        return partitions.insert(object, into: template, parents: parent.flatMap { $0["id"]?.intValue }.map { [$0] } ?? [])
    }

    private func reference(_ record: JSONObject, _ keys: [String]) -> JSON {
        var object = JSONObject()
        for key in keys { if let value = record[key] { object[key] = value } }
        return .object(object)
    }

    private func customField(id: Int, caption: String, value: JSON) -> JSON {
        .object(JSONObject([
            "id": .int(id), "caption": .string(caption), "type": .string("Text"), "entryMethod": .string("EntryField"),
            "numberOfDecimals": .int(0), "value": value,
        ]))
    }
}

extension String {
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : String(value)
    }

    func replacingFirst(_ target: Character, with replacement: String) -> String {
        guard let index = firstIndex(of: target) else { return self }
        return String(self[..<index]) + replacement + String(self[self.index(after: index)...])
    }
}

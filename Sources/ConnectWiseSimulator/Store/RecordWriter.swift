import CWJSON
import ConnectWiseSpec
import Foundation

/// Creates and changes records the way ConnectWise does: only fields of the model are taken (any
/// other is a 400 `InvalidObject`), references named by id, identifier or name are resolved (an
/// unknown one is a 400), required fields without a default must be given, a ticket's status
/// belongs to its board and decides `closedFlag`, notes need a display flag, `_info` is kept up
/// to date.
struct RecordWriter {
    let resource: SimulatedResource
    /// The parent ids the request's path binds.
    let parents: [Int]
    let member: String
    let now: Int64

    private var key: PartitionKey { PartitionKey(template: resource.template, parents: parents) }

    /// A new record from a POST body.
    func create(_ body: JSON, in state: inout SimulatorStore.State) throws(APIFailure) -> JSONObject {
        guard case .object(let given) = body else {
            throw APIFailure.badRequest("The request body must be a JSON object")
        }
        var record = try modelFields(given)
        record["id"] = nil
        record["_info"] = nil
        if let parent = parents.last { linkParent(parent, in: &record, state: state) }
        try complete(&record, previous: nil, in: &state)
        // A required field that names the record (text, a reference, a date, a number) must be
        // given; flags and enums take their defaults.
        for field in resource.fields where field.isRequired && field.name != "id" && Self.mustBeGiven(field.type) {
            guard record[field.name] == nil || record[field.name] == .null else { continue }
            throw APIFailure(
                status: 400,
                code: "InvalidObject",
                message: "\(field.name) is required",
                errors: [
                    JSONObject([
                        "code": .string("Required"), "message": .string("\(field.name) is required"),
                        "resource": .string(resource.model), "field": .string(field.name),
                    ])
                ]
            )
        }
        record["_info"] = .object(Synthesis.info(entered: now, updated: now, by: member))
        _ = state.table(resource, parents: parents)
        let created = state.partitions.insert(record, into: resource.template, parents: parents)
        if resource.coreName == "tickets",
            let text = given.key(matching: "initialDescription").flatMap({ given[$0]?.stringValue }),
            let ticketId = created["id"]?.intValue
        {
            try addInitialNote(text, ticket: ticketId, in: &state)
        }
        return created
    }

    /// Applies a JSON Patch array to a record.
    func patch(_ id: Int, operations body: JSON, in state: inout SimulatorStore.State) throws(APIFailure) -> JSONObject
    {
        guard var record = state.partitions.tables[key]?.record(id) else { throw notFound(id) }
        guard case .array(let operations) = body else {
            throw APIFailure.badRequest(
                "PATCH takes a JSON Patch array such as [{\"op\": \"replace\", \"path\": \"summary\", \"value\": \"…\"}]"
            )
        }
        let previous = record
        for operation in operations {
            guard let op = operation["op"]?.stringValue, let rawPath = operation["path"]?.stringValue else {
                throw APIFailure.badRequest("Each patch operation needs op and path")
            }
            var path = rawPath.hasPrefix("/") ? String(rawPath.dropFirst()) : rawPath
            let head = String(path.split(separator: "/").first ?? "")
            guard !head.isEmpty, head.lowercased() != "id", head != "_info" else {
                throw APIFailure.badRequest("\(rawPath) cannot be changed")
            }
            guard let field = resource.field(head) else { throw unknownField(head) }
            path = field.name + path.dropFirst(head.count)
            switch op.lowercased() {
            case "replace", "add":
                guard let value = operation["value"] else { throw APIFailure.badRequest("\(op) needs a value") }
                record = setting(value, at: path, in: record)
            case "remove":
                record = setting(.null, at: path, in: record)
            default:
                throw APIFailure.badRequest("Unsupported patch operation '\(op)'; use replace, add or remove")
            }
        }
        try complete(&record, previous: previous, in: &state)
        touch(&record)
        state.partitions.tables[key]!.replace(id, with: record)
        return record
    }

    /// Replaces a record (PUT), keeping its id and creation stamp.
    func put(_ id: Int, body: JSON, in state: inout SimulatorStore.State) throws(APIFailure) -> JSONObject {
        guard let previous = state.partitions.tables[key]?.record(id) else { throw notFound(id) }
        guard case .object(let replacement) = body else {
            throw APIFailure.badRequest("The request body must be a JSON object")
        }
        var record = JSONObject(pairs: [("id", .int(id))])
        for (name, value) in try modelFields(replacement).pairs where name != "id" && name != "_info" {
            record[name] = value
        }
        if let parent = parents.last { linkParent(parent, in: &record, state: state) }
        record["_info"] = previous["_info"]
        try complete(&record, previous: previous, in: &state)
        touch(&record)
        state.partitions.tables[key]!.replace(id, with: record)
        return record
    }

    /// Removes a record.
    func delete(_ id: Int, in state: inout SimulatorStore.State) throws(APIFailure) {
        guard state.partitions.tables[key]?.remove(id) == true else { throw notFound(id) }
    }

    private static func mustBeGiven(_ type: FieldType) -> Bool {
        switch type {
        case .string, .reference, .datetime, .date, .integer, .number: return true
        default: return false
        }
    }

    func notFound(_ id: Int) -> APIFailure {
        .notFound("\(resource.model) record \(id) was not found")
    }

    // MARK: - Rules

    /// The body's fields under the model's spelling; a field the model lacks is a 400.
    private func modelFields(_ body: JSONObject) throws(APIFailure) -> JSONObject {
        var record = JSONObject()
        for (name, value) in body.pairs {
            guard let field = resource.field(name) else { throw unknownField(name) }
            if field.name == "_info" || field.isWriteOnly { continue }
            record[field.name] = value
        }
        return record
    }

    private func unknownField(_ name: String) -> APIFailure {
        APIFailure(
            status: 400,
            code: "InvalidObject",
            message: "\(resource.model) object is invalid: \(name) is not a field of \(resource.model)",
            errors: [
                JSONObject([
                    "code": .string("InvalidField"), "message": .string("\(name) is not a field of \(resource.model)"),
                    "resource": .string(resource.model), "field": .string(name),
                ])
            ]
        )
    }

    /// Names the parent in the field of the model that holds it (`ticketId`, `board`).
    private func linkParent(_ parent: Int, in record: inout JSONObject, state: SimulatorStore.State) {
        guard let field = resource.parentField else { return }
        if case .reference(let model) = field.type {
            record[field.name] = state.reference(model, .exact(parent))
        } else {
            record[field.name] = .int(parent)
        }
    }

    private func complete(
        _ record: inout JSONObject,
        previous: JSONObject?,
        in state: inout SimulatorStore.State
    ) throws(APIFailure) {
        for field in resource.fields {
            guard case .reference(let model) = field.type, let value = record[field.name], value != .null else {
                continue
            }
            record[field.name] = try resolve(value, field: field.name, model: model, in: &state)
        }
        switch resource.coreName {
        case "tickets": try completeTicket(&record, previous: previous, in: &state)
        case "ticket_notes": try completeNote(&record)
        case "time_entries": try completeTimeEntry(&record, in: &state)
        default: break
        }
    }

    /// A reference given by id, identifier or name, as the stored `{id, identifier, name}`.
    private func resolve(
        _ value: JSON,
        field: String,
        model: String,
        in state: inout SimulatorStore.State
    ) throws(APIFailure) -> JSON {
        guard case .object(let reference) = value else {
            throw APIFailure.badRequest("\(field) must be an object such as {\"id\": 1}")
        }
        guard let template = state.catalog.referenceTargets[model], let target = state.catalog.resources[template]
        else {
            return value
        }
        let rows = state.table(target, parents: []).records
        var found: JSONObject?
        if let id = reference["id"]?.intValue {
            found = rows.first { $0["id"]?.intValue == id }
            if found == nil {
                throw APIFailure.badRequest("\(field): no \(target.model) record with id \(id)", code: "InvalidObject")
            }
        } else {
            for key in ["identifier", "name"] {
                guard let wanted = reference[key]?.stringValue else { continue }
                let hits = rows.filter { $0[key]?.stringValue?.lowercased() == wanted.lowercased() }
                if hits.count > 1 {
                    throw APIFailure.badRequest("\(field): \(key) '\(wanted)' matches \(hits.count) records")
                }
                found = hits.first
                if found == nil {
                    throw APIFailure.badRequest("\(field): no \(target.model) record with \(key) '\(wanted)'")
                }
                break
            }
        }
        guard let id = found?["id"]?.intValue else { throw APIFailure.badRequest("\(field) needs an id") }
        return state.reference(model, .exact(id))
    }

    /// `initialDescription` on a new ticket becomes its first note, as ConnectWise does.
    private func addInitialNote(_ text: String, ticket: Int, in state: inout SimulatorStore.State) throws(APIFailure) {
        guard let notes = state.catalog.resource(named: "ticket_notes") else { return }
        let writer = RecordWriter(resource: notes, parents: [ticket], member: member, now: now)
        _ = try writer.create(
            .object(JSONObject(["text": .string(text), "detailDescriptionFlag": .bool(true)])),
            in: &state
        )
    }

    private func completeTicket(
        _ record: inout JSONObject,
        previous: JSONObject?,
        in state: inout SimulatorStore.State
    ) throws(APIFailure) {
        guard let boardId = record["board"]?["id"]?.intValue else { return }
        let statuses =
            state.partitions.tables[PartitionKey(template: "/service/boards/{id}/statuses", parents: [boardId])]?
            .records ?? []
        let boardChanged = previous?["board"]?["id"]?.intValue != boardId
        var status: JSONObject?
        if let wanted = record["status"], wanted != .null, !(boardChanged && wanted == previous?["status"]) {
            if let id = wanted["id"]?.intValue {
                status = statuses.first { $0["id"]?.intValue == id }
                if status == nil {
                    throw APIFailure.badRequest("status: status \(id) does not belong to board \(boardId)")
                }
            } else if let name = wanted["name"]?.stringValue?.lowercased() {
                status = statuses.first { $0["name"]?.stringValue?.lowercased() == name }
                if status == nil {
                    throw APIFailure.badRequest(
                        "status: board \(boardId) has no status '\(wanted["name"]!.stringValue!)'"
                    )
                }
            }
        } else {
            status = statuses.first { $0["defaultFlag"]?.boolValue == true } ?? statuses.first
        }
        if let status {
            record["status"] = .object(JSONObject(["id": status["id"]!, "name": status["name"]!]))
            let closed = status["closedStatus"]?.boolValue ?? false
            record["closedFlag"] = .bool(closed)
            record["closedDate"] =
                closed
                ? (previous?["closedDate"].flatMap { $0 == .null ? nil : $0 } ?? .string(SimulatorDates.format(now)))
                : .null
        }
        if record["customFields"] == nil {
            record["customFields"] = Seeder.ticketCustomFields(
                alertId: .null,
                monitored: false,
                seats: nil,
                review: nil
            )
        }
        if let summary = record["summary"]?.stringValue, summary.count > 100 {
            throw APIFailure.badRequest("summary: must be 100 characters or fewer")
        }
    }

    private func completeNote(_ record: inout JSONObject) throws(APIFailure) {
        let flags = ["detailDescriptionFlag", "internalAnalysisFlag", "resolutionFlag"]
        guard flags.contains(where: { record[$0]?.boolValue == true }) else {
            throw APIFailure.badRequest("Please choose where to display the notes", code: "InvalidObject")
        }
        for flag in flags where record[flag] == nil { record[flag] = .bool(false) }
        record["dateCreated"] = .string(SimulatorDates.format(now))
        record["createdBy"] = .string(member)
    }

    private func completeTimeEntry(_ record: inout JSONObject, in state: inout SimulatorStore.State) throws(APIFailure)
    {
        guard let chargeToId = record["chargeToId"]?.intValue else {
            throw APIFailure.badRequest("chargeToId must be a number")
        }
        let type = record["chargeToType"]?.stringValue ?? ""
        let template = ["ServiceTicket": "/service/tickets", "ProjectTicket": "/project/tickets"][type]
        guard let template else {
            throw APIFailure.badRequest("chargeToType must be ServiceTicket, ProjectTicket, ChargeCode or Activity")
        }
        guard let charged = state.partitions.tables[PartitionKey(template: template, parents: [])]?.record(chargeToId)
        else {
            throw APIFailure.badRequest("chargeToId: no \(type) record \(chargeToId)")
        }
        if record["company"] == nil { record["company"] = charged["company"] }
        if record["member"] == nil,
            let memberRecord = state.partitions.tables[PartitionKey(template: "/system/members", parents: [])]?.records
                .first(where: { $0["identifier"]?.stringValue == member }),
            let memberId = memberRecord["id"]?.intValue
        {
            record["member"] = state.reference("MemberReference", .exact(memberId))
        }
        let start = record["timeStart"]?.stringValue.flatMap(SimulatorDates.parse) ?? now
        record["timeStart"] = .string(SimulatorDates.format(start))
        if let hours = record["actualHours"]?.doubleValue {
            guard hours > 0, hours <= 24 else { throw APIFailure.badRequest("actualHours must be between 0 and 24") }
            if record["timeEnd"] == nil {
                record["timeEnd"] = .string(SimulatorDates.format(start + Int64(hours * 3600)))
            }
        } else if let end = record["timeEnd"]?.stringValue.flatMap(SimulatorDates.parse), end > start {
            record["actualHours"] = .double(Double(end - start) / 3600)
        } else {
            throw APIFailure.badRequest("Either actualHours or a timeEnd after timeStart is required")
        }
        if record["billableOption"] == nil { record["billableOption"] = .string("Billable") }
        record["dateEntered"] = .string(SimulatorDates.format(now))
    }

    private func touch(_ record: inout JSONObject) {
        var info = record["_info"]?.objectValue ?? JSONObject()
        info["lastUpdated"] = .string(SimulatorDates.format(now))
        info["updatedBy"] = .string(member)
        record["_info"] = .object(info)
    }

    /// `value` stored at a `/`-separated path, creating objects on the way.
    func setting(_ value: JSON, at path: String, in record: JSONObject) -> JSONObject {
        let parts = path.split(separator: "/").map(String.init)
        func set(_ object: JSONObject, _ index: Int) -> JSONObject {
            var object = object
            if index == parts.count - 1 {
                object[parts[index]] = value
            } else {
                let inner = object[parts[index]]?.objectValue ?? JSONObject()
                // Changing a reference's id drops the rest of the old reference.
                let fresh = parts[index + 1] == "id" ? JSONObject() : inner
                object[parts[index]] = .object(set(fresh, index + 1))
            }
            return object
        }
        return parts.isEmpty ? record : set(record, 0)
    }
}

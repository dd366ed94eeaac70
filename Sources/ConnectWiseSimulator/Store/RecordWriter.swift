import CWJSON
import Foundation

/// Creates and changes records the way ConnectWise does: references named by id, name or
/// identifier are resolved (an unknown one is a 400), a ticket's status belongs to its
/// board and decides `closedFlag`, notes need a display flag, `_info` is kept up to date.
struct RecordWriter {
    let spec: TableSpec
    let member: String
    let now: Int64

    /// A new record from a POST body.
    func create(_ body: JSON, parentId: Int?, in state: inout SimulatorStore.State) throws(APIFailure) -> JSONObject {
        guard case .object(var record) = body else { throw APIFailure.badRequest("The request body must be a JSON object") }
        record["id"] = nil
        if let parent = spec.parent, let parentId {
            guard state.tables[parent.table]?.record(parentId) != nil else {
                throw APIFailure.notFound("\(parent.table) record \(parentId) was not found")
            }
            record = setting(.int(parentId), at: parent.key, in: record)
        }
        for field in spec.required where JSON.object(record).value(atPath: field) == nil || record[field] == .null {
            throw APIFailure(
                status: 400, code: "InvalidObject", message: "\(field) is required",
                errors: [JSONObject(["code": .string("Required"), "message": .string("\(field) is required"),
                                     "resource": .string(spec.name), "field": .string(field)])])
        }
        try complete(&record, previous: nil, in: &state)
        let stamp = JSON.string(SimulatorDates.format(now))
        record["_info"] = .object(JSONObject([
            "lastUpdated": stamp, "updatedBy": .string(member), "dateEntered": stamp, "enteredBy": .string(member),
        ]))
        return state.tables[spec.name]!.insert(record)
    }

    /// Applies a JSON Patch array to a record.
    func patch(_ id: Int, operations body: JSON, in state: inout SimulatorStore.State) throws(APIFailure) -> JSONObject {
        guard var record = state.tables[spec.name]?.record(id) else { throw APIFailure.notFound("\(spec.name) record \(id) was not found") }
        guard case .array(let operations) = body else {
            throw APIFailure.badRequest("PATCH takes a JSON Patch array such as [{\"op\": \"replace\", \"path\": \"summary\", \"value\": \"…\"}]")
        }
        let previous = record
        let known = state.knownPaths(spec.name)
        for operation in operations {
            guard let op = operation["op"]?.stringValue, let rawPath = operation["path"]?.stringValue else {
                throw APIFailure.badRequest("Each patch operation needs op and path")
            }
            let path = rawPath.hasPrefix("/") ? String(rawPath.dropFirst()) : rawPath
            let head = String(path.split(separator: "/").first ?? "")
            guard !head.isEmpty, head != "id", head != "_info" else { throw APIFailure.badRequest("\(rawPath) cannot be changed") }
            guard known.contains(head) || spec.required.contains(head) || record[head] != nil else {
                throw APIFailure.badRequest("Unknown field \(head) on \(spec.name)", code: "InvalidObject")
            }
            switch op {
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
        state.tables[spec.name]!.replace(id, with: record)
        return record
    }

    /// Replaces a record (PUT), keeping its id and creation stamp.
    func put(_ id: Int, body: JSON, in state: inout SimulatorStore.State) throws(APIFailure) -> JSONObject {
        guard let previous = state.tables[spec.name]?.record(id) else { throw APIFailure.notFound("\(spec.name) record \(id) was not found") }
        guard case .object(let replacement) = body else { throw APIFailure.badRequest("The request body must be a JSON object") }
        var record = JSONObject(pairs: [("id", .int(id))])
        for (key, value) in replacement.pairs where key != "id" && key != "_info" { record[key] = value }
        if let parent = spec.parent, let parentId = JSON.object(previous).value(atPath: parent.key) {
            record = setting(parentId, at: parent.key, in: record)
        }
        record["_info"] = previous["_info"]
        try complete(&record, previous: previous, in: &state)
        touch(&record)
        state.tables[spec.name]!.replace(id, with: record)
        return record
    }

    // MARK: - Rules

    private func complete(_ record: inout JSONObject, previous: JSONObject?, in state: inout SimulatorStore.State) throws(APIFailure) {
        for rule in spec.references {
            guard let value = record[rule.field], value != .null else { continue }
            record[rule.field] = try resolve(value, rule: rule, in: state)
        }
        switch spec.name {
        case "tickets": try completeTicket(&record, previous: previous, in: state)
        case "ticket_notes": try completeNote(&record)
        case "time_entries": try completeTimeEntry(&record, in: state)
        case "contacts":
            let name = [record["firstName"]?.stringValue, record["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            record["name"] = .string(name)
        default: break
        }
    }

    private func resolve(_ value: JSON, rule: ReferenceRule, in state: SimulatorStore.State) throws(APIFailure) -> JSON {
        guard case .object(let reference) = value else {
            throw APIFailure.badRequest("\(rule.field) must be an object such as {\"id\": 1}")
        }
        let rows = state.tables[rule.table]?.records ?? []
        var found: JSONObject?
        if let id = reference["id"]?.intValue {
            found = state.tables[rule.table]?.record(id)
            if found == nil { throw APIFailure.badRequest("\(rule.field): no \(rule.table) record with id \(id)", code: "InvalidObject") }
        } else {
            for key in rule.lookupKeys {
                guard let wanted = reference[key]?.stringValue?.lowercased() else { continue }
                let hits = rows.filter { $0[key]?.stringValue?.lowercased() == wanted }
                if hits.count > 1 { throw APIFailure.badRequest("\(rule.field): \(key) '\(wanted)' matches \(hits.count) records") }
                found = hits.first
                if found == nil { throw APIFailure.badRequest("\(rule.field): no \(rule.table) record with \(key) '\(reference[key]!.stringValue!)'") }
                break
            }
        }
        guard let found else { throw APIFailure.badRequest("\(rule.field) needs an id") }
        var copy = JSONObject()
        for key in rule.copied { if let field = found[key] { copy[key] = field } }
        return .object(copy)
    }

    private func completeTicket(_ record: inout JSONObject, previous: JSONObject?, in state: SimulatorStore.State) throws(APIFailure) {
        guard let boardId = record["board"]?["id"]?.intValue else { return }
        let statuses = (state.tables["board_statuses"]?.records ?? []).filter { $0["board"]?["id"]?.intValue == boardId }
        let boardChanged = previous?["board"]?["id"]?.intValue != boardId
        var status: JSONObject?
        if let wanted = record["status"], wanted != .null, !(boardChanged && wanted == previous?["status"]) {
            if let id = wanted["id"]?.intValue {
                status = statuses.first { $0["id"]?.intValue == id }
                if status == nil { throw APIFailure.badRequest("status: status \(id) does not belong to board \(boardId)") }
            } else if let name = wanted["name"]?.stringValue?.lowercased() {
                status = statuses.first { $0["name"]?.stringValue?.lowercased() == name }
                if status == nil { throw APIFailure.badRequest("status: board \(boardId) has no status '\(wanted["name"]!.stringValue!)'") }
            }
        } else {
            status = statuses.first { $0["defaultFlag"]?.boolValue == true } ?? statuses.first
        }
        if let status {
            record["status"] = .object(JSONObject(["id": status["id"]!, "name": status["name"]!]))
            let closed = status["closedStatus"]?.boolValue ?? false
            record["closedFlag"] = .bool(closed)
            record["closedDate"] = closed ? (previous?["closedDate"].flatMap { $0 == .null ? nil : $0 } ?? .string(SimulatorDates.format(now))) : .null
        }
        if record["customFields"] == nil {
            record["customFields"] = .array([.object(JSONObject([
                "id": .int(1), "caption": .string("Alert ID"), "type": .string("Text"), "entryMethod": .string("EntryField"),
                "numberOfDecimals": .int(0), "value": .null,
            ]))])
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

    private func completeTimeEntry(_ record: inout JSONObject, in state: SimulatorStore.State) throws(APIFailure) {
        guard let chargeToId = record["chargeToId"]?.intValue else { throw APIFailure.badRequest("chargeToId must be a number") }
        let type = record["chargeToType"]?.stringValue ?? ""
        let table = ["ServiceTicket": "tickets", "ProjectTicket": "project_tickets"][type]
        guard let table else {
            throw APIFailure.badRequest("chargeToType must be ServiceTicket, ProjectTicket, ChargeCode or Activity")
        }
        guard let charged = state.tables[table]?.record(chargeToId) else {
            throw APIFailure.badRequest("chargeToId: no \(table) record \(chargeToId)")
        }
        if record["company"] == nil { record["company"] = charged["company"] }
        if record["member"] == nil,
            let memberRecord = state.tables["members"]?.records.first(where: { $0["identifier"]?.stringValue == member })
        {
            record["member"] = .object(JSONObject(["id": memberRecord["id"]!, "identifier": memberRecord["identifier"]!,
                                                   "name": memberRecord["firstName"]!]))
        }
        let start = record["timeStart"]?.stringValue.flatMap(SimulatorDates.parse) ?? now
        record["timeStart"] = .string(SimulatorDates.format(start))
        if let hours = record["actualHours"]?.doubleValue {
            guard hours > 0, hours <= 24 else { throw APIFailure.badRequest("actualHours must be between 0 and 24") }
            if record["timeEnd"] == nil { record["timeEnd"] = .string(SimulatorDates.format(start + Int64(hours * 3600))) }
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

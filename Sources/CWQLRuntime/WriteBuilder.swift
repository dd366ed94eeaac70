import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests
import Foundation

/// One write to send: the request, how to describe it, and how to check it happened if its
/// answer is lost.
struct PreparedWrite: Sendable {
    var request: Request
    /// `PATCH /service/tickets/42`, for reports and `--dry-run`.
    var line: String { "\(request.method.rawValue) \(request.path)" }
    var reconcile: (@Sendable () async throws -> JSON?)?
    /// Nothing to do (e.g. the ticket is already closed); the reason is reported.
    var skipReason: String?
}

/// Builds request bodies from write stages and object literals: fields typed by the catalog,
/// references resolved from names to ids, custom fields by caption.
struct WriteBuilder {
    let client: ConnectWiseClient
    let resolver: ReferenceResolver
    let source: SourceFile
    let environment: CompileEnvironment
    let catalog: Catalog

    /// The request a write stage makes for one record.
    func prepare(_ write: WriteAction, record: JSON) async throws -> PreparedWrite {
        let stage = write.stage
        let entity = write.entity
        guard let id = record["id"]?.intValue else {
            throw RuntimeError(.recordWithoutId, source: source, span: stage.span)
        }
        if let missing = write.ancestorPaths.first(where: { record.value(atPathIgnoringCase: $0)?.intValue == nil }) {
            throw RuntimeError(
                .pathIdMissing(record: entity.singular, id: id, field: missing, path: entity.path),
                source: source,
                span: stage.span
            )
        }
        let recordPath = write.recordPath.bound(
            parentId: id,
            ancestorId: { record.value(atPathIgnoringCase: $0)?.intValue }
        )
        switch stage.kind {
        case .note(let textExpr, let flags):
            let text = try text(textExpr)
            var body = JSONObject(["text": .string(text)])
            body["detailDescriptionFlag"] = .bool(flags.isEmpty || flags.contains(.discussion))
            body["internalAnalysisFlag"] = .bool(flags.contains(.internal))
            body["resolutionFlag"] = .bool(flags.contains(.resolution))
            let client = self.client
            let lookFor = Reconciliation(
                path: "\(recordPath)/notes",
                conditions: .comparison(path: "text", op: "=", value: .text(text)),
                sent: Reconciliation.sentFields(of: body),
                madeAt: "dateCreated",
                notBefore: Reconciliation.attemptStart(client),
                member: client.apiMember
            )
            return PreparedWrite(
                request: Request(.post, "\(recordPath)/notes", body: .object(body)),
                reconcile: { try await lookFor.find(with: client) }
            )
        case .set(let assignments):
            let operations = try await patchOperations(assignments, entity: entity, record: record)
            return PreparedWrite(request: Request(.patch, recordPath, body: .array(operations), repeatable: true))
        case .close:
            if record["closedFlag"]?.boolValue == true {
                return PreparedWrite(request: Request(.patch, recordPath), skipReason: "already closed")
            }
            guard let board = record.value(atPathIgnoringCase: "board/id")?.intValue else {
                throw RuntimeError(.ticketWithoutBoard(id: id), source: source, span: stage.span)
            }
            let status = try await resolver.closedStatus(ofBoard: board)
            return PreparedWrite(
                request: Request(
                    .patch,
                    recordPath,
                    body: .array([replace("status/id", .int(status))]),
                    repeatable: true
                )
            )
        case .assign(let memberExpr):
            let member = try environment.value(of: memberExpr, as: .string, field: "assign", source: source)
            let memberId: Int
            if case .integer(let number) = member {
                memberId = number
            } else {
                let name = member.displayText
                memberId = try await resolver.id(EntitySpec.memberLookup(name, catalog: catalog), name: name)
            }
            return PreparedWrite(
                request: Request(
                    .patch,
                    recordPath,
                    body: .array([replace("owner/id", .int(memberId))]),
                    repeatable: true
                )
            )
        case .log(let duration, let notesExpr, let details):
            let hours = try hours(duration)
            let notes = try notesExpr.map { (expr) throws in try text(expr) } ?? ""
            // `start T` (a date, `today`, `-2h`…), else the hours just ended.
            let start: UTCDate
            if let startExpr = details.start {
                guard
                    case .date(let date) = try environment.value(
                        of: startExpr,
                        as: .date,
                        field: "start",
                        source: source
                    )
                else {
                    throw RuntimeError(
                        .fieldValue(field: "start", reason: "not a date"),
                        source: source,
                        span: startExpr.span
                    )
                }
                start = date
            } else {
                start = UTCDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970) - Int64(hours * 3600))
            }
            guard let chargeType = entity.timeChargeType else {
                throw RuntimeError(.noTimeEntries(entity: entity.name), source: source, span: stage.span)
            }
            var body = JSONObject([
                "chargeToId": .int(id), "chargeToType": .string(chargeType), "actualHours": .double(hours),
                "notes": .string(notes), "timeStart": .string(start.iso8601),
            ])
            // `member M`, `worktype W`: references of the time entry, by name or id.
            if let timeEntries = catalog.entity(named: "time_entries") {
                for (key, expr) in [("member", details.member), ("workType", details.workType)] {
                    guard let expr else { continue }
                    let (field, value) = try await fieldValue(
                        FieldPath(.dotted([Name(key, span: expr.span)]), span: expr.span),
                        expr,
                        entity: timeEntries,
                        boardId: nil
                    )
                    body[field] = value
                }
            }
            let client = self.client
            let lookFor = Reconciliation(
                path: "/time/entries",
                conditions: .all([
                    .comparison(path: "chargeToId", op: "=", value: .number(String(id))),
                    .comparison(path: "chargeToType", op: "=", value: .text(chargeType)),
                    .comparison(path: "timeStart", op: "=", value: .date(start.iso8601)),
                ]),
                sent: Reconciliation.sentFields(of: body),
                madeAt: "_info/dateEntered",
                notBefore: Reconciliation.attemptStart(client),
                member: client.apiMember
            )
            return PreparedWrite(
                request: Request(.post, "/time/entries", body: .object(body)),
                reconcile: { try await lookFor.find(with: client) }
            )
        case .delete:
            return PreparedWrite(request: Request(.delete, recordPath))
        default:
            throw RuntimeError(.notAWrite(stage.kind.keyword), source: source, span: stage.span)
        }
    }

    /// The body of `create ENTITY { … }`.
    func createBody(_ object: ObjectLiteral, entity: EntitySpec) async throws -> JSONObject {
        var body = JSONObject()
        var custom: [JSON] = []
        for assignment in object.fields {
            switch assignment.field {
            case .customField(let caption, _):
                let fieldId = try await resolveCustomField(caption, entity: entity, span: assignment.field.span)
                let value = try environment.value(of: assignment.value, as: .unknown, field: caption, source: source)
                custom.append(
                    .object(JSONObject(["id": .int(fieldId), "caption": .string(caption), "value": value.json]))
                )
            case .field(let path):
                let (key, value) = try await fieldValue(
                    path,
                    assignment.value,
                    entity: entity,
                    boardId: boardId(in: body)
                )
                body = setting(value, at: key, in: body)
            }
        }
        if !custom.isEmpty { body["customFields"] = .array(custom) }
        return body
    }

    /// JSON Patch operations that make a record hold an object literal's values.
    func patchOperations(_ object: ObjectLiteral, entity: EntitySpec, record: JSON) async throws -> [JSON] {
        try await patchOperations(
            object.fields.map { FieldAssignment(field: $0.field, value: $0.value) },
            entity: entity,
            record: record
        )
    }

    /// JSON Patch operations for `set` assignments: one per field, and one for all the custom
    /// fields, which replaces the record's whole `customFields` array with the changed values
    /// (ConnectWise's guide: a partial array clears the custom fields it leaves out).
    func patchOperations(_ assignments: [FieldAssignment], entity: EntitySpec, record: JSON) async throws -> [JSON] {
        var operations: [JSON] = []
        var customFields: [JSON]?
        for assignment in assignments {
            switch assignment.field {
            case .customField(let caption, let span):
                guard var fields = customFields ?? record["customFields"]?.arrayValue else {
                    throw RuntimeError(
                        .noSuchCustomField(entity: entity.name, caption: caption),
                        source: source,
                        span: span
                    )
                }
                let folded = caption.lowercased()
                guard let index = fields.firstIndex(where: { $0["caption"]?.stringValue?.lowercased() == folded }),
                    case .object(var field) = fields[index]
                else {
                    throw RuntimeError(
                        .noSuchCustomField(entity: entity.name, caption: caption),
                        source: source,
                        span: span
                    )
                }
                let value = try environment.value(of: assignment.value, as: .unknown, field: caption, source: source)
                field["value"] = value.json
                fields[index] = .object(field)
                customFields = fields
            case .field(let path):
                let board = record.value(atPathIgnoringCase: "board/id")?.intValue
                let (key, value) = try await fieldValue(path, assignment.value, entity: entity, boardId: board)
                if case .object(let reference) = value, let id = reference["id"] {
                    operations.append(replace("\(key)/id", id))
                } else {
                    operations.append(replace(key, value))
                }
            }
        }
        if let customFields { operations.append(replace("customFields", .array(customFields))) }
        return operations
    }

    /// A field's ConnectWise key and JSON value; references become `{"id": N}`.
    private func fieldValue(
        _ path: FieldPath,
        _ expr: ValueExpr,
        entity: EntitySpec,
        boardId: Int?
    ) async throws -> (String, JSON) {
        let resolved = try entity.resolveForWrite(path, in: source)
        guard let idPath = resolved.referenceIdPath else {
            let value = try environment.value(of: expr, as: resolved.type, field: path.written, source: source)
            if case .date(let date) = value { return (resolved.path, .string(date.iso8601)) }
            return (resolved.path, value.json)
        }
        let key = String(idPath.dropLast(3))
        let named = try environment.value(of: expr, as: .unknown, field: path.written, source: source)
        if case .integer(let id) = named { return (key, .object(JSONObject(["id": .int(id)]))) }
        if case .null = named { return (key, .null) }
        let name = named.displayText
        guard let spec = entity.field(named: key), case .object(let shape) = spec.kind else {
            throw RuntimeError(.fieldNotSettableByName(path.written), source: source, span: path.span)
        }
        do {
            // The same lookup the plan lists (translate prints it), with the name it runs with.
            guard
                let lookup = entity.lookup(
                    forReference: key,
                    named: name,
                    board: .ancestorId("board/id"),
                    catalog: catalog
                )
            else {
                // No catalog entity to look the name up in: send it by name, as ConnectWise accepts.
                return (key, .object(JSONObject([shape.defaultField ?? "name": .string(name)])))
            }
            if lookup.request.path.hasHoles, boardId == nil {
                throw RuntimeError(.statusNeedsBoard, source: source, span: expr.span)
            }
            let id = try await resolver.id(lookup, name: name, board: boardId)
            return (key, .object(JSONObject(["id": .int(id)])))
        } catch let failure as ReferenceResolver.Failure {
            throw RuntimeError(
                .fieldValue(field: path.written, reason: failure.problem.message),
                source: source,
                span: expr.span
            )
        }
    }

    private func resolveCustomField(_ caption: String, entity: EntitySpec, span: SourceSpan) async throws -> Int {
        do {
            return try await resolver.customFieldId(caption: caption, entity: entity)
        } catch let failure as ReferenceResolver.Failure {
            throw RuntimeError(failure.problem, source: source, span: span)
        }
    }

    private func boardId(in body: JSONObject) -> Int? {
        body["board"]?["id"]?.intValue
    }

    private func text(_ expr: ValueExpr) throws -> String {
        try environment.value(of: expr, as: .string, field: "text", source: source).displayText
    }

    private func hours(_ duration: Duration) throws -> Double {
        let amount = try environment.value(of: duration.amount, as: .decimal, field: "hours", source: source)
        let number: Double
        switch amount {
        case .integer(let value): number = Double(value)
        case .decimal(let value): number = value
        default: throw RuntimeError(.hoursNotANumber, source: source, span: duration.span)
        }
        let hours = number * duration.unit.seconds / 3600
        guard hours > 0, hours <= 24 else {
            throw RuntimeError(.hoursOutOfRange, source: source, span: duration.span)
        }
        return hours
    }

    private func replace(_ path: String, _ value: JSON) -> JSON {
        .object(JSONObject(["op": .string("replace"), "path": .string(path), "value": value]))
    }

    private func setting(_ value: JSON, at path: String, in object: JSONObject) -> JSONObject {
        var object = object
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 1 {
            object[parts[0]] = value
        } else {
            var inner = object[parts[0]]?.objectValue ?? JSONObject()
            inner[parts[1...].joined(separator: "/")] = value
            object[parts[0]] = .object(inner)
        }
        return object
    }
}

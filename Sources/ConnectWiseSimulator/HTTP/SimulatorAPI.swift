import CWJSON
import Foundation
import Synchronization

/// The simulator's request handling, apart from the HTTP server: auth and clientId checks,
/// permissions, faults, quirks, routing to the store, and the request log.
final class SimulatorAPI: Sendable {
    let configuration: SimulatorConfiguration
    let store: SimulatorStore
    let log: RequestLog
    private let faults: FaultInjector
    private let apiRequests = Mutex(0)
    private let listRequestsArrived = Mutex(0)
    private let upgraded = Mutex(false)

    init(configuration: SimulatorConfiguration, store: SimulatorStore, log: RequestLog) {
        self.configuration = configuration
        self.store = store
        self.log = log
        self.faults = FaultInjector(configuration: configuration)
    }

    /// The codebase now served (it moves under the moved-codebase quirk).
    var codebase: String { upgraded.withLock { $0 } ? configuration.upgradedCodebase : configuration.codebase }

    /// Moves the site to the upgraded codebase, as a ConnectWise upgrade does.
    func upgrade() { upgraded.withLock { $0 = true } }

    func handle(_ request: SimulatedRequest) async -> SimulatedResponse {
        var fault: String?
        var loggedPath = request.path
        var response: SimulatedResponse
        if request.path == "/__sim/requests" {
            response = requestSummary()
        } else if request.path.hasPrefix("/login/companyinfo/") {
            response = companyInfo(String(request.path.dropFirst("/login/companyinfo/".count)), origin: request.origin)
        } else {
            let segments = request.path.split(separator: "/").map(String.init)
            if segments.count >= 3, segments[1] == "apis", segments[2] == "3.0" {
                loggedPath = "/" + segments.dropFirst(3).joined(separator: "/")
            }
            (response, fault) = await handleAPI(request, segments: segments)
        }
        log.append(LoggedRequest(
            method: request.method, path: loggedPath, query: request.rawQuery, status: response.status,
            requestBytes: request.body.count + request.rawQuery.utf8.count + request.path.utf8.count,
            responseBytes: response.dropConnection ? 0 : response.body.count,
            attempt: Int(request.headers["x-cwql-attempt"] ?? "") ?? 1, fault: fault,
            body: String(decoding: request.body, as: UTF8.self)))
        return response
    }

    // MARK: - The API root

    private func handleAPI(_ request: SimulatedRequest, segments: [String]) async -> (SimulatedResponse, String?) {
        if configuration.quirks.contains(.htmlWebHost) {
            return (SimulatedResponse(
                status: 200, headers: [("Content-Type", "text/html; charset=utf-8")],
                body: Array("<!DOCTYPE html><html><head><title>ConnectWise PSA</title></head><body>Sign in</body></html>".utf8)), nil)
        }
        guard segments.count >= 4, segments[1] == "apis", segments[2] == "3.0" else {
            return (failure(.notFound("No API resource at \(request.path)")), nil)
        }
        let count = apiRequests.withLock { count in
            count += 1
            return count
        }
        if configuration.quirks.contains(.movedCodebase), count > 3 { upgrade() }
        guard segments[0] + "/" == codebase else {
            return (failure(.notFound("No API at codebase \(segments[0])/")), nil)
        }
        if configuration.quirks.contains(.urlLengthLimit),
            request.path.utf8.count + request.rawQuery.utf8.count + 1 > configuration.maximumURLLength
        {
            return (SimulatedResponse(status: 414, headers: [("Content-Type", "text/html")], body: Array("URI Too Long".utf8)), nil)
        }
        guard let clientId = request.headers["clientid"], configuration.clientIds.contains(clientId) else {
            let message = request.headers["clientid"] == nil
                ? "clientId header is required. Register a client ID for your integration in the ConnectWise developer portal."
                : "clientId \(request.headers["clientid"]!) is not a registered client ID."
            return (failure(APIFailure(status: 400, code: "InvalidClientId", message: message)), nil)
        }
        guard let member = authenticate(request.headers["authorization"]) else {
            return (failure(APIFailure(status: 401, code: "Unauthorized", message: "Authentication failed.")), nil)
        }
        switch faults.decide() {
        case .rateLimited(let seconds):
            var response = failure(APIFailure(status: 429, code: "TooManyRequests", message: "Too many requests."))
            response.headers.append(("Retry-After", String(seconds)))
            return (response, "rate-limited")
        case .failBefore:
            return (failure(APIFailure(status: 503, code: "ServiceUnavailable", message: "The service is unavailable.")), "failed")
        case .dropAfter:
            var response = await route(request, path: Array(segments.dropFirst(3)), member: member)
            response.dropConnection = true
            return (response, "dropped")
        case .proceed:
            break
        }
        // The injected latency is the whole server time, as on a real site: the answer leaves
        // `latency` after the request arrived, with the simulator's own work done inside it
        // (in-process, that work would otherwise be counted twice against the client's cores).
        let deadline = ContinuousClock.now + .milliseconds(configuration.latencyMilliseconds)
        let isList = request.method == "GET" && !(Int(segments.last ?? "") != nil)
        let answer: (SimulatedResponse, String?)
        if configuration.quirks.contains(.timeoutBody), isList, faults.nextListTimesOut() {
            answer = (failure(APIFailure(status: 500, code: "ConnectWiseApi", message: "A timeout has occured. Please try again.")), "timeout")
        } else {
            answer = (await route(request, path: Array(segments.dropFirst(3)), member: member), nil)
        }
        if configuration.latencyMilliseconds > 0 { try? await Task.sleep(until: deadline, clock: .continuous) }
        if isList, configuration.listAnswersWaitForRequests > 0 { await waitForListRequests() }
        return answer
    }

    /// Counts this list request and waits until ``SimulatorConfiguration/listAnswersWaitForRequests``
    /// have arrived, for at most ten seconds.
    private func waitForListRequests() async {
        listRequestsArrived.withLock { $0 += 1 }
        let giveUp = ContinuousClock.now + .seconds(10)
        while listRequestsArrived.withLock({ $0 }) < configuration.listAnswersWaitForRequests, ContinuousClock.now < giveUp {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func authenticate(_ header: String?) -> APIMember? {
        guard let header, header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let credentials = String(data: decoded, encoding: .utf8),
            let plus = credentials.firstIndex(of: "+"), let colon = credentials.firstIndex(of: ":"), plus < colon
        else { return nil }
        let company = String(credentials[..<plus])
        let publicKey = String(credentials[credentials.index(after: plus)..<colon])
        let privateKey = String(credentials[credentials.index(after: colon)...])
        guard company == configuration.company else { return nil }
        return configuration.members.first { $0.publicKey == publicKey && $0.privateKey == privateKey }
    }

    // MARK: - Routing

    private func route(_ request: SimulatedRequest, path: [String], member: APIMember) async -> SimulatedResponse {
        do {
            if path == ["system", "info"] {
                return json(200, .object(JSONObject([
                    "version": .string("v2025.1.10431"), "isCloud": .bool(false), "serverTimeZone": .string("UTC"),
                    "cloudRegion": .string("SIM"),
                ])))
            }
            if path == ["service", "tickets", "search"], request.method == "POST" {
                return try search(request, member: member)
            }
            // The longest table path that starts the request's path (`company/configurations/types`
            // before `company/configurations`).
            guard let depth = [3, 2].first(where: { path.count >= $0 && EntityCatalog.byPath[path.prefix($0).joined(separator: "/")] != nil }),
                let spec = EntityCatalog.byPath[path.prefix(depth).joined(separator: "/")]
            else {
                throw APIFailure.notFound("No API resource at /\(path.joined(separator: "/"))")
            }
            try authorize(spec, member)
            let rest = Array(path.dropFirst(depth))
            switch rest.count {
            case 0: return try collection(spec, parentId: nil, request: request, member: member)
            case 1 where rest[0] == "count": return try count(spec, parentId: nil, request: request)
            case 1: return try single(spec, id: try recordId(rest[0]), request: request, member: member)
            default:
                let parentId = try recordId(rest[0])
                guard let child = EntityCatalog.child(of: spec.name, segment: rest[1]) else {
                    throw APIFailure.notFound("No API resource at /\(path.joined(separator: "/"))")
                }
                try authorize(child, member)
                guard store.record(spec.name, id: parentId) != nil else {
                    throw APIFailure.notFound("\(spec.name) record \(parentId) was not found")
                }
                switch rest.count {
                case 2: return try collection(child, parentId: parentId, request: request, member: member)
                case 3 where rest[2] == "count": return try count(child, parentId: parentId, request: request)
                case 3:
                    let id = try recordId(rest[2])
                    guard let record = store.record(child.name, id: id),
                        JSON.object(record).value(atPath: child.parent!.key)?.intValue == parentId
                    else { throw APIFailure.notFound("\(child.name) record \(id) was not found") }
                    return try single(child, id: id, request: request, member: member)
                default: throw APIFailure.notFound("No API resource at /\(path.joined(separator: "/"))")
                }
            }
        } catch {
            return failure(error as? APIFailure ?? APIFailure(status: 500, code: "ConnectWiseApi", message: "\(error)"))
        }
    }

    private func authorize(_ spec: TableSpec, _ member: APIMember) throws(APIFailure) {
        guard member.allowed.contains(spec.module) else {
            throw APIFailure(
                status: 403, code: "Forbidden",
                message: "You do not have permission to access this resource. The API member's security role needs access to \(spec.module.rawValue).")
        }
    }

    private func recordId(_ text: String) throws(APIFailure) -> Int {
        guard let id = Int(text), id > 0 else { throw APIFailure.notFound("No record with id \(text)") }
        return id
    }

    private func collection(_ spec: TableSpec, parentId: Int?, request: SimulatedRequest, member: APIMember) throws(APIFailure) -> SimulatedResponse {
        switch request.method {
        case "GET":
            return try list(spec, parentId: parentId, parameters: request.parameters, request: request)
        case "POST":
            if configuration.quirks.contains(.redirectWrites) {
                return SimulatedResponse(status: 302, headers: [("Location", "http://\(request.origin.split(separator: "/").last ?? "")\(request.path)")])
            }
            let body = try parseBody(request)
            let writer = RecordWriter(spec: spec, member: member.identifier, now: Int64(Date().timeIntervalSince1970))
            let created = try store.write { (state: inout SimulatorStore.State) throws(APIFailure) in
                try writer.create(body, parentId: parentId, in: &state)
            }
            return json(201, .object(created))
        default:
            throw APIFailure(status: 405, code: "MethodNotAllowed", message: "\(request.method) is not allowed here")
        }
    }

    private func single(_ spec: TableSpec, id: Int, request: SimulatedRequest, member: APIMember) throws(APIFailure) -> SimulatedResponse {
        let writer = RecordWriter(spec: spec, member: member.identifier, now: Int64(Date().timeIntervalSince1970))
        switch request.method {
        case "GET":
            guard let record = store.record(spec.name, id: id) else { throw APIFailure.notFound("\(spec.name) record \(id) was not found") }
            let query = try ListQuery(parameters: request.parameters, forwardOnly: false)
            return json(200, .object(query.project(record)))
        case "PATCH":
            let body = try parseBody(request)
            let updated = try store.write { (state: inout SimulatorStore.State) throws(APIFailure) in
                try writer.patch(id, operations: body, in: &state)
            }
            return json(200, .object(updated))
        case "PUT":
            let body = try parseBody(request)
            let replaced = try store.write { (state: inout SimulatorStore.State) throws(APIFailure) in
                try writer.put(id, body: body, in: &state)
            }
            return json(200, .object(replaced))
        case "DELETE":
            let removed = try store.write { (state: inout SimulatorStore.State) throws(APIFailure) in
                state.tables[spec.name]!.remove(id)
            }
            guard removed else { throw APIFailure.notFound("\(spec.name) record \(id) was not found") }
            return SimulatedResponse(status: 204)
        default:
            throw APIFailure(status: 405, code: "MethodNotAllowed", message: "\(request.method) is not allowed here")
        }
    }

    private func list(_ spec: TableSpec, parentId: Int?, parameters: [String: String], request: SimulatedRequest) throws(APIFailure) -> SimulatedResponse {
        let forwardOnly = request.headers["pagination-type"]?.lowercased() == "forward-only"
        let query = try ListQuery(parameters: parameters, forwardOnly: forwardOnly)
        let parent = parentId.map { (key: spec.parent!.key, id: $0) }
        let (records, more, total) = try store.read { (state) throws(APIFailure) in
            try checkFields(query, spec: spec, state: state)
            return state.list(spec.name, parent: parent, query: query)
        }
        var response = json(200, .array(records.map { .object(query.project($0)) }))
        if let link = linkHeader(request: request, parameters: parameters, query: query, records: records, more: more, total: total) {
            response.headers.append(("Link", link))
        }
        return response
    }

    private func count(_ spec: TableSpec, parentId: Int?, request: SimulatedRequest) throws(APIFailure) -> SimulatedResponse {
        guard request.method == "GET" else { throw APIFailure(status: 405, code: "MethodNotAllowed", message: "count takes GET") }
        let query = try ListQuery(parameters: request.parameters, forwardOnly: false)
        let parent = parentId.map { (key: spec.parent!.key, id: $0) }
        let total = try store.read { (state) throws(APIFailure) in
            try checkFields(query, spec: spec, state: state)
            return state.count(spec.name, parent: parent, query: query)
        }
        return json(200, .object(JSONObject(["count": .int(total)])))
    }

    /// `POST /service/tickets/search` with the list parameters in a JSON body.
    private func search(_ request: SimulatedRequest, member: APIMember) throws(APIFailure) -> SimulatedResponse {
        let spec = EntityCatalog.byName["tickets"]!
        try authorize(spec, member)
        guard case .object(let body) = try parseBody(request) else { throw APIFailure.badRequest("The search body must be a JSON object") }
        var parameters = request.parameters
        for (key, value) in body.pairs {
            switch value {
            case .string(let text): parameters[key] = text
            case .int(let number): parameters[key] = String(number)
            default: break
            }
        }
        return try list(spec, parentId: nil, parameters: parameters, request: request)
    }

    private func checkFields(_ query: ListQuery, spec: TableSpec, state: SimulatorStore.State) throws(APIFailure) {
        guard configuration.quirks.contains(.unknownFieldError) else { return }
        let known = Set(state.knownPaths(spec.name).map { $0.lowercased() })
        for path in query.paths where !known.contains(path.lowercased()) && !known.contains(String(path.split(separator: "/").first ?? "").lowercased()) {
            throw APIFailure(
                status: 400, code: "ApiFindCondition", message: "Cannot find condition field '\(path)' on \(spec.name).",
                errors: [JSONObject(["code": .string("ApiFindCondition"), "message": .string("Unknown field \(path)"),
                                     "resource": .string(spec.name), "field": .string(path)])])
        }
    }

    /// `Link` with rel="next" (and first/prev for numbered pages); quirks change the
    /// forward-only form.
    private func linkHeader(
        request: SimulatedRequest, parameters: [String: String], query: ListQuery, records: [JSONObject], more: Bool, total: Int?
    ) -> String? {
        func url(_ changes: [String: String]) -> String {
            var merged = parameters
            for (key, value) in changes { merged[key] = value }
            let encoded = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(percentEncode($0.value))" }.joined(separator: "&")
            return "<\(request.origin)\(request.path)?\(encoded)>"
        }
        if configuration.quirks.contains(.missingLink) { return nil }
        if query.forwardOnly {
            let current = query.pageId ?? 0
            if more, let last = records.last?["id"]?.intValue { return "\(url(["pageId": String(last)])); rel=\"next\"" }
            if configuration.quirks.contains(.pageIdLoop) { return "\(url(["pageId": String(current)])); rel=\"next\"" }
            return nil
        }
        var links = ["\(url(["page": "1", "pageSize": String(query.pageSize)])); rel=\"first\""]
        if query.page > 1 { links.append("\(url(["page": String(query.page - 1), "pageSize": String(query.pageSize)])); rel=\"prev\"") }
        if more { links.append("\(url(["page": String(query.page + 1), "pageSize": String(query.pageSize)])); rel=\"next\"") }
        if let total {
            let last = Swift.max(1, (total + query.pageSize - 1) / query.pageSize)
            links.append("\(url(["page": String(last), "pageSize": String(query.pageSize)])); rel=\"last\"")
        }
        return links.joined(separator: ", ")
    }

    // MARK: - Other endpoints and helpers

    private func companyInfo(_ company: String, origin: String) -> SimulatedResponse {
        guard company == configuration.company else {
            return failure(.notFound("Company \(company) was not found"))
        }
        return json(200, .object(JSONObject([
            "CompanyName": .string("Northwind IT"), "Codebase": .string(codebase), "VersionCode": .string("v2025.1"),
            "VersionNumber": .string("v4.6.10431"), "CompanyID": .string(company), "IsCloud": .bool(false),
            "SiteUrl": .string(origin.replacingOccurrences(of: "http://", with: "")),
        ])))
    }

    private func requestSummary() -> SimulatedResponse {
        let entries = log.all
        let bytes = log.bytes
        return json(200, .object(JSONObject([
            "count": .int(entries.count), "bytesReceived": .int(bytes.received), "bytesSent": .int(bytes.sent),
            "retried": .int(entries.filter { $0.attempt > 1 }.count),
            "requests": .array(entries.suffix(200).map { entry in
                .object(JSONObject([
                    "method": .string(entry.method), "path": .string(entry.path), "query": .string(entry.query),
                    "status": .int(entry.status), "attempt": .int(entry.attempt), "fault": entry.fault.map(JSON.string) ?? .null,
                ]))
            }),
        ])))
    }

    private func parseBody(_ request: SimulatedRequest) throws(APIFailure) -> JSON {
        do {
            return try JSONParser.parse(request.body)
        } catch {
            throw APIFailure.badRequest("The request body is not valid JSON: \(error)")
        }
    }

    private func json(_ status: Int, _ value: JSON) -> SimulatedResponse {
        SimulatedResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: JSONWriter.bytes(value))
    }

    private func failure(_ failure: APIFailure) -> SimulatedResponse {
        json(failure.status, failure.body)
    }

    private func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E || byte == 0x2F
            {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

import CWJSON
import ConnectWiseRequests
import ConnectWiseSpec
import Foundation
import Synchronization

/// The simulator's request handling, apart from the HTTP server: auth and clientId checks,
/// permissions, faults, quirks, routing to the store, and the request log.
final class SimulatorAPI: Sendable {
    let configuration: SimulatorConfiguration
    let store: SimulatorStore
    let log: RequestLog
    private let faults: FaultInjector
    let callbacks: CallbackSender
    private let apiRequests = Mutex(0)
    private let listRequestsArrived = Mutex(0)
    private let upgraded = Mutex(false)

    init(configuration: SimulatorConfiguration, store: SimulatorStore, log: RequestLog) {
        self.configuration = configuration
        self.store = store
        self.log = log
        self.faults = FaultInjector(configuration: configuration)
        self.callbacks = CallbackSender(configuration: configuration, store: store)
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
        } else if request.path == callbacks.keyPath() {
            response = json(200, callbacks.keyAnswer())
        } else if request.path.hasPrefix("/login/companyinfo/") {
            response = companyInfo(String(request.path.dropFirst("/login/companyinfo/".count)), origin: request.origin)
        } else {
            let segments = request.path.split(separator: "/").map(String.init)
            if segments.count >= 3, segments[1] == "apis", segments[2] == "3.0" {
                loggedPath = "/" + segments.dropFirst(3).joined(separator: "/")
            }
            (response, fault) = await handleAPI(request, segments: segments)
        }
        // As every HTTP server does: clients read ConnectWise's time from it.
        if !response.headers.contains(where: { $0.0.lowercased() == "date" }) {
            response.headers.append(("Date", HTTPDate.format(configuration.clock.now())))
        }
        log.append(
            LoggedRequest(
                method: request.method,
                path: loggedPath,
                query: request.rawQuery,
                status: response.status,
                requestBytes: request.body.count + request.rawQuery.utf8.count + request.path.utf8.count,
                responseBytes: response.dropConnection ? 0 : response.body.count,
                attempt: Int(request.headers["x-cwql-attempt"] ?? "") ?? 1,
                fault: fault,
                body: String(decoding: request.body, as: UTF8.self)
            )
        )
        return response
    }

    // MARK: - The API root

    private func handleAPI(_ request: SimulatedRequest, segments: [String]) async -> (SimulatedResponse, String?) {
        if configuration.quirks.contains(.htmlWebHost) {
            return (
                SimulatedResponse(
                    status: 200,
                    headers: [("Content-Type", "text/html; charset=utf-8")],
                    body: Array(
                        "<!DOCTYPE html><html><head><title>ConnectWise PSA</title></head><body>Sign in</body></html>"
                            .utf8
                    )
                ), nil
            )
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
            return (
                SimulatedResponse(
                    status: 414,
                    headers: [("Content-Type", "text/html")],
                    body: Array("URI Too Long".utf8)
                ), nil
            )
        }
        guard let clientId = request.headers["clientid"], configuration.clientIds.contains(clientId) else {
            let message =
                request.headers["clientid"] == nil
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
            return (
                failure(APIFailure(status: 503, code: "ServiceUnavailable", message: "The service is unavailable.")),
                "failed"
            )
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
            answer = (
                failure(
                    APIFailure(status: 500, code: "ConnectWiseApi", message: "A timeout has occured. Please try again.")
                ), "timeout"
            )
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
        while listRequestsArrived.withLock({ $0 }) < configuration.listAnswersWaitForRequests,
            ContinuousClock.now < giveUp
        {
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

    /// Routes a request on a thread of its own, not on the concurrency pool (as many threads
    /// as cores): a costly query (a long conditions string over many records) then holds up no
    /// other request. A serial queue of its own is an overcommitting one, which gets a thread
    /// even when every core is busy (the global queue waits for one).
    private func route(_ request: SimulatedRequest, path: [String], member: APIMember) async -> SimulatedResponse {
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "cwql.simulator.request").async {
                continuation.resume(returning: self.routeNow(request, path: path, member: member))
            }
        }
    }

    private func routeNow(_ request: SimulatedRequest, path: [String], member: APIMember) -> SimulatedResponse {
        do {
            if path.map({ $0.lowercased() }) == ["system", "info"] {
                return json(
                    200,
                    .object(
                        JSONObject([
                            "version": .string("v2025.1.10431"), "isCloud": .bool(false),
                            "serverTimeZone": .string("UTC"),
                            "cloudRegion": .string("SIM"),
                        ])
                    )
                )
            }
            if path.map({ $0.lowercased() }) == ["service", "tickets", "search"], request.method == "POST" {
                return try search(request, member: member)
            }
            guard let route = store.catalog.route(path) else {
                throw APIFailure.notFound("No API resource at /\(path.joined(separator: "/"))")
            }
            switch route {
            case .collection(let resource, let parents):
                try authorize(resource, member)
                try requireParent(resource, parents)
                return try collection(resource, parents: parents, request: request, member: member)
            case .count(let resource, let parents):
                try authorize(resource, member)
                try requireParent(resource, parents)
                try allow(request.method, in: .get)
                return try count(resource, parents: parents, request: request)
            case .record(let resource, let parents, let id):
                try authorize(resource, member)
                try requireParent(resource, parents)
                try allow(request.method, in: resource.recordMethods)
                return try single(resource, parents: parents, id: id, request: request, member: member)
            case .other(let endpoint, _):
                try allow(request.method, in: endpoint.methods)
                guard request.method == "GET", let model = endpoint.model else {
                    throw APIFailure(
                        status: 501,
                        code: "NotSimulated",
                        message: "The simulator does not carry out \(request.method) \(endpoint.path)."
                    )
                }
                let record = try store.read { (state) throws(APIFailure) in
                    var record = state.defaults(model)
                    if store.catalog.facts.fields(of: model)?.contains(where: { $0.name == "id" }) == true {
                        record = JSONObject(pairs: [("id", .int(1))] + record.pairs.map { ($0.key, $0.value) })
                    }
                    return record
                }
                return json(200, .object(record))
            }
        } catch {
            return failure(error as? APIFailure ?? APIFailure(status: 500, code: "ConnectWiseApi", message: "\(error)"))
        }
    }

    private func authorize(_ resource: SimulatedResource, _ member: APIMember) throws(APIFailure) {
        guard member.allowed.contains(resource.module) else {
            throw APIFailure(
                status: 403,
                code: "Forbidden",
                message:
                    "You do not have permission to access this resource. The API member's security role needs access to \(resource.module)."
            )
        }
    }

    /// 405 for a method the spec does not list on the path, as ConnectWise's IIS answers.
    private func allow(_ method: String, in methods: EndpointMethods) throws(APIFailure) {
        guard let known = EndpointMethods.named.first(where: { $0.0 == method })?.1, methods.contains(known) else {
            throw APIFailure(
                status: 405,
                code: "MethodNotAllowed",
                message:
                    "The requested resource does not support http method '\(method)'. It allows \(methods.names.joined(separator: ", "))."
            )
        }
    }

    /// 404 when the parent record a nested path names does not exist.
    private func requireParent(_ resource: SimulatedResource, _ parents: [Int]) throws(APIFailure) {
        guard let parentTemplate = resource.parentTemplate, let parent = store.catalog.resources[parentTemplate],
            let id = parents.last
        else { return }
        let exists = try store.read { (state) throws(APIFailure) in
            state.table(parent, parents: Array(parents.dropLast())).record(id) != nil
        }
        guard exists else { throw APIFailure.notFound("\(parent.model) record \(id) was not found") }
    }

    private func writer(_ resource: SimulatedResource, parents: [Int], member: APIMember) -> RecordWriter {
        RecordWriter(
            resource: resource,
            parents: parents,
            member: member.identifier,
            now: Int64(configuration.clock.now())
        )
    }

    private func collection(
        _ resource: SimulatedResource,
        parents: [Int],
        request: SimulatedRequest,
        member: APIMember
    ) throws(APIFailure) -> SimulatedResponse {
        try allow(request.method, in: resource.collectionMethods)
        switch request.method {
        case "POST":
            let body = try parseBody(request)
            let writer = writer(resource, parents: parents, member: member)
            let created = try store.write { (state: inout SimulatorStore.State) throws(APIFailure) in
                let record = try writer.create(body, in: &state)
                return resource.render(record, defaults: state.defaults(resource.model), links: links(request))
            }
            if parents.isEmpty, let id = created["id"]?.intValue {
                callbacks.recordChanged(
                    path: resource.template,
                    id: id,
                    record: created,
                    action: "added",
                    origin: request.origin,
                    member: member.identifier
                )
            }
            if configuration.quirks.contains(.redirectWrites) {
                // As users of ConnectWise report: the record is made, and the answer is a redirect.
                return SimulatedResponse(
                    status: 302,
                    headers: [("Location", "http://\(request.origin.split(separator: "/").last ?? "")\(request.path)")]
                )
            }
            return json(201, .object(created))
        default:
            return try list(resource, parents: parents, parameters: request.parameters, request: request)
        }
    }

    private func single(
        _ resource: SimulatedResource,
        parents: [Int],
        id: Int,
        request: SimulatedRequest,
        member: APIMember
    ) throws(APIFailure) -> SimulatedResponse {
        let writer = writer(resource, parents: parents, member: member)
        let links = links(request)
        switch request.method {
        case "GET":
            let query = try ListQuery(parameters: request.parameters, forwardOnly: false)
            let (stored, defaults) = try store.read { (state) throws(APIFailure) in
                guard let stored = state.table(resource, parents: parents).record(id) else { throw writer.notFound(id) }
                return (stored, state.defaults(resource.model))
            }
            let record = resource.render(
                stored,
                defaults: defaults,
                links: links,
                only: resource.fields(forPaths: query.fields)
            )
            return json(200, .object(query.project(record)))
        case "PATCH", "PUT":
            var body = try parseBody(request)
            if request.method == "PATCH", configuration.quirks.contains(.ignoreNestedPatches),
                case .array(let operations) = body
            {
                body = .array(operations.filter { !($0["path"]?.stringValue ?? "").trimmingPrefix("/").contains("/") })
            }
            let changed = try store.write { (state: inout SimulatorStore.State) throws(APIFailure) in
                _ = state.table(resource, parents: parents)
                let record =
                    request.method == "PATCH"
                    ? try writer.patch(id, operations: body, in: &state) : try writer.put(id, body: body, in: &state)
                return resource.render(record, defaults: state.defaults(resource.model), links: links)
            }
            if parents.isEmpty {
                callbacks.recordChanged(
                    path: resource.template,
                    id: id,
                    record: changed,
                    action: "updated",
                    origin: request.origin,
                    member: member.identifier
                )
            }
            return json(200, .object(changed))
        default:
            try store.write { (state: inout SimulatorStore.State) throws(APIFailure) in
                _ = state.table(resource, parents: parents)
                try writer.delete(id, in: &state)
            }
            if parents.isEmpty {
                callbacks.recordChanged(
                    path: resource.template,
                    id: id,
                    record: nil,
                    action: "deleted",
                    origin: request.origin,
                    member: member.identifier
                )
            }
            return SimulatedResponse(status: 204)
        }
    }

    private func list(
        _ resource: SimulatedResource,
        parents: [Int],
        parameters: [String: String],
        request: SimulatedRequest
    ) throws(APIFailure) -> SimulatedResponse {
        let forwardOnly = request.headers["pagination-type"]?.lowercased() == "forward-only"
        var query = try ListQuery(parameters: parameters, forwardOnly: forwardOnly)
        if configuration.quirks.contains(.pageIdIgnored) { query.pageId = nil }
        try checkFields(query, resource: resource)
        let links = links(request)
        let page = try store.list(resource, parents: parents, query: query)
        let defaults = page.defaults
        // Rendered outside the lock, so that pages of concurrent requests are written in parallel.
        let only = resource.fields(forPaths: query.fields)
        let records = page.records.map { resource.render($0, defaults: defaults, links: links, only: only) }
        let (more, total) = (page.more, page.total)
        var response = json(200, .array(records.map { .object(query.project($0)) }))
        if let link = linkHeader(request: request, query: query, records: page.records, more: more, total: total) {
            response.headers.append(("Link", link))
        }
        return response
    }

    private func count(
        _ resource: SimulatedResource,
        parents: [Int],
        request: SimulatedRequest
    ) throws(APIFailure) -> SimulatedResponse {
        let query = try ListQuery(parameters: request.parameters, forwardOnly: false)
        try checkFields(query, resource: resource)
        let total = try store.count(resource, parents: parents, query: query)
        return json(200, .object(JSONObject(["count": .int(total)])))
    }

    /// `POST /service/tickets/search` with the list parameters in a JSON body.
    private func search(_ request: SimulatedRequest, member: APIMember) throws(APIFailure) -> SimulatedResponse {
        guard let resource = store.catalog.resource(named: "tickets") else { throw APIFailure.notFound("No tickets") }
        try authorize(resource, member)
        guard case .object(let body) = try parseBody(request) else {
            throw APIFailure.badRequest("The search body must be a JSON object")
        }
        var parameters = request.parameters
        for (key, value) in body.pairs {
            switch value {
            case .string(let text): parameters[key] = text
            case .int(let number): parameters[key] = String(number)
            default: break
            }
        }
        return try list(resource, parents: [], parameters: parameters, request: request)
    }

    /// A condition, order or field naming something the model lacks answers ConnectWise's 400.
    private func checkFields(_ query: ListQuery, resource: SimulatedResource) throws(APIFailure) {
        for path in query.paths where !store.catalog.knows(path, in: resource) {
            throw APIFailure(
                status: 400,
                code: "ApiFindCondition",
                message: "Cannot find condition field '\(path)' on \(resource.model).",
                errors: [
                    JSONObject([
                        "code": .string("ApiFindCondition"), "message": .string("Unknown field \(path)"),
                        "resource": .string(resource.model), "field": .string(path),
                    ])
                ]
            )
        }
    }

    private func links(_ request: SimulatedRequest) -> ReferenceLinks {
        ReferenceLinks(apiRoot: "\(request.origin)/\(codebase)apis/3.0", catalog: store.catalog)
    }

    /// `Link` as ConnectWise writes it: `rel="next"` and `rel="last"` while there are more pages
    /// (`first`/`prev` after page 1), the request's parameters in the order it sent them with
    /// `page` (or `pageId`) last. Quirks change the forward-only form.
    private func linkHeader(
        request: SimulatedRequest,
        query: ListQuery,
        records: [JSONObject],
        more: Bool,
        total: Int?
    ) -> String? {
        let pageKey = query.forwardOnly ? "pageid" : "page"
        let kept = request.rawQuery.split(separator: "&").filter {
            $0.split(separator: "=", maxSplits: 1).first.map { SimulatedRequest.decode(String($0)).lowercased() }
                != pageKey
        }
        func url(_ page: String) -> String {
            let parameters = kept.map(String.init) + ["\(query.forwardOnly ? "pageId" : "page")=\(page)"]
            return "<\(request.origin)\(request.path)?\(parameters.joined(separator: "&"))>"
        }
        if configuration.quirks.contains(.missingLink) { return nil }
        if query.forwardOnly {
            let current = query.pageId ?? 0
            if more, let last = records.last?["id"]?.intValue { return "\(url(String(last))); rel=\"next\"" }
            if configuration.quirks.contains(.pageIdLoop) { return "\(url(String(current))); rel=\"next\"" }
            return nil
        }
        var links: [String] = []
        if query.page > 1 {
            links.append("\(url("1")); rel=\"first\"")
            links.append("\(url(String(query.page - 1))); rel=\"prev\"")
        }
        if more {
            links.append("\(url(String(query.page + 1))); rel=\"next\"")
            if let total {
                links.append(
                    "\(url(String(Swift.max(1, (total + query.pageSize - 1) / query.pageSize)))); rel=\"last\""
                )
            }
        }
        return links.isEmpty ? nil : links.joined(separator: ", ")
    }

    // MARK: - Other endpoints and helpers

    private func companyInfo(_ company: String, origin: String) -> SimulatedResponse {
        guard company == configuration.company else {
            return failure(.notFound("Company \(company) was not found"))
        }
        return json(
            200,
            .object(
                JSONObject([
                    "CompanyName": .string("Northwind IT"), "Codebase": .string(codebase),
                    "VersionCode": .string("v2025.1"),
                    "VersionNumber": .string("v4.6.10431"), "CompanyID": .string(company), "IsCloud": .bool(false),
                    "SiteUrl": .string(origin.replacingOccurrences(of: "http://", with: "")),
                ])
            )
        )
    }

    private func requestSummary() -> SimulatedResponse {
        let entries = log.all
        let bytes = log.bytes
        return json(
            200,
            .object(
                JSONObject([
                    "count": .int(entries.count), "bytesReceived": .int(bytes.received), "bytesSent": .int(bytes.sent),
                    "retried": .int(entries.filter { $0.attempt > 1 }.count),
                    "requests": .array(
                        entries.suffix(200).map { entry in
                            .object(
                                JSONObject([
                                    "method": .string(entry.method), "path": .string(entry.path),
                                    "query": .string(entry.query),
                                    "status": .int(entry.status), "attempt": .int(entry.attempt),
                                    "fault": entry.fault.map(JSON.string) ?? .null,
                                ])
                            )
                        }
                    ),
                ])
            )
        )
    }

    private func parseBody(_ request: SimulatedRequest) throws(APIFailure) -> JSON {
        do {
            return try JSONParser.parse(request.body)
        } catch {
            throw APIFailure.badRequest("The request body is not valid JSON: \(error)")
        }
    }

    private func json(_ status: Int, _ value: JSON) -> SimulatedResponse {
        SimulatedResponse(
            status: status,
            headers: [("Content-Type", "application/json; charset=utf-8")],
            body: JSONWriter.bytes(value)
        )
    }

    private func failure(_ failure: APIFailure) -> SimulatedResponse {
        json(failure.status, failure.body)
    }

}

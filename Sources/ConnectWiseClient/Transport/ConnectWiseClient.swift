import AsyncHTTPClient
import CWJSON
import ConnectWiseRequests
import ConnectWiseSpec
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The one client every cwql command uses: auth and clientId headers, a versioned Accept
/// header, codebase discovery (again after an upgrade moves it), a bounded number of
/// requests in flight, retries with backoff for reads, `Retry-After` for 429, writes that are
/// never blindly repeated, and errors that explain themselves.
public final class ConnectWiseClient: Sendable {
    public let credentials: Credentials
    let http: HTTPClient
    let limiter: RequestLimiter
    let retry: RetryPolicy
    let timeout: Double
    let trace: TraceSink?
    /// Requests in flight at most.
    public let concurrency: Int
    /// Numbered pages started with the first, before it says how many there are
    /// (`--prefetch`): each saves a round trip on a long result and costs a request on a
    /// result shorter than it. At most `concurrency - 1`.
    public let prefetch: Int
    /// API roots remembered between runs, if any.
    let rootCache: APIRootCache?
    private let root = Mutex<String?>(nil)
    private let info = Mutex<JSON?>(nil)
    private let sent = Atomic<Int>(0)

    /// Requests sent so far (for progress lines).
    public var requestsSent: Int { sent.load(ordering: .relaxed) }
    private let lastRediscovery = Mutex<Date?>(nil)

    /// - Parameters:
    ///   - concurrency: requests in flight at most (`--concurrency`).
    ///   - prefetch: pages a numbered walk starts before its first page returns (`--prefetch`).
    ///   - timeout: seconds to wait for each answer.
    ///   - trace: receives a line per request (`--trace`).
    ///   - rootCache: where API roots are remembered between runs (nil: discover every time).
    public init(credentials: Credentials, concurrency: Int = 8, prefetch: Int = 0, timeout: Double = 60, retry: RetryPolicy = RetryPolicy(),
                trace: TraceSink? = nil, rootCache: APIRootCache? = nil) {
        self.credentials = credentials
        self.rootCache = rootCache
        self.concurrency = max(1, concurrency)
        self.prefetch = min(max(0, prefetch), max(1, concurrency) - 1)
        self.limiter = RequestLimiter(limit: concurrency)
        self.retry = retry
        self.timeout = timeout
        self.trace = trace
        self.http = ConnectWiseClient.sharedHTTP
    }

    /// One HTTP client for the process: connections are pooled across every ConnectWise
    /// client, and none has to be shut down (a forgotten shutdown cannot crash the process).
    /// Redirects are never followed (a redirected write must be reported, not repeated as a
    /// GET); each request carries its own deadline.
    static let sharedHTTP: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(3600))
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // Connection failures come back at once; cwql's own retry policy decides what to retry.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .enabled(limit: .none)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    // MARK: - Discovery

    /// `GET /login/companyinfo/{company}`: the site's name, codebase and version.
    public func companyInfo() async throws -> JSON {
        let url = credentials.site.absoluteString + "/login/companyinfo/" + PercentEncoding.encode(credentials.company)
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer
        do {
            (status, headers, body, _) = try await transport("GET", url: url, body: nil, attempt: 1, authorized: false)
        } catch let error as ConnectWiseError {
            switch error {
            case .connection(_, let reason): throw ConnectWiseError.siteUnreachable(site: credentials.site.absoluteString, reason: reason)
            case .timeout: throw ConnectWiseError.siteUnreachable(site: credentials.site.absoluteString, reason: "no answer within \(ConnectWiseError.seconds(timeout)) s")
            default: throw error
            }
        }
        if isHTML(headers) { throw ConnectWiseError.notAnAPI(site: credentials.site.absoluteString) }
        let json = try? JSONParser.parse(Array(buffer: body))
        guard status == 200, let json, let codebase = json["Codebase"]?.stringValue, !codebase.isEmpty else {
            if status == 200 || status == 404 {
                throw ConnectWiseError.unknownCompany(credentials.company, site: credentials.site.absoluteString)
            }
            throw ConnectWiseError.server(status: status, method: "GET", path: "/login/companyinfo", message: "")
        }
        return json
    }

    /// The API root (`https://host/v4_6_release/apis/3.0`), discovered once (or remembered
    /// from an earlier run) and kept; `refresh` always asks `/login/companyinfo`.
    public func apiRoot(refresh: Bool = false) async throws -> String {
        let site = credentials.site.absoluteString
        if !refresh {
            if let known = root.withLock({ $0 }) { return known }
            if let remembered = rootCache?.root(site: site, company: credentials.company) {
                return root.withLock { kept in
                    if kept == nil { kept = remembered }
                    return kept!
                }
            }
        }
        let fetched = try await companyInfo()
        info.withLock { $0 = fetched }
        var codebase = fetched["Codebase"]!.stringValue!
        if !codebase.hasSuffix("/") { codebase += "/" }
        let discovered = site + "/" + codebase + "apis/3.0"
        root.withLock { $0 = discovered }
        rootCache?.store(discovered, site: site, company: credentials.company)
        return discovered
    }

    /// What `/login/companyinfo` said when the API root was last discovered.
    public var discoveredCompanyInfo: JSON? { info.withLock { $0 } }

    // MARK: - Requests

    /// Sends a request, retrying what is safe to retry.
    ///
    /// - Parameter reconcile: for a POST or PATCH whose response was lost, looks for the
    ///   record it would have made; found, it is returned instead of sending again.
    @discardableResult
    public func send(_ request: Request, reconcile: (@Sendable () async throws -> JSON?)? = nil) async throws -> APIResponse {
        var attempt = 0  // failures' budget
        var rateLimitWaits = 0  // 429s' budget
        var sends = 0  // every send, for the trace and the attempt header
        var rediscovered = false
        var current = request
        // A long query goes in a search body where ConnectWise has one, before anything is sent:
        // servers refuse long URLs (414), and a long URL also comes back in every Link header.
        // Elsewhere it is sent as it is, and a refusal is explained.
        current = ConnectWiseClient.asSent(current)
        // `timeout` bounds the whole request, its retries and waits included.
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            attempt += 1
            sends += 1
            try Task.checkCancellation()
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                let expired = ConnectWiseError.timeout(method: current.method.rawValue, path: current.pathText, seconds: timeout)
                if !current.isRetrySafe, sends > 1 {
                    throw ConnectWiseError.writeOutcomeUnknown(method: current.method.rawValue, path: current.pathText, reason: "\(expired)")
                }
                throw expired
            }
            let base = try await apiRoot()
            let url = base + current.pathAndQuery()
            let outcome: (status: Int, headers: HTTPHeaders, body: ByteBuffer, seconds: Double)
            do {
                let sending = current
                let attemptNumber = sends
                outcome = try await limiter.withSlot { [self] in
                    try await transport(
                        sending.method.rawValue, url: url, body: sending.body, attempt: attemptNumber, authorized: true,
                        extra: sending.headers, timeout: remaining)
                }
            } catch let error as ConnectWiseError {
                switch error {
                case .timeout, .connection:
                    if current.isRetrySafe, attempt < retry.maximumAttempts {
                        try await pause(retry.delay(afterAttempt: attempt, retryAfter: nil), until: deadline)
                        continue
                    }
                    if let reconcile, attempt < retry.maximumAttempts {
                        if let found = try await reconcile() {
                            return APIResponse(status: 200, headers: [], body: found, attempts: sends)
                        }
                        try await pause(retry.delay(afterAttempt: attempt, retryAfter: nil), until: deadline)
                        continue
                    }
                    if !current.isRetrySafe {
                        throw ConnectWiseError.writeOutcomeUnknown(method: current.method.rawValue, path: current.pathText, reason: "\(error)")
                    }
                    throw error
                default:
                    throw error
                }
            }
            let status = outcome.status
            let headerPairs = outcome.headers.map { ($0.name, $0.value) }
            if (200..<300).contains(status) {
                if isHTML(outcome.headers) { throw ConnectWiseError.notAnAPI(site: credentials.site.absoluteString) }
                let body: JSON
                if outcome.body.readableBytes == 0 {
                    body = .null
                } else {
                    do {
                        body = try JSONParser.parse(Array(buffer: outcome.body))
                    } catch {
                        throw ConnectWiseError.invalidResponse(path: current.pathText, reason: "\(error)")
                    }
                }
                return APIResponse(status: status, headers: headerPairs, body: body, attempts: sends)
            }
            let message = credentials.redact(errorMessage(outcome.body))  // a body may echo the request's headers
            switch status {
            case 300..<400:
                let location = outcome.headers.first(name: "Location") ?? "?"
                if current.method != .get {
                    throw ConnectWiseError.redirectedWrite(method: current.method.rawValue, path: current.pathText, location: location)
                }
                throw ConnectWiseError.invalidResponse(path: current.pathText, reason: "redirected to \(location); check the site URL")
            case 401:
                throw ConnectWiseError.unauthorized(company: credentials.company)
            case 403:
                throw ConnectWiseError.forbidden(
                    method: current.method.rawValue, path: current.pathText, module: ConnectWiseClient.module(in: message), message: message)
            case 400:
                if message.lowercased().contains("clientid") { throw ConnectWiseError.clientId(message: message) }
                if let conditions = current.parameter("conditions"),
                    message.lowercased().contains("condition") || message.contains("ApiFindCondition")
                {
                    throw ConnectWiseError.badConditions(message: message, conditions: conditions)
                }
                // A bare 400 to a very long URL is the web server refusing its length.
                let length = current.pathAndQuery().utf8.count
                if message.isEmpty, length > ConnectWiseClient.longestURL {
                    throw ConnectWiseError.urlTooLong(method: current.method.rawValue, path: current.pathText, length: length)
                }
                throw ConnectWiseError.badRequest(method: current.method.rawValue, path: current.pathText, message: message)
            case 404:
                if !rediscovered, try await codebaseMoved() {
                    rediscovered = true
                    attempt -= 1
                    continue
                }
                if current.method == .delete, attempt > 1 {
                    return APIResponse(status: 204, headers: headerPairs, body: .null, attempts: sends)
                }
                throw ConnectWiseError.notFound(path: current.pathText, message: message)
            case 414:
                if current.method == .get, let search = ConnectWiseClient.searchRequest(for: current) {
                    current = search
                    attempt -= 1
                    continue
                }
                throw ConnectWiseError.urlTooLong(method: current.method.rawValue, path: current.pathText, length: current.pathAndQuery().utf8.count)
            case 429:
                // Nothing was done: wait as told, on the rate-limit budget, not the failure one.
                if rateLimitWaits < retry.maximumRateLimitWaits {
                    rateLimitWaits += 1
                    try await pause(retry.delay(afterAttempt: rateLimitWaits, retryAfter: outcome.headers.first(name: "Retry-After")), until: deadline)
                    attempt -= 1
                    continue
                }
                throw ConnectWiseError.rateLimited(retries: rateLimitWaits)
            case 500...:
                if attempt < retry.maximumAttempts {
                    if current.isRetrySafe {
                        try await pause(retry.delay(afterAttempt: attempt, retryAfter: outcome.headers.first(name: "Retry-After")), until: deadline)
                        continue
                    }
                    if let reconcile {
                        if let found = try await reconcile() {
                            return APIResponse(status: 200, headers: [], body: found, attempts: sends)
                        }
                        try await pause(retry.delay(afterAttempt: attempt, retryAfter: nil), until: deadline)
                        continue
                    }
                }
                if !current.isRetrySafe {
                    throw ConnectWiseError.writeOutcomeUnknown(
                        method: current.method.rawValue, path: current.pathText, reason: "the server answered \(status)\(message.isEmpty ? "" : ": \(message)")")
                }
                throw ConnectWiseError.server(status: status, method: current.method.rawValue, path: current.pathText, message: message)
            default:
                throw ConnectWiseError.server(status: status, method: current.method.rawValue, path: current.pathText, message: message)
            }
        }
    }

    /// A GET's JSON body.
    public func get(_ path: String, query: [(name: String, value: String)] = []) async throws -> JSON {
        try await send(Request(.get, path, query: query)).body
    }

    /// The number of records of a collection that match.
    public func count(_ path: String, filters: [QueryItem] = []) async throws -> Int {
        let body = try await send(Request(.get, RequestPath(path + "/count"), query: filters)).body
        guard let count = body["count"]?.intValue else {
            throw ConnectWiseError.invalidResponse(path: path + "/count", reason: "no count in the answer")
        }
        return count
    }

    // MARK: - Helpers

    /// One HTTP exchange, traced; transport failures become ``ConnectWiseError``.
    func transport(
        _ method: String, url: String, body: JSON?, attempt: Int, authorized: Bool, extra: [(name: String, value: String)] = [],
        timeout limit: Double? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, body: ByteBuffer, seconds: Double) {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Accept", value: "application/vnd.connectwise.com+json; version=\(credentials.apiVersion)")
        request.headers.add(name: "clientId", value: credentials.clientId)
        request.headers.add(name: "User-Agent", value: "cwql")
        if authorized {
            request.headers.add(name: "Authorization", value: credentials.authorization)
            request.headers.add(name: "x-cwql-attempt", value: String(attempt))
        }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: JSONWriter.bytes(body)))
        }
        let started = Date()
        sent.add(1, ordering: .relaxed)
        do {
            let allowed = max(0.001, min(limit ?? timeout, timeout))
            let response = try await http.execute(request, timeout: .milliseconds(Int64(allowed * 1000)))
            let bytes = try await response.body.collect(upTo: 256 * 1024 * 1024)
            let seconds = Date().timeIntervalSince(started)
            emitTrace(method, url, status: "\(response.status.code)", seconds: seconds, attempt: attempt)
            return (Int(response.status.code), response.headers, bytes, seconds)
        } catch {
            let seconds = Date().timeIntervalSince(started)
            let mapped = map(error, method: method, url: url)
            emitTrace(method, url, status: "failed (\(mapped.shortReason))", seconds: seconds, attempt: attempt)
            throw mapped
        }
    }

    private func emitTrace(_ method: String, _ url: String, status: String, seconds: Double, attempt: Int) {
        guard let trace else { return }
        let retryNote = attempt > 1 ? " (retry \(attempt - 1))" : ""
        trace.write(credentials.redact("\(method) \(url) → \(status) in \(Int(seconds * 1000)) ms\(retryNote)"))
    }

    private func map(_ error: any Error, method: String, url: String) -> ConnectWiseError {
        if error is CancellationError { return .cancelled }
        let host = URL(string: url)?.host ?? url
        let path = URL(string: url)?.path ?? url
        let text = String(describing: error)
        if let parser = error as? HTTPParserError, parser == .headerOverflow { return .oversizedHeaders(method: method, path: path) }
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout || client == .connectTimeout {
                return .timeout(method: method, path: path, seconds: timeout)
            }
            if client == .remoteConnectionClosed || client == .cancelled {
                return .connection(host: host, reason: "the connection closed before an answer came")
            }
        }
        let lowered = text.lowercased()
        if lowered.contains("dns") || lowered.contains("name or service not known") || lowered.contains("nodename") {
            return .unknownHost(host)
        }
        if lowered.contains("refused") { return .connection(host: host, reason: "connection refused") }
        if lowered.contains("timeout") || lowered.contains("timed out") { return .timeout(method: method, path: path, seconds: timeout) }
        return .connection(host: host, reason: credentials.redact(text))
    }

    /// Waits before a retry, never past the request's deadline (the loop then reports the timeout).
    private func pause(_ seconds: Double, until deadline: Date? = nil) async throws {
        let bounded = deadline.map { min(seconds, max(0, $0.timeIntervalSinceNow)) } ?? seconds
        try await Task.sleep(nanoseconds: UInt64(max(0, bounded) * 1_000_000_000))
    }

    private func isHTML(_ headers: HTTPHeaders) -> Bool {
        headers.first(name: "Content-Type")?.lowercased().contains("text/html") == true
    }

    private func errorMessage(_ body: ByteBuffer) -> String {
        let bytes = Array(buffer: body)
        if let json = try? JSONParser.parse(bytes), let message = json["message"]?.stringValue {
            if let code = json["code"]?.stringValue, code == "ApiFindCondition" { return "\(message) (ApiFindCondition)" }
            return credentials.redact(message)
        }
        return credentials.redact(String(decoding: bytes.prefix(300), as: UTF8.self))
    }

    /// After a 404, asks `/login/companyinfo` whether the codebase moved (an upgrade); at most
    /// once every 30 seconds.
    private func codebaseMoved() async throws -> Bool {
        let now = Date()
        let due = lastRediscovery.withLock { last -> Bool in
            if let last, now.timeIntervalSince(last) < 30 { return false }
            last = now
            return true
        }
        guard due, let before = root.withLock({ $0 }) else { return false }
        let after = try await apiRoot(refresh: true)
        return after != before
    }

    /// The module a 403 message names, if any.
    static func module(in message: String) -> String? {
        SecurityModules.all.first { message.contains($0) }
    }

    /// The longest path and query cwql sends in a URL where a `POST …/search` can take the
    /// conditions instead (IIS, in front of ConnectWise, refuses query strings past 2,048 bytes
    /// by default).
    public static let longestURL = 2000

    /// The request as the client sends it: a GET whose URL is longer than ``longestURL`` goes
    /// by `POST …/search` where ConnectWise has one (what `translate` shows, too).
    public static func asSent(_ request: Request) -> Request {
        guard request.method == .get, request.pathAndQuery().utf8.count > longestURL, let search = searchRequest(for: request) else {
            return request
        }
        return search
    }

    /// The same query as `POST path/search` (conditions, order and fields in the body), where
    /// ConnectWise's spec has one (tickets and project tickets); nil elsewhere.
    static func searchRequest(for request: Request) -> Request? {
        let path = request.pathText + "/search"
        guard APIFacts.published.endpoints.contains(where: { $0.path == path && $0.methods.contains(.post) }) else { return nil }
        var body = JSONObject()
        var query: [QueryItem] = []
        for item in request.query {
            switch item.name {
            case "conditions", "customFieldConditions", "childConditions", "orderBy", "fields":
                body[item.name] = .string(item.value.rendered())
            default:
                query.append(item)
            }
        }
        return Request(.post, RequestPath(path), query: query, headers: request.headers, body: .object(body))
    }
}

extension ConnectWiseError {
    var shortReason: String {
        switch self {
        case .timeout: return "timeout"
        case .unknownHost: return "unknown host"
        case .connection(_, let reason): return reason
        case .cancelled: return "cancelled"
        default: return "error"
        }
    }
}

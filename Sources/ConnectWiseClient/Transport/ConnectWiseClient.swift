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
    let transport: any HTTPTransport
    /// The pace of every request of this client (`--rate`), slowed by 429s.
    public let pacer: RequestPacer
    /// ConnectWise's time, from its answers' `Date` headers.
    public let serverClock = ServerClock()
    private let member = Mutex<String?>(nil)

    /// The API member this client writes as, once an answer to a POST has said
    /// (`_info/enteredBy`): a lost write is only the record that member made.
    public var apiMember: String? { member.withLock { $0 } }
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
    ///   - transport: how requests reach the server (the network, or a simulator in the same process).
    ///   - pacer: the requests a minute this client sends at most (one bucket for all its walks).
    public init(
        credentials: Credentials,
        concurrency: Int = 8,
        prefetch: Int = 0,
        timeout: Double = 60,
        retry: RetryPolicy = RetryPolicy(),
        trace: TraceSink? = nil,
        rootCache: APIRootCache? = nil,
        transport: any HTTPTransport = NetworkTransport(),
        pacer: RequestPacer = RequestPacer()
    ) {
        self.pacer = pacer
        self.credentials = credentials
        self.rootCache = rootCache
        self.concurrency = max(1, concurrency)
        self.prefetch = min(max(0, prefetch), max(1, concurrency) - 1)
        self.limiter = RequestLimiter(limit: concurrency)
        self.retry = retry
        self.timeout = timeout
        self.trace = trace
        self.transport = transport
    }

    // MARK: - Discovery

    /// `GET /login/companyinfo/{company}`: the site's name, codebase and version.
    public func companyInfo() async throws -> JSON {
        let url = credentials.site.absoluteString + "/login/companyinfo/" + PercentEncoding.encode(credentials.company)
        let site = credentials.site.absoluteString
        let answer: HTTPAnswer
        do {
            answer = try await exchange("GET", url: url, body: nil, attempt: 1, authorized: false)
        } catch {
            switch error {
            case .timeout:
                throw ConnectWiseError.siteUnreachable(
                    site: site,
                    reason: "no answer within \(ConnectWiseError.seconds(timeout)) s"
                )
            case .unknownHost: throw ConnectWiseError.unknownHost(credentials.site.host ?? site)
            case .cancelled: throw ConnectWiseError.cancelled
            case .connectionRefused: throw ConnectWiseError.siteUnreachable(site: site, reason: "connection refused")
            case .connectionClosed, .oversizedHeaders, .other:
                throw ConnectWiseError.siteUnreachable(site: site, reason: credentials.redact(error.shortReason))
            }
        }
        let status = answer.status
        if isHTML(answer) { throw ConnectWiseError.notAnAPI(site: site) }
        let json = try? JSONParser.parse(answer.body)
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
                    let chosen = kept ?? remembered
                    kept = chosen
                    return chosen
                }
            }
        }
        let fetched = try await companyInfo()
        info.withLock { $0 = fetched }
        // companyInfo() has checked that the codebase is there and not empty.
        var codebase = fetched["Codebase"]?.stringValue ?? ""
        if !codebase.hasSuffix("/") { codebase += "/" }
        let discovered = site + "/" + codebase + "apis/3.0"
        root.withLock { $0 = discovered }
        rootCache?.store(discovered, site: site, company: credentials.company)
        return discovered
    }

    /// What `/login/companyinfo` said when the API root was last discovered.
    public var discoveredCompanyInfo: JSON? { info.withLock { $0 } }

    // MARK: - Requests

    /// Sends a request, retrying what is safe to retry: a small loop that performs the steps
    /// of a ``RetryMachine``.
    ///
    /// - Parameter reconcile: for a write whose outcome is unknown (its answer lost, a 5xx, a
    ///   redirect), looks for the record it would have made; found, it is returned instead of
    ///   sending again.
    @discardableResult
    public func send(
        _ request: Request,
        reconcile: (@Sendable () async throws -> JSON?)? = nil
    ) async throws -> APIResponse {
        try await send(request, reconcile: reconcile, buildingBody: true)
    }

    /// Sends a read of one page of records: its body is kept as the parsed ``JSONDocument``
    /// (`document`) and not built, so that records are built one at a time as they are
    /// consumed, or never (the columns a `select` prints are read from the document).
    func sendForPage(_ request: Request) async throws -> APIResponse {
        try await send(request, reconcile: nil, buildingBody: false)
    }

    private func send(
        _ request: Request,
        reconcile: (@Sendable () async throws -> JSON?)?,
        buildingBody: Bool
    ) async throws -> APIResponse {
        // A long query goes in a search body where ConnectWise has one, before anything is sent:
        // servers refuse long URLs (414), and a long URL also comes back in every Link header.
        var machine = RetryMachine(
            request: ConnectWiseClient.asSent(request),
            policy: retry,
            canReconcile: reconcile != nil,
            context: .init(
                company: credentials.company,
                site: credentials.site.absoluteString,
                host: credentials.site.host ?? "",
                timeout: timeout
            )
        )
        // `timeout` bounds the whole request, its retries and waits included.
        let deadline = Date().addingTimeInterval(timeout)
        var step = machine.start()
        var answer: HTTPAnswer?
        var reconciled: JSON?
        while true {
            switch step {
            case .send:
                try Task.checkCancellation()
                // The client's pace first (its waits count against the request's deadline).
                try await pacer.admit()
                let current = machine.request
                let remaining = deadline.timeIntervalSinceNow
                guard remaining > 0 else {
                    step = machine.next(after: .deadlinePassed)
                    continue
                }
                let url = try await apiRoot() + current.pathAndQuery()
                do {
                    let sends = machine.sends
                    let sent = try await limiter.withSlot { [self] in
                        try await exchange(
                            current.method.rawValue,
                            url: url,
                            body: current.body,
                            attempt: sends,
                            authorized: true,
                            extra: current.headers,
                            timeout: remaining
                        )
                    }
                    answer = sent
                    if sent.status == 429 { pacer.throttled(retryAfter: sent.header("Retry-After")) }
                    step = machine.next(after: .answered(summary(of: sent)))
                } catch let failure as TransportFailure {
                    if failure == .cancelled { throw ConnectWiseError.cancelled }
                    step = machine.next(after: .transportFailed(failure))
                }
            case .wait(let backoff):
                let seconds: Double
                switch backoff {
                case .afterFailure(let failures): seconds = retry.delay(afterAttempt: failures, retryAfter: nil)
                case .rateLimited(let waits, let retryAfter):
                    seconds = retry.delay(afterAttempt: waits, retryAfter: retryAfter)
                }
                try await pause(seconds, until: deadline)
                step = machine.waited()
            case .rediscover:
                step = machine.next(after: .rediscovered(moved: try await codebaseMoved()))
            case .reconcile:
                do {
                    reconciled = try await reconcile?()
                    step = machine.next(after: .reconciled(found: reconciled != nil))
                } catch is CancellationError {
                    throw ConnectWiseError.cancelled
                } catch {
                    step = machine.next(after: .reconcileFailed(String(describing: error)))
                }
            case .succeed:
                guard let answer else {
                    throw ConnectWiseError.invalidResponse(path: machine.request.pathText, reason: "no answer")
                }
                let result = try response(
                    answer,
                    path: machine.request.pathText,
                    sends: machine.sends,
                    buildingBody: buildingBody
                )
                if machine.request.method == .post, !machine.request.isRetrySafe,
                    let enteredBy = result.body.value(atPath: "_info/enteredBy")?.stringValue
                {
                    member.withLock { $0 = enteredBy }
                }
                return result
            case .succeedAsDeleted:
                return APIResponse(status: 204, headers: answer?.headers ?? [], body: .null, attempts: machine.sends)
            case .succeedWithReconciled:
                return APIResponse(status: 200, headers: [], body: reconciled ?? .null, attempts: machine.sends)
            case .fail(let error):
                throw error
            }
        }
    }

    /// What the retry machine needs to know of an answer.
    private func summary(of answer: HTTPAnswer) -> RetryMachine.Answer {
        let success = (200..<300).contains(answer.status)
        return RetryMachine.Answer(
            status: answer.status,
            retryAfter: answer.header("Retry-After"),
            location: answer.header("Location"),
            message: success ? "" : errorMessage(answer.body),
            isHTML: isHTML(answer)
        )
    }

    /// A 2xx answer with its body parsed, and built unless only the document is wanted.
    private func response(_ answer: HTTPAnswer, path: String, sends: Int, buildingBody: Bool) throws -> APIResponse {
        var document: JSONDocument?
        if !answer.body.isEmpty {
            do {
                document = try JSONDocument(parsing: answer.body)
            } catch {
                throw ConnectWiseError.invalidResponse(path: path, reason: "\(error)")
            }
        }
        return APIResponse(
            status: answer.status,
            headers: answer.headers,
            body: buildingBody ? document?.value() ?? .null : .null,
            attempts: sends,
            bodyBytes: answer.body.count,
            document: buildingBody ? nil : document
        )
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

    /// One HTTP exchange with cwql's headers, counted and traced.
    func exchange(
        _ method: String,
        url: String,
        body: JSON?,
        attempt: Int,
        authorized: Bool,
        extra: [(name: String, value: String)] = [],
        timeout limit: Double? = nil
    ) async throws(TransportFailure) -> HTTPAnswer {
        var headers: [(name: String, value: String)] = [
            ("Accept", "application/vnd.connectwise.com+json; version=\(credentials.apiVersion)"),
            ("clientId", credentials.clientId),
            ("User-Agent", "cwql"),
        ]
        if authorized {
            headers.append(("Authorization", credentials.authorization))
            headers.append(("x-cwql-attempt", String(attempt)))
        }
        headers += extra
        var bytes: [UInt8]?
        if let body {
            headers.append(("Content-Type", "application/json"))
            bytes = JSONWriter.bytes(body)
        }
        let started = Date()
        sent.add(1, ordering: .relaxed)
        do {
            let answer = try await transport.send(
                HTTPExchange(method: method, url: url, headers: headers, body: bytes),
                timeout: max(0.001, min(limit ?? timeout, timeout))
            )
            serverClock.observe(dateHeader: answer.header("Date"), received: Date())
            emitTrace(
                method,
                url,
                status: "\(answer.status)",
                seconds: Date().timeIntervalSince(started),
                attempt: attempt
            )
            return answer
        } catch {
            emitTrace(
                method,
                url,
                status: "failed (\(error.shortReason))",
                seconds: Date().timeIntervalSince(started),
                attempt: attempt
            )
            throw error
        }
    }

    private func emitTrace(_ method: String, _ url: String, status: String, seconds: Double, attempt: Int) {
        guard let trace else { return }
        let retryNote = attempt > 1 ? " (retry \(attempt - 1))" : ""
        trace.write(credentials.redact("\(method) \(url) → \(status) in \(Int(seconds * 1000)) ms\(retryNote)"))
    }

    /// Waits before a retry, never past the request's deadline (the loop then reports the timeout).
    private func pause(_ seconds: Double, until deadline: Date? = nil) async throws {
        let bounded = deadline.map { min(seconds, max(0, $0.timeIntervalSinceNow)) } ?? seconds
        try await Task.sleep(nanoseconds: UInt64(max(0, bounded) * 1_000_000_000))
    }

    private func isHTML(_ answer: HTTPAnswer) -> Bool {
        answer.header("Content-Type")?.lowercased().contains("text/html") == true
    }

    private func errorMessage(_ bytes: [UInt8]) -> String {
        if let json = try? JSONParser.parse(bytes), let message = json["message"]?.stringValue {
            if let code = json["code"]?.stringValue, code == "ApiFindCondition" {
                return "\(message) (ApiFindCondition)"
            }
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
        guard request.method == .get, request.pathAndQuery().utf8.count > longestURL,
            let search = searchRequest(for: request)
        else {
            return request
        }
        return search
    }

    /// The same query as `POST path/search` (conditions, order and fields in the body), where
    /// ConnectWise's spec has one (tickets and project tickets); nil elsewhere.
    static func searchRequest(for request: Request) -> Request? {
        let path = request.pathText + "/search"
        guard APIFacts.published.endpoints.contains(where: { $0.path == path && $0.methods.contains(.post) }) else {
            return nil
        }
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

extension TransportFailure {
    /// A few words for the trace.
    var shortReason: String {
        switch self {
        case .timeout: return "timeout"
        case .unknownHost: return "unknown host"
        case .connectionClosed: return "the connection closed before an answer came"
        case .connectionRefused: return "connection refused"
        case .oversizedHeaders: return "headers too large"
        case .cancelled: return "cancelled"
        case .other(let reason): return reason
        }
    }
}

import ConnectWiseRequests

/// The decisions of one request's life, with no I/O: ``ConnectWiseClient/send(_:reconcile:)``
/// is a small loop that performs each ``Step`` and feeds back what happened.
///
/// ```
///            ┌────────── wait ◀──────────┐
///            ▼                           │ 5xx / lost (a safe request), 429
///  start ─▶ send ─▶ answer ─▶ 2xx ─▶ succeed
///            ▲        │ 404 ─▶ rediscover ─▶ (moved) send again
///            │        │ 414 ─▶ send as POST …/search
///            │        └ write lost, redirected or 5xx ─▶ reconcile ─▶ found: succeed
///            └──────────────────────────────────────────  not found: wait, send again
/// ```
///
/// A failure spends the failure budget (``RetryPolicy/maximumAttempts``); a 429 spends its own
/// (``RetryPolicy/maximumRateLimitWaits``); a rediscovery or a rewrite as a search spends none.
/// A write is never sent twice unless reconciling it proved that the first did nothing.
public struct RetryMachine: Sendable {
    /// What the client does next.
    public enum Step: Sendable, Equatable {
        /// Send ``request`` (the first time, or again).
        case send
        /// Wait, then send the current request again.
        case wait(Backoff)
        /// Ask `/login/companyinfo` whether the codebase moved; report ``Event/rediscovered(moved:)``.
        case rediscover
        /// Look for the record the write would have made; report ``Event/reconciled(found:)``
        /// or ``Event/reconcileFailed(_:)``.
        case reconcile
        /// The answer is the result.
        case succeed
        /// A lost DELETE that was retried finds the record gone: it was deleted.
        case succeedAsDeleted
        /// Reconciling found the record: it is the result.
        case succeedWithReconciled
        case fail(ConnectWiseError)
    }

    /// How long a wait is, for the client to turn into seconds (``RetryPolicy/delay(afterAttempt:retryAfter:)``).
    public enum Backoff: Sendable, Equatable {
        /// Exponential backoff after the n-th failure.
        case afterFailure(Int)
        /// The n-th 429, with the server's `Retry-After` if it sent one.
        case rateLimited(Int, retryAfter: String?)
    }

    /// What happened after a step.
    public enum Event: Sendable, Equatable {
        case answered(Answer)
        case transportFailed(TransportFailure)
        case rediscovered(moved: Bool)
        case reconciled(found: Bool)
        /// Reconciling itself failed: the outcome of the write cannot be known.
        case reconcileFailed(String)
        /// The request's deadline passed before it could be sent again.
        case deadlinePassed
    }

    /// The parts of an answer the machine decides on.
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var retryAfter: String?
        public var location: String?
        /// The error message of the body, already free of secrets ("" when none).
        public var message: String
        public var isHTML: Bool

        public init(
            status: Int,
            retryAfter: String? = nil,
            location: String? = nil,
            message: String = "",
            isHTML: Bool = false
        ) {
            self.status = status
            self.retryAfter = retryAfter
            self.location = location
            self.message = message
            self.isHTML = isHTML
        }
    }

    /// What the messages name besides the request: the company, the site, the host and the
    /// time allowed.
    public struct Context: Sendable, Equatable {
        public var company: String
        public var site: String
        public var host: String
        public var timeout: Double

        public init(company: String, site: String, host: String, timeout: Double) {
            self.company = company
            self.site = site
            self.host = host
            self.timeout = timeout
        }
    }

    public let policy: RetryPolicy
    /// The request as it is sent now (a long GET becomes a search).
    public private(set) var request: Request
    /// Failures so far (the attempt budget).
    public private(set) var failures = 0
    /// 429s waited out so far.
    public private(set) var rateLimitWaits = 0
    /// Sends so far.
    public private(set) var sends = 0
    private var rediscovered = false
    private let canReconcile: Bool
    /// True after a redirect of a write: reconciling decides, sending again would be redirected again.
    private var redirected = false
    /// True once the current request failed in a way that leaves a write's outcome unknown.
    private var unknownOutcome: String?

    public let context: Context

    public init(request: Request, policy: RetryPolicy, canReconcile: Bool, context: Context) {
        self.request = request
        self.policy = policy
        self.canReconcile = canReconcile
        self.context = context
    }

    private var method: String { request.method.rawValue }
    private var path: String { request.pathText }

    private func unknown(_ reason: String) -> Step {
        .fail(.writeOutcomeUnknown(method: method, path: path, reason: reason))
    }

    /// The error for a transport failure of a request that will not be sent again.
    private func error(for failure: TransportFailure) -> ConnectWiseError {
        switch failure {
        case .timeout: return .timeout(method: method, path: path, seconds: context.timeout)
        case .connectionClosed:
            return .connection(host: context.host, reason: "the connection closed before an answer came")
        case .connectionRefused: return .connection(host: context.host, reason: "connection refused")
        case .unknownHost: return .unknownHost(context.host)
        case .oversizedHeaders: return .oversizedHeaders(method: method, path: path)
        case .cancelled: return .cancelled
        case .other(let reason): return .connection(host: context.host, reason: reason)
        }
    }

    /// The first step.
    public mutating func start() -> Step {
        sends = 1
        return .send
    }

    /// The step after `event`.
    public mutating func next(after event: Event) -> Step {
        switch event {
        case .answered(let answer): return answered(answer)
        case .transportFailed(let failure): return transportFailed(failure)
        case .rediscovered(let moved):
            if moved { return resend() }
            // A DELETE sent again after a lost answer finds the record gone: the first one deleted it.
            if request.method == .delete, failures > 0 { return .succeedAsDeleted }
            return .fail(.notFound(path: path, message: pendingNotFoundMessage))
        case .reconciled(let found):
            if found { return .succeedWithReconciled }
            if redirected {
                return .fail(.redirectedWrite(method: method, path: path, location: redirectLocation))
            }
            if failures < policy.maximumAttempts { return .wait(.afterFailure(failures)) }
            return unknown(unknownOutcome ?? "no answer")
        case .reconcileFailed(let reason):
            return unknown("\(unknownOutcome ?? "no answer"), and looking for the record failed: \(reason)")
        case .deadlinePassed:
            if !request.isRetrySafe, sends > 1 || unknownOutcome != nil {
                return unknown("no answer within \(ConnectWiseError.seconds(context.timeout)) s")
            }
            return .fail(.timeout(method: method, path: path, seconds: context.timeout))
        }
    }

    /// The step after a wait: the same request again.
    public mutating func waited() -> Step { resend() }

    private var pendingNotFoundMessage = ""
    private var redirectLocation = "?"

    private mutating func resend() -> Step {
        sends += 1
        return .send
    }

    private mutating func answered(_ answer: Answer) -> Step {
        let status = answer.status
        if (200..<300).contains(status) {
            return answer.isHTML ? .fail(.notAnAPI(site: context.site)) : .succeed
        }
        switch status {
        case 300..<400:
            let location = answer.location ?? "?"
            guard request.method != .get else {
                return .fail(.invalidResponse(path: path, reason: "redirected to \(location); check the site URL"))
            }
            // ConnectWise may apply a write and then redirect: its outcome is unknown until reconciled.
            redirectLocation = location
            if canReconcile {
                redirected = true
                unknownOutcome = "redirected to \(location)"
                return .reconcile
            }
            return unknown("redirected to \(location); cwql does not follow redirects on writes")
        case 401:
            return .fail(.unauthorized(company: context.company))
        case 403:
            return .fail(
                .forbidden(
                    method: method,
                    path: path,
                    module: ConnectWiseClient.module(in: answer.message),
                    message: answer.message
                )
            )
        case 400:
            return .fail(badRequest(answer.message))
        case 404:
            if !rediscovered {
                rediscovered = true
                pendingNotFoundMessage = answer.message
                return .rediscover
            }
            if request.method == .delete, failures > 0 { return .succeedAsDeleted }
            return .fail(.notFound(path: path, message: answer.message))
        case 414:
            if request.method == .get, let search = ConnectWiseClient.searchRequest(for: request) {
                request = search
                return resend()
            }
            return .fail(.urlTooLong(method: method, path: path, length: request.pathAndQuery().utf8.count))
        case 429:
            // Nothing was done: wait as told, on the rate-limit budget, not the failure one.
            guard rateLimitWaits < policy.maximumRateLimitWaits else {
                return .fail(.rateLimited(retries: rateLimitWaits))
            }
            rateLimitWaits += 1
            return .wait(.rateLimited(rateLimitWaits, retryAfter: answer.retryAfter))
        case 500...:
            failures += 1
            let reason = "the server answered \(status)\(answer.message.isEmpty ? "" : ": \(answer.message)")"
            if request.isRetrySafe {
                if failures < policy.maximumAttempts { return .wait(.afterFailure(failures)) }
                return .fail(.server(status: status, method: method, path: path, message: answer.message))
            }
            unknownOutcome = reason
            if canReconcile, failures < policy.maximumAttempts { return .reconcile }
            return unknown(reason)
        default:
            return .fail(.server(status: status, method: method, path: path, message: answer.message))
        }
    }

    /// A 400, by what its message says.
    private func badRequest(_ message: String) -> ConnectWiseError {
        let lowered = message.lowercased()
        if lowered.contains("clientid") { return .clientId(message: message) }
        if let conditions = request.parameter("conditions"),
            lowered.contains("condition") || message.contains("ApiFindCondition")
        {
            return .badConditions(message: message, conditions: conditions)
        }
        // A bare 400 to a very long URL is the web server refusing its length.
        let length = request.pathAndQuery().utf8.count
        if message.isEmpty, length > ConnectWiseClient.longestURL {
            return .urlTooLong(method: method, path: path, length: length)
        }
        return .badRequest(method: method, path: path, message: message)
    }

    private mutating func transportFailed(_ failure: TransportFailure) -> Step {
        switch failure {
        case .timeout, .connectionClosed:
            failures += 1
            if request.isRetrySafe {
                if failures < policy.maximumAttempts { return .wait(.afterFailure(failures)) }
                return .fail(error(for: failure))
            }
            unknownOutcome = failure == .timeout ? "no answer in time" : "the connection closed before an answer came"
            if canReconcile, failures < policy.maximumAttempts { return .reconcile }
            return unknown(unknownOutcome ?? "")
        default:
            return .fail(error(for: failure))
        }
    }
}

import ConnectWiseSpec

/// An API member: keys and the modules its security role allows.
public struct APIMember: Sendable {
    public var identifier: String
    public var publicKey: String
    public var privateKey: String
    /// The security-role modules it may read and write, named as ConnectWise names them
    /// (``SecurityModules``).
    public var allowed: Set<String>

    public init(
        identifier: String,
        publicKey: String,
        privateKey: String,
        allowed: Set<String> = Set(SecurityModules.all)
    ) {
        self.identifier = identifier
        self.publicKey = publicKey
        self.privateKey = privateKey
        self.allowed = allowed
    }
}

/// ConnectWise behaviours that break clients, each switchable so the client is tested
/// against it (see the API notes' list of what breaks existing clients).
public enum SimulatorQuirk: String, Sendable, CaseIterable {
    /// Forward-only: the last page's `Link rel="next"` repeats the current `pageId`.
    case pageIdLoop = "pageid-loop"
    /// Forward-only: `pageId` is ignored, so every page is the first one again (a proxy or an
    /// old version that drops the parameter).
    case pageIdIgnored = "pageid-ignored"
    /// No `Link` header at all: forward-only clients must stop on a short page, and numbered
    /// ones cannot learn the last page from the first.
    case missingLink = "missing-link"
    /// Every third list request answers 500 with ConnectWise's "A timeout has occured" body.
    case timeoutBody = "timeout-body"
    /// URLs longer than 2,000 characters answer 414.
    case urlLengthLimit = "url-length-limit"
    /// The codebase moves (an upgrade) after the first few API requests; the old one answers 404.
    case movedCodebase = "moved-codebase"
    /// POSTs create their record, then answer 302 towards plain http (as ConnectWise users
    /// report of `insecure redirection`: the record exists although the answer is a redirect).
    case redirectWrites = "redirect-writes"
    /// A PATCH operation inside an object (`status/id`, `owner/id`) is ignored, and the answer
    /// is 200 with the record unchanged: the "false 200" ConnectWise's guide warns of.
    case ignoreNestedPatches = "ignore-nested-patches"
    /// Every API path answers an HTML sign-in page, as the web host (not the api- host) does.
    case htmlWebHost = "html-web-host"
}

/// Everything that shapes a simulator run. The defaults are documented in `cwql sim --help`.
public struct SimulatorConfiguration: Sendable {
    /// The simulator's time (the machine's unless a test sets a manual one).
    public var clock: SimulatorClock = .system
    /// The key callbacks are signed with (served at the payload's `Metadata.key_url`).
    public var callbackSigningKey = "simulator-callback-signing-key"
    /// Seconds to wait before each retry of a callback that failed (a refused connection, a non-2xx).
    public var callbackRetryDelays: [Double] = [1, 5, 30]
    /// Seconds a callback's POST may take before it counts as failed.
    public var callbackTimeout = 5.0
    /// Failed deliveries in a row (each with its retries) after which a callback is made inactive.
    public var callbackFailuresBeforeDisabling = 5
    public var company = "demo"
    public var members: [APIMember] = [
        APIMember(identifier: "api-demo", publicKey: "demo-public", privateKey: "demo-private-key-0123456789"),
        APIMember(
            identifier: "api-limited",
            publicKey: "limited-public",
            privateKey: "limited-private-key-0123456789",
            allowed: [SecurityModules.serviceTickets]
        ),
    ]
    public var clientIds: Set<String> = ["00000000-0000-4000-8000-000000000000"]
    public var codebase = "v4_6_release/"
    /// The codebase after an upgrade, for ``SimulatorQuirk/movedCodebase``.
    public var upgradedCodebase = "v2025_1/"
    public var seed: UInt64 = 1
    public var tickets = 1000
    /// Midnight UTC that the seeded dates count back from; nil for today.
    public var referenceDay: Int64?
    public var latencyMilliseconds = 0
    /// No list request is answered until this many list requests have arrived (or ten seconds
    /// have passed): a barrier, so that a test sees the pages a client starts together arrive
    /// before the first is answered, however busy the machine is. 0 for none.
    public var listAnswersWaitForRequests = 0
    /// Fraction of requests (0…1) that fail: half with 503 before doing anything, half by
    /// dropping the connection after the work is done (a lost response).
    public var failRate = 0.0
    /// Requests a window (``rateLimitWindowSeconds``) before 429 with Retry-After; 0 for no limit.
    public var rateLimit = 0
    /// The length of the rate limit's window, in seconds; Retry-After is what is left of it.
    /// A test that must see 429s under any load uses a long window.
    public var rateLimitWindowSeconds = 1
    public var quirks: Set<SimulatorQuirk> = []
    /// Maximum URL length under ``SimulatorQuirk/urlLengthLimit``.
    public var maximumURLLength = 2000

    public init() {}

    /// The first API member, whose keys `cwql demo` uses.
    public var defaultMember: APIMember { members[0] }
    /// The registered client ID that `cwql demo` uses.
    public var defaultClientId: String { clientIds.sorted()[0] }
}

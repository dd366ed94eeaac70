/// An answer of the simulator to a request made in the same process (no socket): what a
/// client would have read, or that the connection was dropped.
public struct SimulatorReply: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The connection was closed without an answer (a lost response; the work was done).
    public var dropped: Bool
}

extension SimulatorServer {
    /// A simulator that answers in the same process only, through ``respond(method:url:headers:body:)``:
    /// seeded like a listening one, with every fault and quirk, but no port. Its ``baseURL`` is
    /// `http://simulator.invalid`, which no network client can reach.
    public static func inProcess(_ configuration: SimulatorConfiguration) async -> SimulatorServer {
        let store = await seed(configuration)
        let api = SimulatorAPI(configuration: configuration, store: store, log: RequestLog())
        return SimulatorServer(
            port: 0,
            host: "simulator.invalid",
            configuration: configuration,
            api: api,
            task: Task {}
        )
    }

    /// Answers one request as the HTTP server would, without a socket: the same handler, the
    /// same log. `url` is absolute (`http://simulator.invalid/v4_6_release/apis/3.0/…?…`).
    public func respond(
        method: String,
        url: String,
        headers: [(name: String, value: String)],
        body: [UInt8]
    ) async -> SimulatorReply {
        var rest = Substring(url)
        var origin = baseURL
        if let scheme = rest.range(of: "://") {
            let afterScheme = rest[scheme.upperBound...]
            let hostEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
            origin = String(rest[..<hostEnd])
            rest = afterScheme[hostEnd...]
        }
        let path: Substring
        let query: Substring
        if let mark = rest.firstIndex(of: "?") {
            path = rest[..<mark]
            query = rest[rest.index(after: mark)...]
        } else {
            path = rest
            query = ""
        }
        var fields: [String: String] = [:]
        for (name, value) in headers { fields[name.lowercased()] = value }
        let answer = await api.handle(
            SimulatedRequest(
                method: method,
                path: path.isEmpty ? "/" : String(path),
                rawQuery: String(query),
                headers: fields,
                body: body,
                origin: origin
            )
        )
        if answer.dropConnection { return SimulatorReply(status: 0, headers: [], body: [], dropped: true) }
        return SimulatorReply(
            status: answer.status,
            headers: answer.headers.map { (name: $0.0, value: $0.1) },
            body: answer.body,
            dropped: false
        )
    }
}

import CWJSON

/// A successful answer.
public struct APIResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    /// The parsed body, or `.null` when empty.
    public var body: JSON
    /// How many sends it took.
    public var attempts: Int
    /// The size of the body as it came, in bytes.
    public var bodyBytes: Int
    /// The parsed body not built into `body`, for a read of a page of records.
    public var document: JSONDocument?

    public init(
        status: Int,
        headers: [(name: String, value: String)],
        body: JSON,
        attempts: Int,
        bodyBytes: Int = 0,
        document: JSONDocument? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
        self.bodyBytes = bodyBytes
        self.document = document
    }

    /// The first header with this name (any case).
    public func header(_ name: String) -> String? {
        let folded = name.lowercased()
        return headers.first { $0.name.lowercased() == folded }?.value
    }

    /// The URL of `Link: <…>; rel="next"`, if any.
    public var nextLink: String? { link("next") }

    /// The URL of the `Link` header's entry with this `rel`, if any. Entries are split at the
    /// commas between them, not inside `<…>`: ConnectWise echoes the request's parameters
    /// (`fields=id,summary`) into its URLs as they were sent.
    public func link(_ relation: String) -> String? {
        guard let link = header("Link") else { return nil }
        var rest = link[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let url = rest[rest.index(after: open)..<close]
            let parameters = rest[rest.index(after: close)...].prefix { $0 != "<" }
            if parameters.contains("rel=\"\(relation)\"") { return String(url) }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    /// The page number of `rel="last"` in a numbered walk, if the server gave one.
    public var lastPage: Int? {
        guard let url = link("last"), let query = url.split(separator: "?", maxSplits: 1).last else { return nil }
        for pair in query.split(separator: "&") where pair.hasPrefix("page=") {
            return Int(pair.dropFirst(5))
        }
        return nil
    }
}

import CWJSON

/// One request to the ConnectWise API, relative to the API root.
public struct APIRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", patch = "PATCH", put = "PUT", delete = "DELETE"

        /// Methods that may be sent again after a lost response.
        var isIdempotent: Bool { self == .get || self == .put || self == .delete }
    }

    public var method: Method
    /// The path under the API root, e.g. `/service/tickets`.
    public var path: String
    /// Query parameters in order.
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: JSON?
    /// Set for writes that change nothing when repeated (a PATCH of `replace` operations).
    public var repeatable: Bool

    public init(_ method: Method, _ path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)] = [], body: JSON? = nil, repeatable: Bool = false) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.repeatable = repeatable
    }

    /// True when sending again after a lost answer cannot change anything: reads (including
    /// `POST …/search`), PUT and DELETE.
    public var isRetrySafe: Bool { method.isIdempotent || repeatable || (method == .post && path.hasSuffix("/search")) }

    /// `path?name=value&…` with every value percent-encoded (`+`, `&`, `#` included).
    public var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\($0.name)=\(APIRequest.percentEncode($0.value))" }.joined(separator: "&")
    }

    static func percentEncode(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        for byte in value.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E, 0x2F, 0x2C, 0x3A:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}

/// A successful answer.
public struct APIResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    /// The parsed body, or `.null` when empty.
    public var body: JSON
    /// How many sends it took.
    public var attempts: Int

    /// The first header with this name (any case).
    public func header(_ name: String) -> String? {
        let folded = name.lowercased()
        return headers.first { $0.name.lowercased() == folded }?.value
    }

    /// The URL of `Link: <…>; rel="next"`, if any.
    public var nextLink: String? { link("next") }

    /// The URL of the `Link` header's entry with this `rel`, if any.
    public func link(_ relation: String) -> String? {
        guard let link = header("Link") else { return nil }
        for part in link.split(separator: ",") where part.contains("rel=\"\(relation)\"") {
            guard let start = part.firstIndex(of: "<"), let end = part.firstIndex(of: ">"), start < end else { continue }
            return String(part[part.index(after: start)..<end])
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

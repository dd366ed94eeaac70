/// A request as the simulator's logic sees it, independent of the HTTP server.
struct SimulatedRequest: Sendable {
    var method: String
    /// The path, without query string.
    var path: String
    /// The raw query string (after `?`), or "".
    var rawQuery: String
    /// Header names in lower case.
    var headers: [String: String]
    var body: [UInt8]
    /// `http://host:port`, for absolute Link URLs.
    var origin: String

    /// Query parameters, percent-decoded with `+` read as a space, as ConnectWise (IIS) does.
    var parameters: [String: String] {
        var result: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = SimulatedRequest.decode(String(parts[0]))
            result[name] = parts.count > 1 ? SimulatedRequest.decode(String(parts[1])) : ""
        }
        return result
    }

    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What the simulator answers.
struct SimulatedResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Close the connection without answering (a lost response), after the work is done.
    var dropConnection = false
}

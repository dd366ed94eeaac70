/// A `/`-separated path into nested objects (`board/name`), split once so that reading it from
/// many records costs no splitting and no strings.
public struct JSONPath: Sendable, Hashable {
    /// The keys, outermost first.
    public let components: [String]

    public init(_ path: some StringProtocol) {
        components = String(path).split(separator: "/").map(String.init)
    }
}

extension JSON {
    /// The value at `path`, each key matched exactly.
    public func value(at path: JSONPath) -> JSON? {
        var current = self
        for key in path.components {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        return current
    }

    /// The value at `path`, each key matched exactly or else ignoring case (ConnectWise field
    /// names are case-insensitive).
    public func value(ignoringCaseAt path: JSONPath) -> JSON? {
        guard case .object(var object) = self else { return path.components.isEmpty ? self : nil }
        let last = path.components.count - 1
        for (index, key) in path.components.enumerated() {
            guard let next = object[ignoringCase: key] else { return nil }
            if index == last { return next }
            guard case .object(let inner) = next else { return nil }
            object = inner
        }
        return self
    }
}

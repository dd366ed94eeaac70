/// A parsed JSON document kept as it came: its bytes, and the tape the parser made of them (one
/// entry per value; see ``JSONParser``). Nothing is built until asked for: the whole value
/// (``value()``), the elements of a page one at a time (``JSONRecordReader``, which shares keys
/// across them), or single values by path; the columns a `select` prints are read straight from
/// the bytes (``JSONColumns``).
///
/// A page of 1000 records costs its bytes and an 8-byte entry per value, in two allocations,
/// however many values it has.
public final class JSONDocument: Sendable {
    let bytes: [UInt8]
    let tape: [UInt64]
    /// The entry of each element, when the document is an array.
    let elementEntries: [Int]

    /// Parses `bytes` (checking all of it).
    public init(parsing bytes: [UInt8]) throws(JSONParser.Failure) {
        let tape = try bytes.withUnsafeBufferPointer { buffer throws(JSONParser.Failure) in
            try JSONParser.tape(of: buffer)
        }
        self.bytes = bytes
        self.tape = tape
        var entries: [Int] = []
        if Tape.kind(tape[0]) == .array {
            entries.reserveCapacity(Tape.middle(tape[0]))
            tape.withUnsafeBufferPointer { tape in
                var next = 1
                for _ in 0..<Tape.middle(tape[0]) {
                    entries.append(next)
                    next = Tape.next(after: next, in: tape)
                }
            }
        }
        elementEntries = entries
    }

    /// The size of the document, in bytes.
    public var byteCount: Int { bytes.count }

    /// Whether the document is an array.
    public var isArray: Bool { Tape.kind(tape[0]) == .array }

    /// How many elements the document has when it is an array (0 otherwise).
    public var count: Int { elementEntries.count }

    /// The whole document as a value.
    public func value() -> JSON {
        var reader = TapeReader()
        return withBuffers { reader.value(at: 0, bytes: $0, tape: $1) }
    }

    /// Element `position` of an array document, built on its own (``JSONRecordReader`` builds
    /// many, sharing their keys).
    public func element(_ position: Int) -> JSON {
        var reader = TapeReader()
        return value(at: elementEntries[position], with: &reader)
    }

    /// The value at `path` in element `position` (keys matched exactly, else ignoring case, as
    /// ``JSON/value(ignoringCaseAt:)`` does), built alone.
    public func value(at path: JSONPath, inElement position: Int) -> JSON? {
        switch locate(TapeKeys(path), from: elementEntries[position]) {
        case .missing: return nil
        case .found(let entry):
            var reader = TapeReader()
            return value(at: entry, with: &reader)
        case .unreadable: return element(position).value(ignoringCaseAt: path)
        }
    }

    func value(at entry: Int, with reader: inout TapeReader) -> JSON {
        withBuffers { reader.value(at: entry, bytes: $0, tape: $1) }
    }

    func withBuffers<Result>(
        _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt64>) -> Result
    ) -> Result {
        bytes.withUnsafeBufferPointer { bytes in tape.withUnsafeBufferPointer { tape in body(bytes, tape) } }
    }

    /// Where a path leads from an entry.
    enum Location {
        case missing
        case found(Int)
        /// An object on the way has a key with escapes or bytes past ASCII, or the path has: look
        /// it up in the built value.
        case unreadable
    }

    /// The entry of the value at `path` from the entry `start`: each key matched exactly (the
    /// last of repeated keys, as a built object keeps), else the first matched ignoring ASCII case.
    func locate(_ path: TapeKeys, from start: Int) -> Location {
        withBuffers { bytes, tape in
            path.bytes.withUnsafeBufferPointer { keyBytes in
                path.ends.withUnsafeBufferPointer { ends in
                    JSONDocument.locate(keys: 0..<ends.count, keyBytes, ends, from: start, bytes: bytes, tape: tape)
                }
            }
        }
    }

    /// ``locate(_:from:)`` for the keys `keys` of a ``TapeKeys``' buffers; with `ignoringCase`
    /// false, only keys spelled exactly (as ``JSONObject``'s subscript reads them).
    static func locate(
        keys: Range<Int>,
        _ keyBytes: UnsafeBufferPointer<UInt8>,
        _ keyEnds: UnsafeBufferPointer<Int>,
        from start: Int,
        bytes: UnsafeBufferPointer<UInt8>,
        tape: UnsafeBufferPointer<UInt64>,
        ignoringCase: Bool = true
    ) -> Location {
        var current = start
        for index in keys {
            let keyStart = index == 0 ? 0 : keyEnds[index - 1]
            let key = UnsafeBufferPointer(rebasing: keyBytes[keyStart..<keyEnds[index]])
            let entry = tape[current]
            guard Tape.kind(entry) == .object else { return .missing }
            // The key spelled exactly: the last of repeated ones, as a built object keeps.
            var exact: Int?
            var next = current + 1
            for _ in 0..<Tape.middle(entry) {
                let name = tape[next]
                guard Tape.kind(name) == .plainText else { return .unreadable }
                if Tape.middle(name) == key.count,
                    ASCII.equal(
                        UnsafeBufferPointer(rebasing: bytes[Tape.low(name)..<(Tape.low(name) + key.count)]),
                        key
                    )
                {
                    exact = next + 1
                }
                next = Tape.next(after: next + 1, in: tape)
            }
            if let exact {
                current = exact
                continue
            }
            guard ignoringCase else { return .missing }
            switch folded(key, in: current, bytes: bytes, tape: tape) {
            case .found(let value): current = value
            case let other: return other
            }
        }
        return .found(current)
    }

    /// The value of the key of the object at `object` that matches `key` ignoring ASCII case,
    /// when none matches exactly: the last key spelled like the first that matches.
    private static func folded(
        _ key: UnsafeBufferPointer<UInt8>,
        in object: Int,
        bytes: UnsafeBufferPointer<UInt8>,
        tape: UnsafeBufferPointer<UInt64>
    ) -> Location {
        let entry = tape[object]
        var next = object + 1
        var folded: Int?
        for _ in 0..<Tape.middle(entry) {
            let name = tape[next]
            if Tape.middle(name) == key.count {
                let spelled = UnsafeBufferPointer(rebasing: bytes[Tape.low(name)..<(Tape.low(name) + key.count)])
                switch ASCII.equalIgnoringCase(spelled, key) {
                case true?:
                    folded = next
                case false?: break
                case nil: return .unreadable
                }
            }
            if folded != nil { break }
            next = Tape.next(after: next + 1, in: tape)
        }
        guard let folded else { return .missing }
        let spelling = tape[folded]
        let spelled = bytes[Tape.low(spelling)..<(Tape.low(spelling) + Tape.middle(spelling))]
        var last = folded + 1
        var scan = Tape.next(after: folded + 1, in: tape)
        while scan < Tape.low(entry) {
            let name = tape[scan]
            if Tape.middle(name) == spelled.count,
                bytes[Tape.low(name)..<(Tape.low(name) + Tape.middle(name))].elementsEqual(spelled)
            {
                last = scan + 1
            }
            scan = Tape.next(after: scan + 1, in: tape)
        }
        return .found(last)
    }
}

/// The keys of `/` paths as bytes, one after another: what reading a tape compares.
struct TapeKeys: Sendable {
    private(set) var bytes: [UInt8] = []
    /// Where each key ends in `bytes`.
    private(set) var ends: [Int] = []

    init() {}

    init(_ path: JSONPath) {
        append(path)
    }

    /// Adds a path's keys; returns their indices.
    @discardableResult
    mutating func append(_ path: JSONPath) -> Range<Int> {
        let first = ends.count
        for key in path.components {
            bytes.append(contentsOf: key.utf8)
            ends.append(bytes.count)
        }
        return first..<ends.count
    }
}

/// Builds the elements of an array document one at a time, the way a stream of records hands
/// them over: elements with the same keys share them, as if the page had been built whole.
public struct JSONRecordReader {
    public let document: JSONDocument
    private var reader = TapeReader()

    public init(_ document: JSONDocument) {
        self.document = document
    }

    /// Element `position`, built.
    public mutating func element(_ position: Int) -> JSON {
        document.value(at: document.elementEntries[position], with: &reader)
    }
}

/// Comparisons of ASCII spellings.
enum ASCII {
    /// Whether two spellings have the same bytes, compared 8 at a time.
    static func equal(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = left.count
        guard count == right.count else { return false }
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }
        var offset = 0
        while offset &+ 8 <= count {
            let a = UnsafeRawPointer(leftBase + offset).loadUnaligned(as: UInt64.self)
            let b = UnsafeRawPointer(rightBase + offset).loadUnaligned(as: UInt64.self)
            if a != b { return false }
            offset &+= 8
        }
        while offset < count {
            if leftBase[offset] != rightBase[offset] { return false }
            offset &+= 1
        }
        return true
    }

    /// Whether two spellings of the same length are equal ignoring ASCII letter case; nil when
    /// either has a byte past ASCII.
    static func equalIgnoringCase(_ left: some Sequence<UInt8>, _ right: some Sequence<UInt8>) -> Bool? {
        var equal = true
        for (a, b) in zip(left, right) {
            if a >= 0x80 || b >= 0x80 { return nil }
            if a != b, a | 0x20 != b | 0x20 || !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(a | 0x20) {
                equal = false
            }
        }
        return equal
    }
}

/// Builds values from a document's tape (``JSONParser``). Objects with the same keys share them
/// (``KeyTree``), which is why a reader is kept across the records of one page; each object's or
/// array's values are gathered on one stack and stored with a single allocation.
///
/// The tape was checked when it was made: reading it cannot fail.
struct TapeReader {
    private var keys = KeyTree()
    /// The values of the objects and arrays being built, innermost last.
    private let stack = ValueStack()
    private var scratch: [UInt8] = []

    /// The value whose entry is at `index`.
    mutating func value(at index: Int, bytes: UnsafeBufferPointer<UInt8>, tape: UnsafeBufferPointer<UInt64>) -> JSON {
        let entry = tape[index]
        switch Tape.kind(entry) {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .integer: return .int(Tape.integerValue(entry))
        case .number: return TapeReader.number(entry, bytes: bytes)
        case .plainText, .text: return .string(text(entry, bytes: bytes))
        case .array:
            let count = Tape.middle(entry)
            guard count > 0 else { return .array([]) }
            let base = stack.count
            var next = index + 1
            for _ in 0..<count {
                stack.push(value(at: next, bytes: bytes, tape: tape))
                next = Tape.next(after: next, in: tape)
            }
            return .array(stack.pop(from: base))
        case .object: return .object(object(at: index, bytes: bytes, tape: tape))
        }
    }

    private mutating func object(
        at index: Int,
        bytes: UnsafeBufferPointer<UInt8>,
        tape: UnsafeBufferPointer<UInt64>
    ) -> JSONObject {
        let count = Tape.middle(tape[index])
        guard count > 0 else { return JSONObject() }
        let base = stack.count
        // The node of the keys read so far while they follow the tree; nil once this object is
        // built key by key (a key with escapes or non-ASCII bytes, a node with too many keys).
        var node: Int? = KeyTree.root
        var names: [String] = []
        var next = index + 1
        for _ in 0..<count {
            let key = tape[next]
            if let current = node, Tape.kind(key) == .plainText {
                let raw = UnsafeBufferPointer(rebasing: bytes[Tape.low(key)..<(Tape.low(key) + Tape.middle(key))])
                if let child = keys.child(of: current, key: raw) {
                    node = child
                } else {
                    names = keys.names(to: current)
                    names.append(String(decoding: raw, as: UTF8.self))
                    node = nil
                }
            } else {
                if let current = node {
                    names = keys.names(to: current)
                    node = nil
                }
                names.append(text(key, bytes: bytes))
            }
            stack.push(value(at: next + 1, bytes: bytes, tape: tape))
            next = Tape.next(after: next + 1, in: tape)
        }
        let values = stack.pop(from: base)
        if let node, let shared = keys.keys(at: node) { return JSONObject(shape: shared, values: values) }
        if let node { names = keys.names(to: node) }
        var object = JSONObject()
        object.reserveCapacity(values.count)
        for (name, value) in zip(names, values) { object[name] = value }
        return object
    }

    /// The text of a text entry, its escapes decoded.
    mutating func text(_ entry: UInt64, bytes: UnsafeBufferPointer<UInt8>) -> String {
        let start = Tape.low(entry)
        let range = start..<(start + Tape.middle(entry))
        guard Tape.kind(entry) == .text, let escape = bytes[range].firstIndex(of: UInt8(ascii: "\\")) else {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<escape]))
        // Checked when the tape was made: it decodes.
        _ = try? JSONParser.decodeEscapes(bytes, from: escape, into: &scratch)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// A number kept as its text: an integer when it is one and fits, else a double.
    static func number(_ entry: UInt64, bytes: UnsafeBufferPointer<UInt8>) -> JSON {
        let start = Tape.low(entry)
        let digits = UnsafeBufferPointer(rebasing: bytes[start..<(start + Tape.middle(entry))])
        let text = String(decoding: digits, as: UTF8.self)
        let isInteger = !digits.contains {
            $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
        }
        if isInteger, let value = Int(text) { return .int(value) }
        // Any number the grammar allows reads as a double (out of range: an infinity).
        return Double(text).map(JSON.double) ?? .null
    }
}

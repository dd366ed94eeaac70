/// Writes JSON compactly, keys in their stored order.
///
/// It appends to a byte array the caller can reuse: numbers are written digit by digit, a string
/// with nothing to escape is copied in one piece, and keys shared by many objects (a page's
/// records, a projection's rows) are copied already encoded.
public enum JSONWriter {
    /// The value as UTF-8 bytes.
    public static func bytes(_ value: JSON) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    /// The value as a string.
    public static func string(_ value: JSON) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// Appends the value's encoding to `out`.
    public static func write(_ value: JSON, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .int(let number): writeInteger(number, into: &out)
        case .double(let number):
            if !number.isFinite {
                out.append(contentsOf: "null".utf8)
            } else if number == number.rounded(), abs(number) < 1e15 {
                writeInteger(Int(number), into: &out)
            } else {
                out.append(contentsOf: String(number).utf8)
            }
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object): writeObject(object, into: &out)
        }
    }

    private static func writeObject(_ object: JSONObject, into out: inout [UInt8]) {
        let keys = object.keyStorage
        let values = object.values
        out.append(UInt8(ascii: "{"))
        if let encoded = keys.encoded {
            let ends = keys.encodedEnds
            var start = 0
            for index in values.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: encoded[start..<ends[index]])
                start = ends[index]
                write(values[index], into: &out)
            }
        } else {
            for (index, key) in keys.names.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(values[index], into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends the decimal digits of `number`.
    public static func writeInteger(_ number: Int, into out: inout [UInt8]) {
        if number == Int.min {
            out.append(contentsOf: String(number).utf8)
            return
        }
        if number < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        // The digits, last first, at the end of 24 bytes on the stack.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: digits[start...])
        }
    }

    /// Appends `text` as a JSON string: quotes, backslashes and control characters escaped.
    public static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            var run = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                appendEscape(byte, into: &out)
                run = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        if copied == nil {
            for byte in text.utf8 {
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    appendEscape(byte, into: &out)
                } else {
                    out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}

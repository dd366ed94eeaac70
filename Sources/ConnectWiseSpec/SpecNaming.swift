/// How ConnectWise's names read as words: the one place that splits camel case and makes a
/// plural singular, for the language's entity names and the simulator's generated records.
public enum SpecNaming {
    /// `addressFormats` → `address_formats`, `RMADispositions` → `rma_dispositions`.
    /// ConnectWise's names are ASCII; other characters are kept as they are.
    public static func snakeCase(_ word: String) -> String {
        let bytes = Array(word.utf8)
        func isUpper(_ index: Int) -> Bool { index < bytes.count && bytes[index] >= 65 && bytes[index] <= 90 }
        func isLower(_ index: Int) -> Bool { index < bytes.count && bytes[index] >= 97 && bytes[index] <= 122 }
        func isDigit(_ index: Int) -> Bool { index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57 }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 4)
        for index in bytes.indices {
            if isUpper(index) {
                if index > 0, isLower(index - 1) || isDigit(index - 1) || (isUpper(index - 1) && isLower(index + 1)) {
                    result.append(UInt8(ascii: "_"))
                }
                result.append(bytes[index] + 32)
            } else {
                result.append(bytes[index])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The singular of a snake_case name's last word (`time_entries` → `time_entry`): `ies` →
    /// `y`, `uses`/`sses`/`xes`/`ches`/`shes` lose `es`, and an `s` not after `s`, `u` or `i` goes.
    public static func singular(_ name: String) -> String {
        let bytes = Array(name.utf8)
        let wordStart = (bytes.lastIndex(of: UInt8(ascii: "_")) ?? -1) + 1
        func endsWith(_ ending: StaticString) -> Bool {
            let count = ending.utf8CodeUnitCount
            guard bytes.count - wordStart >= count else { return false }
            return (0..<count).allSatisfy { bytes[bytes.count - count + $0] == ending.utf8Start[$0] }
        }
        if endsWith("ies"), bytes.count - wordStart > 3 {
            return String(decoding: bytes[..<(bytes.count - 3)], as: UTF8.self) + "y"
        }
        if endsWith("uses") || endsWith("sses") || endsWith("xes") || endsWith("ches") || endsWith("shes") {
            return String(decoding: bytes[..<(bytes.count - 2)], as: UTF8.self)
        }
        if endsWith("s"), !endsWith("ss"), !endsWith("us"), !endsWith("is") {
            return String(decoding: bytes[..<(bytes.count - 1)], as: UTF8.self)
        }
        return name
    }

    /// How many `{id}` holes a path has (`/service/boards/{id}/statuses/{id}/notifications`: 2).
    public static func idHoles(in path: String) -> Int {
        path.utf8.reduce(0) { count, byte in byte == UInt8(ascii: "{") ? count + 1 : count }
    }

    /// The singular a list's records are called by (`ticket 4711`, `create ticket`):
    /// `tickets` → `ticket`, and a name with no plural form takes `_record` (`info_record`).
    public static func recordSingular(_ name: String) -> String {
        let one = singular(name)
        return one == name ? name + "_record" : one
    }

    /// `WorkRole` → `work role`.
    public static func words(_ camel: String) -> String {
        snakeCase(camel).replacing("_", with: " ")
    }
}

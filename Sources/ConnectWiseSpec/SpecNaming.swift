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

    /// The singular of a snake_case name's last word (`time_entries` → `time_entry`).
    public static func singular(_ name: String) -> String {
        guard let separator = name.lastIndex(of: "_") else { return singularWord(name) }
        return name[...separator] + singularWord(String(name[name.index(after: separator)...]))
    }

    private static func singularWord(_ word: String) -> String {
        if word.hasSuffix("ies"), word.count > 3 { return word.dropLast(3) + "y" }
        for ending in ["uses", "sses", "xes", "ches", "shes"] where word.hasSuffix(ending) {
            return String(word.dropLast(2))
        }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") {
            return String(word.dropLast())
        }
        return word
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

/// How ConnectWise's names read as words: the one place that splits camel case and makes a
/// plural singular, for the language's entity names and the simulator's generated records.
public enum SpecNaming {
    /// `addressFormats` → `address_formats`, `RMADispositions` → `rma_dispositions`.
    public static func snakeCase(_ word: String) -> String {
        let characters = Array(word)
        var result = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) { result += "_" }
            }
            result += character.lowercased()
        }
        return result
    }

    /// The singular of a snake_case name's last word (`time_entries` → `time_entry`).
    public static func singular(_ name: String) -> String {
        var words = name.split(separator: "_").map(String.init)
        guard let last = words.popLast() else { return name }
        return (words + [singularWord(last)]).joined(separator: "_")
    }

    private static func singularWord(_ word: String) -> String {
        if word.hasSuffix("ies"), word.count > 3 { return word.dropLast(3) + "y" }
        for ending in ["uses", "sses", "xes", "ches", "shes"] where word.hasSuffix(ending) { return String(word.dropLast(2)) }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") { return String(word.dropLast()) }
        return word
    }

    /// `WorkRole` → `work role`.
    public static func words(_ camel: String) -> String {
        snakeCase(camel).replacing("_", with: " ")
    }
}

/// `--var name=value` assignments, typed one way for every command (`run`, `-c`, `translate`):
/// whole numbers and decimals as numbers, `true`/`false` as booleans, anything else as text.
/// Inside an `in (…)` list a text with commas is a list (`--var list=ACME,GLOBEX`).
public enum CommandLineVariables {
    /// Why an assignment was refused.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The variables by name (without `$`).
    public static func parse(_ assignments: [String]) throws(Problem) -> [String: Value] {
        var result: [String: Value] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw Problem(description: "--var takes name=value, not '\(assignment)'")
            }
            let name = assignment[..<equals].drop { $0 == "$" }
            guard let first = name.first, first.isLetter || first == "_",
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                throw Problem(description: "--var name '\(name)' is not a valid variable name")
            }
            result[String(name)] = typed(String(assignment[assignment.index(after: equals)...]))
        }
        return result
    }

    /// A value given on the command line, typed.
    public static func typed(_ text: String) -> Value {
        if let number = Int(text) { return .integer(number) }
        if text.contains("."), let number = Double(text), number.isFinite { return .decimal(number) }
        if text == "true" { return .boolean(true) }
        if text == "false" { return .boolean(false) }
        return .string(text)
    }
}

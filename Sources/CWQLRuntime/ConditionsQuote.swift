/// Quoting for conditions strings built at run time (name lookups, write reconciliation,
/// completion): `"…"` with backslashes and quotes escaped, so no value can change the conditions.
public enum ConditionsQuote {
    public static func quote(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}

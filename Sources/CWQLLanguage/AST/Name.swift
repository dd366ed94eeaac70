/// A name written in source (an identifier, a variable name without `$`), with its span.
public struct Name: Sendable, Hashable {
    public var text: String
    public var span: SourceSpan

    public init(_ text: String, span: SourceSpan) {
        self.text = text
        self.span = span
    }

    /// The name folded for case-insensitive matching.
    public var folded: String { text.lowercased() }
}

/// A field as written: a dotted path of names (`company.identifier`) or a raw ConnectWise
/// path in backquotes (`` `_info/lastUpdated` ``), which is sent as written.
public struct FieldPath: Sendable, Hashable {
    public enum Form: Sendable, Hashable {
        case dotted([Name])
        case raw(String)
    }

    public var form: Form
    public var span: SourceSpan

    public init(_ form: Form, span: SourceSpan) {
        self.form = form
        self.span = span
    }

    /// The path as the user wrote it, for messages.
    public var written: String {
        switch form {
        case .dotted(let names): return names.map(\.text).joined(separator: ".")
        case .raw(let path): return "`\(path)`"
        }
    }
}

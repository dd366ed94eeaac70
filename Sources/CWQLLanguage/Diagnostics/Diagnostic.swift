/// One problem found in cwql source, located by a span, with what was expected and hints.
public struct Diagnostic: Sendable, Error, CustomStringConvertible {
    /// The one-line statement of the problem, e.g. "unknown field `bord` on tickets".
    public var message: String
    /// The source the span points into.
    public var source: SourceFile
    /// The offending text.
    public var span: SourceSpan
    /// Further lines, each printed as `= help: …`.
    public var help: [String]
    /// True when the input simply stopped too early; the REPL then reads another line.
    public var isIncompleteInput: Bool
    /// What kind of problem it is (``Problem``, where every message is written).
    public internal(set) var problem: Problem

    /// A syntax problem, in the parser's words (every other problem is a ``Problem`` case:
    /// ``init(_:source:span:isIncompleteInput:)``).
    public init(
        _ message: String,
        source: SourceFile,
        span: SourceSpan,
        help: [String] = [],
        isIncompleteInput: Bool = false
    ) {
        self.message = message
        self.source = source
        self.span = span
        self.help = help
        self.isIncompleteInput = isIncompleteInput
        self.problem = .syntax(message, help: help)
    }

    /// Where the span starts.
    public var location: SourceLocation { source.location(of: span.start) }

    /// `file:line:column: message`, the compact form used in logs and tests.
    public var summary: String { "\(source.name):\(location): \(message)" }

    /// The full rendering with the source line and a caret.
    public var description: String { DiagnosticRenderer.render(self) }
}

/// One or more diagnostics that stopped a compilation.
public struct CompileFailure: Error, Sendable, CustomStringConvertible {
    /// Every diagnostic, in source order.
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// True when the only problem is that the input ended too early.
    public var isIncompleteInput: Bool {
        diagnostics.count == 1 && diagnostics[0].isIncompleteInput
    }

    public var description: String {
        DiagnosticRenderer.render(diagnostics)
    }
}

import CWQLLanguage
import ConnectWiseClient

/// A failure while running cwql, located in the source, with the exit status it calls for.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Exit 2: the source does not compile.
        case compile
        /// Exit 1: ConnectWise or the data said no.
        case runtime
        /// Exit 3: configuration or authentication.
        case configuration
    }

    public var kind: Kind
    public var diagnostics: [Diagnostic]

    public init(kind: Kind, diagnostics: [Diagnostic]) {
        self.kind = kind
        self.diagnostics = diagnostics
    }

    /// A problem at a span.
    init(_ problem: Problem, source: SourceFile, span: SourceSpan, kind: Kind = .runtime) {
        self.init(kind: kind, diagnostics: [Diagnostic(problem, source: source, span: span)])
    }

    /// A compile failure.
    init(_ failure: CompileFailure) {
        self.init(kind: .compile, diagnostics: failure.diagnostics)
    }

    /// A client error, placed at the statement that caused it.
    init(_ error: any Error, source: SourceFile, span: SourceSpan) {
        if let error = error as? RuntimeError {
            self = error
        } else if let error = error as? Diagnostic {
            self.init(kind: .compile, diagnostics: [error])
        } else if let error = error as? ConnectWiseError {
            self.init(
                .service("\(error)"),
                source: source,
                span: span,
                kind: error.isConfigurationProblem ? .configuration : .runtime
            )
        } else if let error = error as? ConfigurationError {
            self.init(.service("\(error)"), source: source, span: span, kind: .configuration)
        } else {
            self.init(.service("\(error)"), source: source, span: span)
        }
    }

    /// True when the only problem is input that stopped too early (the REPL reads more).
    public var isIncompleteInput: Bool {
        kind == .compile && diagnostics.count == 1 && diagnostics[0].isIncompleteInput
    }

    public var description: String {
        DiagnosticRenderer.render(diagnostics)
    }
}

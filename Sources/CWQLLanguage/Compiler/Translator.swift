/// Compiles one query, without any network, into its plan: what `cwql translate` shows.
public enum Translator {
    /// Parses `text` as one query statement and plans it.
    ///
    /// - Parameters:
    ///   - text: the query, e.g. `tickets where board = "Help"`.
    ///   - name: what diagnostics call the source (`<query>`).
    ///   - environment: now, and the values of variables.
    /// - Throws: ``CompileFailure`` with a located diagnostic.
    public static func translate(
        _ text: String,
        name: String = "<query>",
        environment: CompileEnvironment,
        catalog: Catalog = .standard
    ) throws(CompileFailure) -> QueryPlan {
        let source = SourceFile(name: name, text: text)
        let program = try Parser.parse(source)
        guard let statement = program.statements.first else {
            throw CompileFailure([
                Diagnostic(
                    .nothingToTranslate,
                    source: source,
                    span: SourceSpan(start: 0, end: 0),
                    isIncompleteInput: true
                )
            ])
        }
        if program.statements.count > 1 {
            throw CompileFailure([
                Diagnostic(
                    .translateTakesOneQuery(statements: program.statements.count),
                    source: source,
                    span: program.statements[1].span
                )
            ])
        }
        let pipeline: Pipeline
        switch statement.kind {
        case .pipeline(let query):
            pipeline = query
        default:
            throw CompileFailure([
                Diagnostic(.translateTakesAQuery, source: source, span: statement.span)
            ])
        }
        do {
            return try QueryPlanner(catalog: catalog, source: source, environment: environment).plan(pipeline)
        } catch {
            throw CompileFailure([error])
        }
    }
}

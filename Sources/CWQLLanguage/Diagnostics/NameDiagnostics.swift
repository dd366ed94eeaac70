/// The diagnostics for a name nothing defines, written once: the static check, the planner
/// and the interpreter give the same message and help for the same mistake (under
/// `translate`, `-c`, a script or the REPL).
extension Diagnostic {
    /// `unknown entity `tikets``: a did-you-mean over the names that fit there, else the common
    /// sources and how to find the others.
    /// - Parameter singularOnly: for `create`/`upsert`, which take an entity's singular.
    public static func unknownEntity(
        _ name: Name,
        in source: SourceFile,
        catalog: Catalog,
        singularOnly: Bool = false
    ) -> Diagnostic {
        let candidates = singularOnly ? catalog.singularNames : catalog.sourceNames + catalog.singularNames
        let near = Suggestions.didYouMean(name.text, among: candidates)
        return Diagnostic(
            .unknownEntity(
                name.text,
                help: near.isEmpty
                    ? [
                        "common sources: " + CatalogOverlay.commonSources.joined(separator: ", "),
                        "`cwql schema` lists all \(catalog.sourceNames.count) (`cwql schema PATTERN` to search them)",
                    ]
                    : near
            ),
            source: source,
            span: name.span
        )
    }

    /// `unknown variable `$bord``: a did-you-mean over the variables in sight and how to define one.
    public static func unknownVariable(_ name: Name, in source: SourceFile, known: [String]) -> Diagnostic {
        Diagnostic(
            .unknownVariable(
                name.text,
                help: Suggestions.didYouMean(name.text, among: known)
                    + ["define it with `let \(name.text) = …` before this line, or pass `--var \(name.text)=…`"]
            ),
            source: source,
            span: name.span
        )
    }

    /// `unknown query `stail(…)``: the namespaced call when an imported module defines the
    /// name, else a did-you-mean over the definitions in sight.
    public static func unknownQuery(_ name: Name, in source: SourceFile, known: [String]) -> Diagnostic {
        let namespaced = known.filter { $0.hasSuffix("." + name.text) }
        return Diagnostic(
            .unknownQuery(
                name.text,
                help: namespaced.isEmpty
                    ? Suggestions.didYouMean(name.text, among: known)
                    : [
                        "an imported module's definitions are called through its namespace: "
                            + namespaced.map { "`\($0)(…)`" }.joined(separator: ", ")
                    ]
            ),
            source: source,
            span: name.span
        )
    }
}

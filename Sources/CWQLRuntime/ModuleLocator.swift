import CWQLLanguage
import Foundation

/// Finds the text of `import "name"`: a stdlib module, else a file relative to the importing
/// script (or the working directory in the REPL), `.cwql` added when missing. One place for the
/// static check and the run.
enum ModuleLocator {
    /// What identifies the module `import "name"` names from `source`: `<stdlib>/alerts`, or the
    /// file's standardized absolute path. Reads nothing.
    static func key(of name: String, from source: SourceFile) -> String {
        if StandardLibrary.module(named: name) != nil {
            return "<stdlib>/\(name.hasSuffix(".cwql") ? String(name.dropLast(5)) : name)"
        }
        var path = resolve(name, from: source)
        if !path.hasSuffix(".cwql"), !FileManager.default.fileExists(atPath: path) { path += ".cwql" }
        return (path as NSString).standardizingPath
    }

    /// A path as a script names it (an import, a `from` file): relative to the script's
    /// folder, or to the working directory for the REPL and `-c`.
    static func resolve(_ name: String, from source: SourceFile) -> String {
        let base =
            source.name.hasPrefix("<")
            ? FileManager.default.currentDirectoryPath : (source.name as NSString).deletingLastPathComponent
        return name.hasPrefix("/") ? name : (base as NSString).appendingPathComponent(name)
    }

    static func locate(_ name: String, from source: SourceFile, span: SourceSpan) -> Result<ImportedModule, Diagnostic>
    {
        let key = key(of: name, from: source)
        if let embedded = StandardLibrary.module(named: name) {
            return .success(ImportedModule(key: key, source: SourceFile(name: "\(key).cwql", text: embedded)))
        }
        let path = key
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(
                Diagnostic(
                    .importNotFound(
                        name: name,
                        path: path,
                        help: Suggestions.didYouMean(name, among: StandardLibrary.moduleNames)
                            + ["stdlib modules: " + StandardLibrary.moduleNames.joined(separator: ", ")]
                    ),
                    source: source,
                    span: span
                )
            )
        }
        if let refusal = ScriptText.refusal(of: contents, path: path) {
            return .failure(Diagnostic(.importRefused(name: name, reason: refusal), source: source, span: span))
        }
        return .success(ImportedModule(key: path, source: SourceFile(name: path, text: contents)))
    }
}

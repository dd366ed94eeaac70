import CWQLLanguage

/// Guards on text about to be run as cwql (`cwql run FILE`, `import`, `.run`): a config file
/// holds private keys, and a mistake in it would be echoed line by line in a diagnostic.
public enum ScriptText {
    /// Why the text must not be run, or nil when it may.
    public static func refusal(of text: String, path: String) -> String? {
        let holdsKey = text.split(separator: "\n").contains { line in
            let folded = line.lowercased().filter { $0 != " " && $0 != "\t" }
            return folded.hasPrefix("private_key=") || folded.hasPrefix("privatekey=")
        }
        return holdsKey
            ? "\(path) looks like a config file (it sets private_key); cwql does not run it, so its keys are never shown"
            : nil
    }
}

import CReadline

#if canImport(Glibc)
import Glibc
#endif

/// GNU readline: Emacs keys, history, and a history file written with mode 0600.
///
/// One per process: readline keeps its state in C globals.
public final class ReadlineLineReader: LineReader {
    private let historyFile: String?
    private var lastEntry: String?

    /// Opens readline, loading history from `historyFile` when given.
    public init(historyFile: String?, applicationName: String = "cwql") {
        self.historyFile = historyFile
        setlocale(LC_ALL, "")
        applicationName.withCString { name in
            cwql_rl_set_readline_name(strdup(name))
        }
        if let historyFile { read_history(historyFile) }
    }

    public func readLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    public func addHistory(_ entry: String) {
        guard !entry.isEmpty, entry != lastEntry else { return }
        lastEntry = entry
        add_history(entry)
    }

    /// Writes the history file (mode 0600), keeping the last `limit` entries.
    public func saveHistory(limit: Int32 = 1000) {
        guard let historyFile else { return }
        let descriptor = open(historyFile, O_WRONLY | O_CREAT, 0o600)
        if descriptor >= 0 { close(descriptor) }
        chmod(historyFile, 0o600)
        write_history(historyFile)
        history_truncate_file(historyFile, limit)
    }
}

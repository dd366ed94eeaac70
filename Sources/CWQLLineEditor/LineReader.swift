/// Where the REPL gets its lines: readline on a terminal, plain standard input otherwise,
/// or a script in tests. Keeping line editing behind this protocol keeps readline optional
/// (as Lua's standalone interpreter does).
public protocol LineReader {
    /// The next line without its newline, or nil at end of input (Ctrl-D).
    mutating func readLine(prompt: String) -> String?
    /// Records a complete statement in the history, where there is one.
    mutating func addHistory(_ entry: String)
}

/// Renders diagnostics in one place, in the rustc style:
///
/// ```
/// error: unknown field `bord` on tickets
///  --> alerts.cwql:3:15
///   |
/// 3 | tickets where bord = "Help"
///   |               ^^^^
///   = help: did you mean `board`?
/// ```
public enum DiagnosticRenderer {
    /// The multi-line rendering of one diagnostic, ending in a newline.
    public static func render(_ diagnostic: Diagnostic) -> String {
        let source = diagnostic.source
        let location = diagnostic.location
        let lineText = source.lineText(location.line).replacingTabs()
        let gutter = String(repeating: " ", count: String(location.line).count)
        let lineEnd = source.endOfLine(containing: diagnostic.span.start)
        let spanEnd = min(diagnostic.span.end, lineEnd)
        let width = max(1, source.characterCount(from: diagnostic.span.start, to: spanEnd))
        let caretPad = String(repeating: " ", count: location.column - 1)

        var out = "error: \(diagnostic.message)\n"
        out += "\(gutter)--> \(source.name):\(location)\n"
        out += "\(gutter) |\n"
        out += "\(location.line) | \(lineText)\n"
        out += "\(gutter) | \(caretPad)\(String(repeating: "^", count: width))\n"
        for line in diagnostic.help {
            out += "\(gutter) = help: \(line)\n"
        }
        return out
    }
}

extension String {
    /// Tabs become one space so that carets line up with the printed line.
    fileprivate func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}

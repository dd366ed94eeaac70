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
    /// The widest source line shown; a longer one is shown around the caret.
    static let maximumLineWidth = 160
    /// The most diagnostics printed at once; the rest are counted.
    public static let maximumShown = 20

    /// Several diagnostics, the first ``maximumShown`` of them rendered, the rest counted.
    public static func render(_ diagnostics: [Diagnostic]) -> String {
        var out = diagnostics.prefix(maximumShown).map(render).joined(separator: "\n")
        if diagnostics.count > maximumShown {
            out += "\n… and \(diagnostics.count - maximumShown) more errors\n"
        }
        return out
    }

    /// The multi-line rendering of one diagnostic, ending in a newline.
    public static func render(_ diagnostic: Diagnostic) -> String {
        let source = diagnostic.source
        let location = diagnostic.location
        var lineText = source.lineText(location.line).replacingTabs()
        let gutter = String(repeating: " ", count: String(location.line).count)
        let lineEnd = source.endOfLine(containing: diagnostic.span.start)
        let spanEnd = min(diagnostic.span.end, lineEnd)
        var width = max(1, source.characterCount(from: diagnostic.span.start, to: spanEnd))
        var column = location.column
        // A very long line is shown as a window around the caret.
        if lineText.count > maximumLineWidth {
            let start = max(0, column - 1 - maximumLineWidth / 2)
            let shown = lineText.dropFirst(start).prefix(maximumLineWidth)
            lineText = (start > 0 ? "…" : "") + shown + (start + shown.count < lineText.count ? "…" : "")
            column = column - start + (start > 0 ? 1 : 0)
            width = min(width, maximumLineWidth)
        }
        let caretPad = String(repeating: " ", count: column - 1)

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

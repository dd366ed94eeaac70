import Testing

@testable import CWQLRuntime

/// Aligned tables: every cell but the last is padded to its column's width and followed by the
/// separator, however wide the column (the padding is written in runs), and a narrowed column's
/// long cells are cut with `…`.
@Suite("Output: table rows line up")
struct TableRendererTests {
    @Test func wideColumnsArePaddedInFull() {
        let wide = String(repeating: "w", count: 150)
        let rows = [[wide, "a", "end"], ["x", "bb", "last"], ["", "", ""]]
        let text = TableRenderer.render(header: ["first", "second", "third"], rows: rows, width: nil, footer: nil)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0] == "first" + String(repeating: " ", count: 145) + " | second | third")
        #expect(
            lines[1] == String(repeating: "-", count: 150) + "-+-" + String(repeating: "-", count: 6) + "-+-"
                + String(repeating: "-", count: 5)
        )
        #expect(lines[2] == wide + " | a      | end")
        #expect(lines[3] == "x" + String(repeating: " ", count: 149) + " | bb     | last")
        // The last cell is not padded, even when empty.
        #expect(lines[4] == String(repeating: " ", count: 150) + " |        | ")
    }

    @Test func aNarrowedColumnCutsItsLongCells() {
        let rows = [[String(repeating: "n", count: 40), "ok"]]
        let layout = TableRenderer.layout(header: ["name", "x"], rows: rows, width: 20)
        #expect(layout.narrowed == [true, false])
        let line = TableRenderer.line(rows[0], layout: layout)
        #expect(line == String(repeating: "n", count: layout.widths[0] - 1) + "… | ok")
        #expect(line.count == 20)
    }
}

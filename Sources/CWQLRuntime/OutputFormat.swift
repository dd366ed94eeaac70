import CWJSON
import CWQLLanguage
import ConnectWiseClient

/// How results are printed: `--format table|json|jsonl|csv`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, jsonl, csv
}

/// When a table shows each record as a block of `field | value` lines (psql's `\x`).
public enum ExpandedMode: String, CaseIterable, Sendable {
    case off, on
    /// Expanded for a single record too wide for the terminal (`ticket 5`).
    case auto
}

/// The presentation settings of results.
public struct ResultStyle: Sendable {
    public var format: OutputFormat = .table
    /// The width tables fit, or nil to cut nothing (output that is not a terminal).
    public var width: Int?
    /// False for `--no-header`: no header row in tables and CSV.
    public var header = true
    public var expanded: ExpandedMode = .auto
    /// `--safe-csv`: a CSV field that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
    /// first) is written with a leading `'`.
    public var neutralizeFormulas = false
    /// How a table shows a missing or null value.
    public static let nullText = "(null)"

    public init() {}
}

/// Writes records as they arrive. A table sizes its columns from its first
/// ``tableLookAhead`` rows and then streams the rest at those widths, so memory stays flat
/// however many records come.
///
/// JSON, JSON lines and CSV are written as bytes into one buffer reused for every record: each
/// column's path is split once, a `select`'s labels are encoded once and shared by every row,
/// and a record is written straight from the parsed value with no copy of it. Records of a page
/// handed over as it came (``write(_:)-(RecordPage)``) are not built at all when columns are
/// selected: each column is read from the page's bytes (``JSONColumns``).
struct ResultWriter {
    /// The rows a table reads before it prints (its columns fit them).
    static let tableLookAhead = 1000
    let style: ResultStyle
    /// The columns; empty for records cwql knows no columns of (a backquoted endpoint's), which
    /// then show the first record's fields.
    private(set) var columns: [OutputColumn] = []
    /// With `select` (and for aggregates), a flat object keyed by the columns' labels.
    let projected: Bool
    let emit: (UnsafeBufferPointer<UInt8>) -> Void
    /// The columns' paths, split once.
    private var paths: [JSONPath] = []
    /// The columns, read from a page without building its records.
    private var pageColumns = JSONColumns(paths: [], labels: nil)
    /// A projection's labels, shared by every row it makes (nil when a label repeats).
    private var labels: JSONObject.SharedKeys?
    /// The bytes of the record being written.
    private var out: [UInt8] = []
    /// An integer's digits, written before they are placed in a cell.
    private var scratch: [UInt8] = []
    private var rows: [[String]] = []
    private var count = 0
    /// Set once a table has printed its head and streams the rest.
    private var tableLayout: TableRenderer.Layout?

    init(
        style: ResultStyle,
        columns: [OutputColumn],
        projected: Bool,
        emit: @escaping (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        self.style = style
        self.projected = projected
        self.emit = emit
        use(columns)
    }

    private mutating func use(_ columns: [OutputColumn]) {
        self.columns = columns
        paths = columns.map { JSONPath($0.path) }
        labels = projected ? JSONObject.SharedKeys(columns.map(\.label)) : nil
        pageColumns = JSONColumns(paths: paths, labels: labels, objectsShownBy: JSON.displayKeys)
    }

    /// A row to write: a built record, or an element of a page as it came.
    private enum Row {
        case record(JSON)
        case element(Int, of: JSONDocument)
    }

    mutating func write(_ record: JSON) {
        if count == 0, columns.isEmpty { use(ResultWriter.columns(of: record)) }
        write(.record(record))
    }

    /// Writes the records of a page: with a `select`, read from the page as it came; otherwise
    /// built one at a time.
    mutating func write(_ page: RecordPage) {
        guard projected, pageColumns.writesObjects else {
            var reader = JSONRecordReader(page.document)
            for position in page.elements { write(reader.element(position)) }
            return
        }
        var elements = page.elements
        switch style.format {
        case .jsonl:
            // A page's lines in one piece.
            out.removeAll(keepingCapacity: true)
            pageColumns.writeObjects(
                elements,
                of: page.document,
                rowStart: [],
                rowEnd: [UInt8(ascii: "\n")],
                into: &out
            )
            emitBuffer()
            count += elements.count
        case .json:
            if count == 0, let first = elements.first {
                write(.element(first, of: page.document))
                elements = elements.dropFirst()
            }
            out.removeAll(keepingCapacity: true)
            pageColumns.writeObjects(elements, of: page.document, rowStart: Array(",\n  ".utf8), rowEnd: [], into: &out)
            emitBuffer()
            count += elements.count
        case .csv:
            // An empty page writes nothing: the header comes with the first row, or at the end.
            guard !elements.isEmpty else { return }
            out.removeAll(keepingCapacity: true)
            if count == 0, style.header { CSV.appendRow(columns.map(\.label), into: &out) }
            let last = paths.count - 1
            pageColumns.forEachCell(ofElements: elements, in: page.document) { column, cell in
                if column > 0 { out.append(UInt8(ascii: ",")) }
                appendCSVField(cell)
                if column == last { out.append(UInt8(ascii: "\n")) }
            }
            emitBuffer()
            count += elements.count
        case .table:
            // The first rows size the columns; the rest are written at those widths from the page.
            while tableLayout == nil, let first = elements.first {
                write(.element(first, of: page.document))
                elements = elements.dropFirst()
            }
            guard let layout = tableLayout, !elements.isEmpty else { return }
            out.removeAll(keepingCapacity: true)
            let last = paths.count - 1
            pageColumns.forEachCell(ofElements: elements, in: page.document) { column, cell in
                appendTableCell(cell, column: column, isLast: column == last, layout: layout)
                if column == last { out.append(UInt8(ascii: "\n")) }
            }
            emitBuffer()
            count += elements.count
        }
    }

    /// Appends a cell of a page to a CSV row.
    private mutating func appendCSVField(_ cell: JSONColumns.Cell) {
        let neutralize = style.neutralizeFormulas
        switch cell {
        case .missing: break
        case .plainText(let text): CSV.appendField(text, neutralizing: neutralize, into: &out)
        case .value(.int(let number)):
            scratch.removeAll(keepingCapacity: true)
            JSONWriter.writeInteger(number, into: &scratch)
            CSV.appendField(scratch, neutralizing: neutralize, into: &out)
        case .value(let value): CSV.appendField(value.displayText.utf8, neutralizing: neutralize, into: &out)
        }
    }

    /// Appends a cell of a page to a table row laid out by `layout`.
    private mutating func appendTableCell(
        _ cell: JSONColumns.Cell,
        column: Int,
        isLast: Bool,
        layout: TableRenderer.Layout
    ) {
        switch cell {
        case .plainText(let text):
            TableRenderer.appendCell(
                text,
                isPrintableASCII: true,
                column: column,
                isLast: isLast,
                layout: layout,
                into: &out
            )
        case .value(.int(let number)):
            scratch.removeAll(keepingCapacity: true)
            JSONWriter.writeInteger(number, into: &scratch)
            scratch.withUnsafeBufferPointer { digits in
                TableRenderer.appendCell(
                    digits,
                    isPrintableASCII: true,
                    column: column,
                    isLast: isLast,
                    layout: layout,
                    into: &out
                )
            }
        case .value(let value):
            TableRenderer.appendCell(value.tableCell, column: column, isLast: isLast, layout: layout, into: &out)
        case .missing:
            TableRenderer.appendCell(ResultStyle.nullText, column: column, isLast: isLast, layout: layout, into: &out)
        }
    }

    private mutating func write(_ row: Row) {
        defer { count += 1 }
        out.removeAll(keepingCapacity: true)
        switch style.format {
        case .json:
            out.append(contentsOf: (count == 0 ? "[\n  " : ",\n  ").utf8)
            writeShaped(row)
            emitBuffer()
        case .jsonl:
            writeShaped(row)
            out.append(UInt8(ascii: "\n"))
            emitBuffer()
        case .csv:
            if count == 0, style.header { CSV.appendRow(columns.map(\.label), into: &out) }
            appendCSVFields(of: row)
            out.append(UInt8(ascii: "\n"))
            emitBuffer()
        case .table:
            let row = tableCells(of: row)
            if let layout = tableLayout {
                TableRenderer.appendLine(row, layout: layout, into: &out)
                out.append(UInt8(ascii: "\n"))
                emitBuffer()
                return
            }
            rows.append(row)
            if rows.count == ResultWriter.tableLookAhead,
                !TableRenderer.shouldExpand(header: columns.map(\.label), rows: rows, style: style)
            {
                let header = columns.map(\.label)
                let layout = TableRenderer.layout(header: header, rows: rows, width: style.width)
                emitText(
                    TableRenderer.render(header: style.header ? header : nil, rows: rows, layout: layout, footer: nil)
                )
                tableLayout = layout
                rows = []
            }
        }
    }

    private mutating func appendCSVFields(of row: Row) {
        let neutralize = style.neutralizeFormulas
        switch row {
        case .record(let record):
            for (column, path) in paths.enumerated() {
                if column > 0 { out.append(UInt8(ascii: ",")) }
                let text = record.value(ignoringCaseAt: path)?.displayText ?? ""
                CSV.appendField(text.utf8, neutralizing: neutralize, into: &out)
            }
        case .element(let position, let document):
            pageColumns.forEachCell(ofElements: position..<(position + 1), in: document) { column, cell in
                if column > 0 { out.append(UInt8(ascii: ",")) }
                appendCSVField(cell)
            }
        }
    }

    private func tableCells(of row: Row) -> [String] {
        switch row {
        case .record(let record):
            return paths.map { record.value(ignoringCaseAt: $0)?.tableCell ?? ResultStyle.nullText }
        case .element(let position, let document):
            var cells: [String] = []
            cells.reserveCapacity(paths.count)
            pageColumns.forEachCell(ofElements: position..<(position + 1), in: document) { _, cell in
                switch cell {
                case .missing: cells.append(ResultStyle.nullText)
                case .plainText(let text): cells.append(String(decoding: text, as: UTF8.self))
                case .value(let value): cells.append(value.tableCell)
                }
            }
            return cells
        }
    }

    mutating func finish() {
        switch style.format {
        case .json: emitText(count == 0 ? "[]\n" : "\n]\n")
        case .jsonl: break
        case .csv:
            if count == 0, style.header {
                out.removeAll(keepingCapacity: true)
                CSV.appendRow(columns.map(\.label), into: &out)
                emitBuffer()
            }
        case .table:
            let header = columns.map(\.label)
            if tableLayout != nil {
                if style.header { emitText("(\(count) \(count == 1 ? "row" : "rows"))\n") }
            } else if TableRenderer.shouldExpand(header: header, rows: rows, style: style) {
                emitText(TableRenderer.expanded(header: header, rows: rows))
            } else {
                let footer = style.header ? "(\(rows.count) \(rows.count == 1 ? "row" : "rows"))" : nil
                emitText(
                    TableRenderer.render(
                        header: style.header ? header : nil,
                        rows: rows,
                        width: style.width,
                        footer: footer
                    )
                )
            }
        }
    }

    private func emitBuffer() {
        out.withUnsafeBufferPointer(emit)
    }

    private func emitText(_ text: String) {
        var text = text
        text.withUTF8(emit)
    }

    /// The columns of a record cwql knows no fields of, chosen by the catalog's rule: plain
    /// values, and references by their identifier or name.
    static func columns(of record: JSON) -> [OutputColumn] {
        guard case .object(let object) = record else { return [] }
        let fields: [(name: String, column: String?)] = object.pairs.map { key, value in
            switch value {
            case .object(let inner):
                return (key, ["identifier", "name"].first { inner[$0] != nil }.map { key + "/" + $0 })
            case .array: return (key, nil)
            default: return (key, key)
            }
        }
        return DefaultColumns.choose(from: fields).map {
            OutputColumn(label: $0.split(separator: "/").first.map(String.init) ?? $0, path: $0)
        }
    }

    /// Appends the row as JSON: with `select`, a flat object keyed by the selected labels;
    /// otherwise the whole record.
    private mutating func writeShaped(_ row: Row) {
        switch row {
        case .element(let position, let document):
            pageColumns.writeObjects(position..<(position + 1), of: document, rowStart: [], rowEnd: [], into: &out)
        case .record(let record):
            guard projected else { return JSONWriter.write(record, into: &out) }
            let values = paths.map { record.value(ignoringCaseAt: $0) ?? .null }
            if let labels {
                JSONWriter.write(.object(JSONObject(keys: labels, values: values)), into: &out)
            } else {
                var object = JSONObject()
                for (column, value) in zip(columns, values) { object[column.label] = value }
                JSONWriter.write(.object(object), into: &out)
            }
        }
    }
}

/// RFC 4180 rows: a field with a comma, quote or line break is quoted, quotes doubled.
enum CSV {
    static func appendRow(_ fields: [String], into out: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendField(field.utf8, into: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// The first characters a spreadsheet runs as a formula.
    private static let formulaStarts: [UInt8] = Array("=+-@\t\r".utf8)

    /// Appends one field's UTF-8. With `neutralizing`, a field a spreadsheet would run as a
    /// formula gets a leading `'` (`=1+1` becomes `'=1+1`).
    static func appendField(_ text: some Collection<UInt8>, neutralizing: Bool = false, into out: inout [UInt8]) {
        let formula = neutralizing && text.first.map(formulaStarts.contains) == true
        let quoted = text.contains {
            $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
        }
        guard quoted else {
            if formula { out.append(UInt8(ascii: "'")) }
            return out.append(contentsOf: text)
        }
        out.append(UInt8(ascii: "\""))
        if formula { out.append(UInt8(ascii: "'")) }
        for byte in text {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSON {
    /// A table cell: the value's text, `(null)` for null.
    var tableCell: String {
        if case .null = self { return ResultStyle.nullText }
        return displayText
    }
}

/// Aligned text tables that fit a width: the widest columns give way first, cut with `…`.
enum TableRenderer {
    /// - Parameter width: the width to fit, or nil to cut nothing.
    static func render(header: [String]?, rows: [[String]], width: Int?, footer: String?) -> String {
        render(header: header, rows: rows, layout: layout(header: header, rows: rows, width: width), footer: footer)
    }

    /// Column widths, and which columns were narrowed to fit the terminal: only their cells
    /// are cut (with `…`); any other cell longer than its column (a later row of a streamed
    /// table) is printed whole.
    struct Layout {
        var widths: [Int]
        var narrowed: [Bool]
    }

    static func render(header: [String]?, rows: [[String]], layout: Layout, footer: String?) -> String {
        var out = ""
        if let header {
            out += line(header, layout: layout) + "\n"
            out += layout.widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "\n"
        }
        for row in rows { out += line(row, layout: layout) + "\n" }
        if let footer { out += footer + "\n" }
        return out
    }

    /// Widths that fit the header and rows, narrowed (widest first, to 6 at least) to fit
    /// `width` when there is one.
    static func layout(header: [String]?, rows: [[String]], width: Int?) -> Layout {
        let columnCount = header?.count ?? rows.first?.count ?? 0
        var widths = header?.map(\.count) ?? Array(repeating: 0, count: columnCount)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], singleLine(cell).count)
            }
        }
        let natural = widths
        let separators = max(0, (columnCount - 1) * 3)
        if let width {
            while widths.reduce(0, +) + separators > width,
                let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
                widths[widest] > 6
            {
                widths[widest] -= 1
            }
        }
        return Layout(widths: widths, narrowed: zip(natural, widths).map { $0 > $1 })
    }

    /// One row in the layout.
    static func line(_ cells: [String], layout: Layout) -> String {
        var out: [UInt8] = []
        appendLine(cells, layout: layout, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one row in the layout, each cell on one line (``singleLine(_:)``), padded to its
    /// column but the last, and cut with `…` in a narrowed column. A cell of printable ASCII is
    /// measured by its bytes and copied as it is; others by their characters.
    static func appendLine(_ cells: [String], layout: Layout, into out: inout [UInt8]) {
        for (index, cell) in cells.enumerated() {
            appendCell(cell, column: index, isLast: index == cells.count - 1, layout: layout, into: &out)
        }
    }

    /// ``appendCell(_:column:isLast:layout:into:)`` for a cell held as a string.
    static func appendCell(_ cell: String, column: Int, isLast: Bool, layout: Layout, into out: inout [UInt8]) {
        var cell = cell
        cell.withUTF8 { appendCell($0, column: column, isLast: isLast, layout: layout, into: &out) }
    }

    /// Appends the cell of `column` from its UTF-8; unless it is the last, padded to its
    /// column's width and followed by the separator.
    static func appendCell(
        _ cell: UnsafeBufferPointer<UInt8>,
        column: Int,
        isLast: Bool,
        layout: Layout,
        into out: inout [UInt8]
    ) {
        appendCell(
            cell,
            isPrintableASCII: cell.allSatisfy { $0 >= 0x20 && $0 < 0x7F },
            column: column,
            isLast: isLast,
            layout: layout,
            into: &out
        )
    }

    /// ``appendCell(_:column:isLast:layout:into:)`` for a cell whose caller knows whether it is
    /// all printable ASCII (a plain text of a page, an integer's digits), so it is not scanned.
    static func appendCell(
        _ cell: UnsafeBufferPointer<UInt8>,
        isPrintableASCII: Bool,
        column: Int,
        isLast: Bool,
        layout: Layout,
        into out: inout [UInt8]
    ) {
        let limit = column < layout.widths.count ? layout.widths[column] : Int.max
        let cut = column < layout.narrowed.count && layout.narrowed[column]
        let width: Int
        if isPrintableASCII {
            if cut, cell.count > limit {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: cell.prefix(max(1, limit - 1))))
                out.append(contentsOf: "…".utf8)
                width = max(1, limit - 1) + 1
            } else {
                out.append(contentsOf: cell)
                width = cell.count
            }
        } else {
            let single = singleLine(String(decoding: cell, as: UTF8.self))
            let fitted = cut && single.count > limit ? String(single.prefix(max(1, limit - 1))) + "…" : single
            out.append(contentsOf: fitted.utf8)
            width = fitted.count
        }
        if !isLast { appendGap(limit != Int.max && width < limit ? limit - width : 0, into: &out) }
    }

    /// What follows a cell but the last: spaces to its column's width, then the separator.
    private static let gap: StaticString = "                                                                 | "

    /// Appends `padding` spaces and the separator, in one piece unless the padding is long.
    private static func appendGap(_ padding: Int, into out: inout [UInt8]) {
        let spaces = gap.utf8CodeUnitCount - 3
        var left = padding
        while left > spaces {
            out.append(contentsOf: UnsafeBufferPointer(start: gap.utf8Start, count: spaces))
            left -= spaces
        }
        let tail = left + 3
        out.append(contentsOf: UnsafeBufferPointer(start: gap.utf8Start + (gap.utf8CodeUnitCount - tail), count: tail))
    }

    /// True when `style` asks for the expanded view, or (auto) for one record wider than the width.
    static func shouldExpand(header: [String], rows: [[String]], style: ResultStyle) -> Bool {
        switch style.expanded {
        case .on: return !rows.isEmpty
        case .off: return false
        case .auto:
            guard rows.count == 1, let width = style.width else { return false }
            let natural =
                zip(header, rows[0]).map { max($0.count, singleLine($1).count) }.reduce(0, +) + (header.count - 1) * 3
            return natural > width
        }
    }

    /// Each record as a block of `field | value` lines, as psql's `\x` shows them.
    static func expanded(header: [String], rows: [[String]]) -> String {
        let labelWidth = header.map(\.count).max() ?? 0
        var out = ""
        for (number, row) in rows.enumerated() {
            out += "-[ RECORD \(number + 1) ]" + String(repeating: "-", count: max(3, labelWidth + 3 - 12)) + "\n"
            for (label, cell) in zip(header, row) {
                out +=
                    label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " | " + singleLine(cell) + "\n"
            }
        }
        return out
    }

    /// A cell on one line, with control characters shown escaped (`\u{1B}`), so that data can
    /// never move the cursor, clear the screen or set the clipboard of the terminal showing it.
    static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\t", "\r": out += " "
            case _ where isControl(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

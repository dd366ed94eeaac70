import CWJSON
import CWQLLanguage

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
struct ResultWriter {
    /// The rows a table reads before it prints (its columns fit them).
    static let tableLookAhead = 1000
    let style: ResultStyle
    /// The columns; empty for records cwql knows no columns of (a backquoted endpoint's), which
    /// then show the first record's fields.
    private(set) var columns: [OutputColumn]
    /// With `select` (and for aggregates), a flat object keyed by the columns' labels.
    let projected: Bool
    let emit: (String) -> Void
    private var rows: [[String]] = []
    private var count = 0
    /// Set once a table has printed its head and streams the rest.
    private var tableLayout: TableRenderer.Layout?

    init(style: ResultStyle, columns: [OutputColumn], projected: Bool, emit: @escaping (String) -> Void) {
        self.style = style
        self.columns = columns
        self.projected = projected
        self.emit = emit
    }

    mutating func write(_ record: JSON) {
        defer { count += 1 }
        if count == 0, columns.isEmpty { columns = ResultWriter.columns(of: record) }
        switch style.format {
        case .json:
            emit((count == 0 ? "[\n  " : ",\n  ") + JSONWriter.string(shaped(record)))
        case .jsonl:
            emit(JSONWriter.string(shaped(record)) + "\n")
        case .csv:
            if count == 0, style.header { emit(CSV.row(columns.map(\.label))) }
            let fields = columns.map { record.value(atPathIgnoringCase: $0.path)?.displayText ?? "" }
            emit(CSV.row(style.neutralizeFormulas ? fields.map(CSV.neutralized) : fields))
        case .table:
            let row = columns.map { record.value(atPathIgnoringCase: $0.path)?.tableCell ?? ResultStyle.nullText }
            if let layout = tableLayout {
                emit(TableRenderer.line(row.map(TableRenderer.singleLine), layout: layout) + "\n")
                return
            }
            rows.append(row)
            if rows.count == ResultWriter.tableLookAhead,
                !TableRenderer.shouldExpand(header: columns.map(\.label), rows: rows, style: style)
            {
                let header = columns.map(\.label)
                let layout = TableRenderer.layout(header: header, rows: rows, width: style.width)
                emit(TableRenderer.render(header: style.header ? header : nil, rows: rows, layout: layout, footer: nil))
                tableLayout = layout
                rows = []
            }
        }
    }

    mutating func finish() {
        switch style.format {
        case .json: emit(count == 0 ? "[]\n" : "\n]\n")
        case .jsonl: break
        case .csv: if count == 0, style.header { emit(CSV.row(columns.map(\.label))) }
        case .table:
            let header = columns.map(\.label)
            if tableLayout != nil {
                if style.header { emit("(\(count) \(count == 1 ? "row" : "rows"))\n") }
            } else if TableRenderer.shouldExpand(header: header, rows: rows, style: style) {
                emit(TableRenderer.expanded(header: header, rows: rows))
            } else {
                let footer = style.header ? "(\(rows.count) \(rows.count == 1 ? "row" : "rows"))" : nil
                emit(
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

    /// With `select`, a flat object keyed by the selected labels; otherwise the whole record.
    private func shaped(_ record: JSON) -> JSON {
        guard projected else { return record }
        var object = JSONObject()
        for column in columns { object[column.label] = record.value(atPathIgnoringCase: column.path) ?? .null }
        return .object(object)
    }
}

/// RFC 4180 rows: a field with a comma, quote or line break is quoted, quotes doubled.
enum CSV {
    static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    /// A field a spreadsheet would not run: `=1+1` becomes `'=1+1`.
    static func neutralized(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
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
        for row in rows { out += line(row.map(singleLine), layout: layout) + "\n" }
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
        cells.enumerated().map { index, cell in
            let limit = index < layout.widths.count ? layout.widths[index] : cell.count
            let cut = index < layout.narrowed.count && layout.narrowed[index]
            let fitted = cut && cell.count > limit ? String(cell.prefix(max(1, limit - 1))) + "…" : cell
            return index == cells.count - 1
                ? fitted : fitted.padding(toLength: max(limit, fitted.count), withPad: " ", startingAt: 0)
        }.joined(separator: " | ")
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

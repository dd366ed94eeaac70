import CWJSON
import Foundation
import CWQLLanguage

/// How results are printed: `--format table|json|jsonl|csv`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, jsonl, csv
}

/// Writes records as they arrive; only a table waits for all rows (to size its columns).
struct ResultWriter {
    let format: OutputFormat
    /// Columns to show; nil prints whole records (json, jsonl).
    let columns: [OutputColumn]
    let projected: Bool
    let width: Int
    let emit: (String) -> Void
    private var rows: [[String]] = []
    private var count = 0

    init(format: OutputFormat, columns: [OutputColumn], projected: Bool, width: Int, emit: @escaping (String) -> Void) {
        self.format = format
        self.columns = columns
        self.projected = projected
        self.width = width
        self.emit = emit
    }

    mutating func write(_ record: JSON) {
        defer { count += 1 }
        switch format {
        case .json:
            emit((count == 0 ? "[\n  " : ",\n  ") + JSONWriter.string(shaped(record)))
        case .jsonl:
            emit(JSONWriter.string(shaped(record)) + "\n")
        case .csv:
            if count == 0 { emit(columns.map { csvField($0.label) }.joined(separator: ",") + "\n") }
            emit(columns.map { csvField(record.value(atPathIgnoringCase: $0.path)?.cellText ?? "") }.joined(separator: ",") + "\n")
        case .table:
            rows.append(columns.map { record.value(atPathIgnoringCase: $0.path)?.cellText ?? "" })
        }
    }

    mutating func finish() {
        switch format {
        case .json: emit(count == 0 ? "[]\n" : "\n]\n")
        case .jsonl: break
        case .csv: if count == 0 { emit(columns.map { csvField($0.label) }.joined(separator: ",") + "\n") }
        case .table: emit(TableRenderer.render(header: columns.map(\.label), rows: rows, width: width, footer: "(\(rows.count) \(rows.count == 1 ? "row" : "rows"))"))
        }
    }

    /// With `select`, a flat object keyed by the selected labels; otherwise the whole record.
    private func shaped(_ record: JSON) -> JSON {
        guard projected else { return record }
        var object = JSONObject()
        for column in columns { object[column.label] = record.value(atPathIgnoringCase: column.path) ?? .null }
        return .object(object)
    }

    private func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}

/// Aligned text tables that fit a width: the widest columns give way first, cut with `…`.
enum TableRenderer {
    static func render(header: [String], rows: [[String]], width: Int, footer: String?) -> String {
        let clean = rows.map { $0.map { $0.replacing("\n", with: " ").replacing("\t", with: " ") } }
        var widths = header.map(\.count)
        for row in clean {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        let separators = max(0, (header.count - 1) * 3)
        while widths.reduce(0, +) + separators > width, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
            widths[widest] > 6
        {
            widths[widest] -= 1
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let limit = widths[index]
                let fitted = cell.count > limit ? String(cell.prefix(max(1, limit - 1))) + "…" : cell
                return index == cells.count - 1 ? fitted : fitted.padding(toLength: limit, withPad: " ", startingAt: 0)
            }.joined(separator: " | ")
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "\n"
        for row in clean { out += line(row) + "\n" }
        if let footer { out += footer + "\n" }
        return out
    }
}


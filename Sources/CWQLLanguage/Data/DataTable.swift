import CWJSON

/// Rows read by `from`: each a record whose columns are fields, typed by what they hold
/// (whole numbers, decimals, true/false, text; an empty CSV cell is null).
public struct DataTable: Sendable {
    /// The file's path, or `stdin`.
    public var name: String
    /// The columns in the order first seen, each typed by its values.
    public var columns: [FieldSpec]
    public var rows: [JSON]

    public init(name: String, columns: [FieldSpec], rows: [JSON]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    /// Why the text is not rows: the line at fault (1-based) where one is known.
    public struct Failure: Error, Sendable, Equatable {
        public var line: Int?
        public var reason: String

        public init(line: Int?, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// Reads rows of `format` from the bytes of a file or of standard input.
    public static func parse(_ bytes: [UInt8], format: DataFormat, name: String) throws(Failure) -> DataTable {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }  // a UTF-8 byte order mark
        let rows: [JSON]
        switch format {
        case .csv: rows = try CSVRows.parse(Array(body))
        case .jsonl: rows = try jsonLines(Array(body))
        case .json: rows = try jsonArray(Array(body))
        }
        return DataTable(name: name, columns: columns(of: rows), rows: rows)
    }

    /// One JSON object a line; blank lines are skipped.
    private static func jsonLines(_ bytes: [UInt8]) throws(Failure) -> [JSON] {
        var rows: [JSON] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            var text = Array(line)
            if text.last == UInt8(ascii: "\r") { text.removeLast() }
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let value: JSON
            do {
                value = try JSONParser.parse(text)
            } catch {
                throw Failure(line: index + 1, reason: "invalid JSON: \(error.message)")
            }
            guard case .object = value else {
                throw Failure(line: index + 1, reason: "expected an object on each line, found \(kind(of: value))")
            }
            rows.append(value)
        }
        return rows
    }

    /// A JSON array of objects.
    private static func jsonArray(_ bytes: [UInt8]) throws(Failure) -> [JSON] {
        let document: JSON
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            let line = bytes.prefix(error.offset).count(where: { $0 == UInt8(ascii: "\n") }) + 1
            throw Failure(line: line, reason: "invalid JSON: \(error.message)")
        }
        guard case .array(let items) = document else {
            throw Failure(line: nil, reason: "expected an array of objects, found \(kind(of: document))")
        }
        for (index, item) in items.enumerated() {
            guard case .object = item else {
                throw Failure(line: nil, reason: "item \(index + 1) of the array is \(kind(of: item)), not an object")
            }
        }
        return items
    }

    private static func kind(of value: JSON) -> String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "text"
        case .int, .double: return "a number"
        case .bool: return "true or false"
        case .null: return "null"
        }
    }

    /// Every top-level key, first seen first, typed by its non-null values: whole numbers,
    /// numbers, booleans or text when they all agree, else a value of any kind.
    static func columns(of rows: [JSON]) -> [FieldSpec] {
        var order: [String] = []
        var types: [String: ValueType?] = [:]
        for case .object(let object) in rows {
            for (key, value) in object.pairs {
                if types[key] == nil {
                    order.append(key)
                    types[key] = .some(nil)
                }
                guard let type = valueType(of: value) else { continue }
                switch types[key] {
                case .some(nil): types[key] = type
                case .some(.some(let held)) where held != type:
                    types[key] =
                        (held == .integer && type == .decimal) || (held == .decimal && type == .integer)
                        ? .decimal : .unknown
                default: break
                }
            }
        }
        return order.map { FieldSpec($0, .value((types[$0] ?? nil) ?? .unknown)) }
    }

    private static func valueType(of value: JSON) -> ValueType? {
        switch value {
        case .null: return nil
        case .int: return .integer
        case .double: return .decimal
        case .bool: return .boolean
        case .string: return .string
        case .array, .object: return .unknown
        }
    }
}

/// CSV as RFC 4180 writes it: a header row, then rows of as many fields; fields in double
/// quotes may hold commas, quotes (doubled) and line breaks; lines end in LF or CRLF.
enum CSVRows {
    static func parse(_ bytes: [UInt8]) throws(DataTable.Failure) -> [JSON] {
        var records = try split(bytes)
        guard !records.isEmpty else { return [] }
        let header = records.removeFirst()
        var names: [String] = []
        for (index, cell) in header.cells.enumerated() {
            let name = cell.trimmingSpacesAndTabs
            guard !name.isEmpty else {
                throw .init(line: header.line, reason: "column \(index + 1) of the header row has no name")
            }
            if names.contains(where: { $0.lowercased() == name.lowercased() }) {
                throw .init(line: header.line, reason: "the header names `\(name)` twice")
            }
            names.append(name)
        }
        var rows: [JSON] = []
        for record in records {
            guard record.cells.count == names.count else {
                throw .init(
                    line: record.line,
                    reason:
                        "this row has \(record.cells.count) field\(record.cells.count == 1 ? "" : "s"); the header has \(names.count)"
                )
            }
            rows.append(.object(JSONObject(distinctPairs: zip(names, record.cells.map(typed)).map { ($0, $1) })))
        }
        return rows
    }

    /// A cell as a value: whole numbers and decimals as written canonically (`02134` stays
    /// text), `true`/`false`, an empty cell as null, anything else as text.
    static func typed(_ cell: String) -> JSON {
        if cell.isEmpty { return .null }
        if let number = Int(cell), String(number) == cell { return .int(number) }
        if isDecimal(cell), let number = Double(cell), number.isFinite { return .double(number) }
        switch cell.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: return .string(cell)
        }
    }

    /// `-?(0|[1-9][0-9]*)\.[0-9]+`: a decimal as a number is written, not `007.5` or `1.`.
    private static func isDecimal(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "-" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            (parts[0] + parts[1]).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return false }
        return parts[0] == "0" || parts[0].first != "0"
    }

    private struct Record {
        var cells: [String]
        /// The line the record starts on.
        var line: Int
    }

    /// The records, each with the line it starts on; blank lines are skipped.
    private static func split(_ bytes: [UInt8]) throws(DataTable.Failure) -> [Record] {
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let newline = UInt8(ascii: "\n")
        let carriage = UInt8(ascii: "\r")
        var records: [Record] = []
        var cells: [String] = []
        var cell: [UInt8] = []
        var line = 1
        var recordLine = 1
        var index = 0
        var quoted = false
        var wasQuoted = false
        func endCell() {
            cells.append(String(decoding: cell, as: UTF8.self))
            cell = []
            wasQuoted = false
        }
        func endRecord() {
            endCell()
            if !(cells.count == 1 && cells[0].isEmpty) { records.append(Record(cells: cells, line: recordLine)) }
            cells = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == quote {
                    if index < bytes.count, bytes[index] == quote {
                        cell.append(quote)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == newline { line += 1 }
                    cell.append(byte)
                }
                continue
            }
            switch byte {
            case quote:
                guard cell.isEmpty, !wasQuoted else {
                    throw .init(
                        line: line,
                        reason: "a quote inside an unquoted field; quote the whole field and double the quote"
                    )
                }
                quoted = true
                wasQuoted = true
            case comma: endCell()
            case newline:
                endRecord()
                line += 1
                recordLine = line
            case carriage where index < bytes.count && bytes[index] == newline: break
            default:
                if wasQuoted {
                    throw .init(line: line, reason: "text after a field's closing quote")
                }
                cell.append(byte)
            }
        }
        if quoted { throw .init(line: recordLine, reason: "a quoted field is not closed") }
        if !cell.isEmpty || !cells.isEmpty || wasQuoted { endRecord() }
        return records
    }
}

extension String {
    /// The text without spaces and tabs at either end (a CSV header cell, a sync key).
    public var trimmingSpacesAndTabs: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

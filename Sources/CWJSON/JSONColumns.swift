/// The columns a `select` prints, read from the elements of parsed pages (``JSONDocument``)
/// without building them: each column's path is matched against the keys' bytes, and a value
/// that is plain text or an integer is copied from the page as it is. Anything else (a nested
/// object, a text with escapes) is built alone and written by ``JSONWriter``, so the bytes are
/// those of writing the built record's projection.
public struct JSONColumns: Sendable {
    private let paths: [JSONPath]
    /// Every column's keys.
    private let keys: TapeKeys
    /// Each column's keys in `keys`.
    private let columnKeys: [Range<Int>]
    /// The labels, each encoded with its colon (`"summary":`), one after another.
    private let labels: [UInt8]
    private let labelEnds: [Int]
    /// The keys in `keys` by which ``forEachCell(ofElements:in:_:)`` shows an object.
    private let shownByKeys: [Range<Int>]

    /// - Parameters:
    ///   - labels: the keys of the objects ``writeObjects(_:of:rowStart:rowEnd:into:)`` writes.
    ///   - objectsShownBy: the keys by which a cell shows an object: the value of the first of
    ///     them it has that is not null (itself shown the same way); an object with none is
    ///     the cell's value.
    public init(paths: [JSONPath], labels: JSONObject.SharedKeys?, objectsShownBy: [String] = []) {
        self.paths = paths
        var keys = TapeKeys()
        columnKeys = paths.map { keys.append($0) }
        shownByKeys = objectsShownBy.map { keys.append(JSONPath($0)) }
        self.keys = keys
        self.labels = labels?.storage.encoded ?? []
        self.labelEnds = labels?.storage.encodedEnds ?? []
    }

    /// Whether ``writeObjects(_:of:rowStart:rowEnd:into:)`` has labels to write.
    public var writesObjects: Bool { labelEnds.count == paths.count && !paths.isEmpty }

    /// What a column holds in one element.
    public enum Cell {
        case missing
        /// Text of printable ASCII with no escapes, as bytes of the page.
        case plainText(UnsafeBufferPointer<UInt8>)
        case value(JSON)
    }

    /// Everything reading a page takes, got once per page.
    private struct Buffers {
        let document: JSONDocument
        let bytes: UnsafeBufferPointer<UInt8>
        let tape: UnsafeBufferPointer<UInt64>
        let keyBytes: UnsafeBufferPointer<UInt8>
        let keyEnds: UnsafeBufferPointer<Int>
    }

    private func withBuffers<Result>(_ document: JSONDocument, _ body: (Buffers) -> Result) -> Result {
        document.withBuffers { bytes, tape in
            keys.bytes.withUnsafeBufferPointer { keyBytes in
                keys.ends.withUnsafeBufferPointer { keyEnds in
                    body(Buffers(document: document, bytes: bytes, tape: tape, keyBytes: keyBytes, keyEnds: keyEnds))
                }
            }
        }
    }

    /// Passes each column of each element in `elements` to `body` (column, cell), row by row, an
    /// object shown by the first of its `objectsShownBy` keys it has.
    public func forEachCell(ofElements elements: Range<Int>, in document: JSONDocument, _ body: (Int, Cell) -> Void) {
        withBuffers(document) { buffers in
            for position in elements {
                for column in paths.indices {
                    withCell(column, ofElement: position, buffers, showingObjects: true) { body(column, $0) }
                }
            }
        }
    }

    private func withCell<Result>(
        _ column: Int,
        ofElement position: Int,
        _ buffers: Buffers,
        showingObjects: Bool = false,
        _ body: (Cell) -> Result
    ) -> Result {
        let location = JSONDocument.locate(
            keys: columnKeys[column],
            buffers.keyBytes,
            buffers.keyEnds,
            from: buffers.document.elementEntries[position],
            bytes: buffers.bytes,
            tape: buffers.tape
        )
        switch location {
        case .missing: return body(.missing)
        case .unreadable:
            let value = buffers.document.element(position).value(ignoringCaseAt: paths[column])
            return body(value.map(Cell.value) ?? .missing)
        case .found(var entry):
            if showingObjects {
                guard let shown = shownEntry(of: entry, buffers) else {
                    var reader = TapeReader()
                    return body(.value(reader.value(at: entry, bytes: buffers.bytes, tape: buffers.tape)))
                }
                entry = shown
            }
            let found = buffers.tape[entry]
            switch Tape.kind(found) {
            case .plainText:
                let start = Tape.low(found)
                return body(
                    .plainText(UnsafeBufferPointer(rebasing: buffers.bytes[start..<(start + Tape.middle(found))]))
                )
            case .integer: return body(.value(.int(Tape.integerValue(found))))
            default:
                var reader = TapeReader()
                return body(.value(reader.value(at: entry, bytes: buffers.bytes, tape: buffers.tape)))
            }
        }
    }

    /// The entry that shows the value at `start`: itself unless it is an object with one of the
    /// `objectsShownBy` keys not null, then (again) that key's value; nil when a key on the way
    /// can only be compared once built.
    private func shownEntry(of start: Int, _ buffers: Buffers) -> Int? {
        var entry = start
        following: while Tape.kind(buffers.tape[entry]) == .object {
            for keys in shownByKeys {
                let location = JSONDocument.locate(
                    keys: keys,
                    buffers.keyBytes,
                    buffers.keyEnds,
                    from: entry,
                    bytes: buffers.bytes,
                    tape: buffers.tape,
                    ignoringCase: false
                )
                switch location {
                case .found(let value) where Tape.kind(buffers.tape[value]) != .null:
                    entry = value
                    continue following
                case .unreadable: return nil
                case .found, .missing: continue
                }
            }
            break
        }
        return entry
    }

    /// Appends each of `elements` as an object of the columns keyed by the labels (a missing
    /// value is null), between `rowStart` and `rowEnd`.
    public func writeObjects(
        _ elements: Range<Int>,
        of document: JSONDocument,
        rowStart: [UInt8],
        rowEnd: [UInt8],
        into out: inout [UInt8]
    ) {
        guard writesObjects else { return }
        withBuffers(document) { buffers in
            labels.withUnsafeBufferPointer { labels in
                for position in elements {
                    out.append(contentsOf: rowStart)
                    out.append(UInt8(ascii: "{"))
                    var start = 0
                    for column in paths.indices {
                        if column > 0 { out.append(UInt8(ascii: ",")) }
                        let end = labelEnds[column]
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: labels[start..<end]))
                        start = end
                        withCell(column, ofElement: position, buffers) { cell in
                            switch cell {
                            case .missing: out.append(contentsOf: "null".utf8)
                            case .plainText(let text):
                                out.append(UInt8(ascii: "\""))
                                out.append(contentsOf: text)
                                out.append(UInt8(ascii: "\""))
                            case .value(let value): JSONWriter.write(value, into: &out)
                            }
                        }
                    }
                    out.append(UInt8(ascii: "}"))
                    out.append(contentsOf: rowEnd)
                }
            }
        }
    }
}

import ConnectWiseRequests

/// Tab completion from the language's own knowledge: statement keywords and entities at the
/// start, stages after `|`, the fields (and aliases) of the entity in scope inside `where`,
/// `select`, `sort` and `count by`, variables after `$`, stdlib modules in `import`, and values
/// the session knows for a field (board names, statuses, company identifiers, members).
public struct Completer {
    /// Values for a field path of an entity (`board/name` of tickets), from the server; may
    /// be empty while they are still being fetched. `board` is the board the line already
    /// names, if any, so that statuses are that board's own.
    public typealias ValueSource = (_ entity: String, _ path: String, _ board: String?) -> [String]

    public var catalog: Catalog
    public var variables: [String]
    public var definitions: [String]
    public var modules: [String]
    public var values: ValueSource

    public init(
        catalog: Catalog = .standard,
        variables: [String] = [],
        definitions: [String] = [],
        modules: [String] = [],
        values: @escaping ValueSource = { _, _, _ in [] }
    ) {
        self.catalog = catalog
        self.variables = variables
        self.definitions = definitions
        self.modules = modules
        self.values = values
    }

    static let statementKeywords = StatementKeyword.allCases.map(\.rawValue)
    static let stageKeywords = StageKeyword.allCases.map(\.rawValue)
    static let conditionWords = ["and", "or", "not", "in", "like", "is", "null", "true", "false"]

    /// Candidates for the word that ends `line` (the text before the cursor), sorted.
    public func complete(_ line: String) -> [String] {
        let bytes = Array(line.utf8)
        var start = bytes.count
        while start > 0, Completer.isWordByte(bytes[start - 1]) { start -= 1 }
        let partial = String(decoding: bytes[start...], as: UTF8.self)
        let before = String(decoding: bytes[..<start], as: UTF8.self)
        let quoteOpen = before.hasSuffix("\"") || before.hasSuffix("'")
        let context = quoteOpen ? String(before.dropLast()) : before
        var candidates = candidates(before: context)
        if quoteOpen {
            candidates = candidates.map { $0.hasPrefix("\"") ? String($0.dropFirst().dropLast()) + "\"" : $0 + "\"" }
        }
        let folded = partial.lowercased()
        return Array(Set(candidates.filter { $0.lowercased().drop { $0 == "\"" }.hasPrefix(folded) })).sorted()
    }

    private func candidates(before: String) -> [String] {
        if before.hasSuffix("$") { return variables.map { $0 } }
        if before.range(ofKeyword: "import"), before.trimmingSpaces.hasSuffix("import") { return modules }
        let tokens = Lexer.tokenize(SourceFile(name: "<completion>", text: before)).filter {
            $0.kind != .end && $0.kind != .newline
        }
        guard let last = tokens.last else {
            return Completer.statementKeywords + catalog.sourceNames + definitions.map { "\($0)(" }
        }
        var entity: EntitySpec?
        var clause: String?
        var lastField: [String] = []
        for (index, token) in tokens.enumerated() {
            // A backquoted endpoint as the source or a stage: records of no known fields.
            if token.kind == .rawPath, token.value.hasPrefix("/"), index == 0 || tokens[index - 1].kind == .pipe {
                entity = EntitySpec.raw(path: token.value)
                clause = nil
            }
            if token.kind == .identifier {
                let word = token.value.lowercased()
                if entity == nil, let found = catalog.entity(named: word), index == 0 || tokens[index - 1].kind != .dot
                {
                    entity = found
                } else if let current = entity, index > 0, tokens[index - 1].kind == .pipe,
                    let link = current.child(named: word)
                {
                    entity = catalog.entity(named: link.entity)
                    clause = nil
                } else if ["where", "select", "sort", "by", "set", "and", "or", "not"].contains(word) {
                    clause =
                        word == "by"
                        ? "select" : word == "and" || word == "or" || word == "not" ? (clause ?? "where") : word
                }
            }
            if token.kind == .pipe { clause = nil }
        }
        if let fieldEnd = tokens.lastIndex(where: {
            [.equal, .notEqual, .tilde, .notTilde, .less, .greater, .lessOrEqual, .greaterOrEqual].contains($0.kind)
        }),
            fieldEnd == tokens.count - 1, fieldEnd > 0, tokens[fieldEnd - 1].kind == .identifier
        {
            lastField = [tokens[fieldEnd - 1].value]
        }
        switch last.kind {
        case .pipe:
            return Completer.stageKeywords + (entity?.children.map(\.name) ?? [])
        case .equal, .notEqual, .tilde, .notTilde, .less, .greater, .lessOrEqual, .greaterOrEqual, .comma, .leftParen:
            if let entity, let field = lastField.first, let path = resolvedPath(field, in: entity) {
                return values(entity.name, path, Completer.boardNamed(in: tokens)).map(Completer.quoted)
            }
            if last.kind == .comma || last.kind == .leftParen, let entity, clause != nil { return fields(of: entity) }
            return []
        case .identifier:
            let word = last.value.lowercased()
            if tokens.count == 1, catalog.entity(named: word) == nil {
                return Completer.statementKeywords + catalog.sourceNames
            }
            if catalog.entity(named: word) != nil, tokens.count == 1 { return ["where"] }
            if let entity, ["where", "select", "sort", "by", "and", "or", "not", "set"].contains(word) {
                return fields(of: entity)
            }
            if let entity, clause == "where" { return Completer.conditionWords + ["|"] + fields(of: entity) }
            if word == "import" { return modules.map { "\"\($0)\"" } }
            return []
        default:
            return []
        }
    }

    /// The value of a `board = X` already on the line.
    static func boardNamed(in tokens: [Token]) -> String? {
        for index in tokens.indices.dropLast(2)
        where tokens[index].isKeyword("board") && tokens[index + 1].kind == .equal {
            let value = tokens[index + 2]
            if value.kind == .string || value.kind == .identifier { return value.value }
        }
        return nil
    }

    /// The entity's field names and aliases.
    func fields(of entity: EntitySpec) -> [String] {
        entity.fields.map(\.name).filter { $0 != "customFields" } + entity.aliases.keys
    }

    private func resolvedPath(_ field: String, in entity: EntitySpec) -> String? {
        let path = FieldPath(.dotted([Name(field, span: .none)]), span: .none)
        return try? entity.resolve(path, in: SourceFile(name: "<completion>", text: "")).path
    }

    /// A server value as cwql source: a bare word when it is one, else a string literal with
    /// its quotes and backslashes escaped (a board named `Evil" or id > 0` stays one string).
    static func quoted(_ value: String) -> String {
        let bare = value.utf8.allSatisfy(isWordByte) && !(value.first?.isNumber ?? true)
        return bare ? value : ConditionsValue.quote(value)
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return text
    }

    /// True when the text contains `keyword` as a whole word.
    fileprivate func range(ofKeyword keyword: String) -> Bool {
        split(whereSeparator: { !$0.isLetter }).contains { $0.lowercased() == keyword }
    }
}

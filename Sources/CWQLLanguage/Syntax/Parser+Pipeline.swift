extension Parser {
    /// `source [where COND] { '|' stage }`
    mutating func parsePipeline() throws(Diagnostic) -> Pipeline {
        let source = try parseSource()
        var stages: [Stage] = []
        if peek().isKeyword("where") {
            stages.append(try parseStage())
        }
        while match(.pipe) || continuesOnNextLine(with: { $0.kind == .pipe }) && match(.pipe) {
            skipNewlinesOnly()
            let stage = try parseStage()
            stages.append(stage)
            // A child collection takes its own `where` without a `|`: `| additions where …`.
            if stage.kind.isChild, peek().isKeyword("where") {
                stages.append(try parseStage())
            }
        }
        return Pipeline(source: source, stages: stages, span: source.span.merged(with: previous().span))
    }

    private mutating func parseSource() throws(Diagnostic) -> PipelineSource {
        let token = peek()
        switch token.kind {
        case .variable:
            advance()
            return .variable(Name(token.value, span: token.span))
        case .rawPath:
            advance()
            guard token.value.hasPrefix("/") else {
                throw error(
                    "a backquoted endpoint starts with /, as in `/system/mycompany/other`",
                    at: token.span,
                    help: ["ConnectWise's paths are written under the API root: `/module/collection`"]
                )
            }
            return .endpoint(Name(token.value, span: token.span))
        case .identifier where token.isKeyword("from"):
            return .data(try parseDataSource())
        case .identifier:
            advance()
            var name = Name(token.value, span: token.span)
            // `alerts.raise_alert(…)`: a `def` of an imported module, through its namespace.
            if check(.dot), peekNext().kind == .identifier {
                advance()
                let member = advance()
                name = Name(
                    ModuleNamespace.qualified(member.value, in: token.value),
                    span: token.span.merged(with: member.span)
                )
                guard check(.leftParen) else {
                    throw unexpected(
                        "`(` after `\(name.text)`: a module's definitions are called, as in `\(name.text)(…)`"
                    )
                }
            }
            switch peek().kind {
            case .leftParen:
                advance()
                let arguments = try nested { (parser: inout Parser) throws(Diagnostic) -> [ValueExpr] in
                    var arguments: [ValueExpr] = []
                    if !parser.check(.rightParen) {
                        repeat { arguments.append(try parser.parseValue()) } while parser.match(.comma)
                    }
                    try parser.expect(.rightParen, "`,` or `)` after an argument of `\(name.text)(…)`")
                    return arguments
                }
                return .call(name, arguments: arguments, token.span.merged(with: previous().span))
            case .number, .variable:
                let id = try parseOperand()
                return .record(entity: name, id: id)
            default:
                return .entity(name)
            }
        default:
            throw unexpected(
                "a query such as `tickets where …`",
                help: token.kind == .end
                    ? [] : ["a query starts with an entity (`tickets`), `ticket 4711`, a `$variable` or a `def` call"]
            )
        }
    }

    /// After `sync`: `ENTITY where … key F[, G] from SOURCE [missing deactivate|delete]`.
    mutating func parseSync(start: SourceSpan) throws(Diagnostic) -> SyncStatement {
        let scope = try parsePipeline()
        try expectKeyword("key", "`key` and the field that matches rows to records, as in `key name`")
        var keys = [try expectName("a field after `key`")]
        while match(.comma) { keys.append(try expectName("a field after `,`")) }
        guard peek().isKeyword("from") else {
            throw unexpected("`from` and the rows to sync, as in `from \"inventory.csv\"` or `from $rows`")
        }
        let source: SyncSource
        if peekNext().kind == .variable {
            advance()
            let variable = advance()
            source = .variable(Name(variable.value, span: variable.span))
        } else {
            source = .data(try parseDataSource())
        }
        var missing = MissingAction.leave
        if matchKeyword("missing") {
            let word = try expectName("`deactivate` or `delete` after `missing`")
            guard let action = MissingAction(rawValue: word.folded), action != .leave else {
                throw error(
                    "unknown `missing` action `\(word.text)`",
                    at: word.span,
                    help: Suggestions.didYouMean(word.text, among: ["deactivate", "delete"])
                        + [
                            "records in scope that no row names are left alone unless `missing deactivate` or `missing delete`"
                        ]
                )
            }
            missing = action
        }
        return SyncStatement(
            scope: scope,
            keys: keys,
            source: source,
            missing: missing,
            span: start.merged(with: previous().span)
        )
    }

    /// `from "seats.csv" [as csv|jsonl|json]` or `from stdin as csv|jsonl|json`.
    private mutating func parseDataSource() throws(Diagnostic) -> DataSourceReference {
        let keyword = advance()
        let formats = DataFormat.allCases.map(\.rawValue).joined(separator: ", ")
        let location: DataSourceReference.Location
        let place = peek()
        if place.kind == .string {
            advance()
            guard !place.value.isEmpty else { throw error("`from` needs a file's path", at: place.span) }
            location = .file(place.value)
        } else if place.isKeyword("stdin") {
            advance()
            location = .standardInput
        } else {
            throw unexpected(
                "a file's path in quotes or `stdin` after `from`",
                help: ["for example `from \"seats.csv\"` or `from stdin as csv`"]
            )
        }
        var format: DataFormat?
        if matchKeyword("as") {
            let word = try expectName("a format after `as`: \(formats)")
            format = try namedCase(word, of: DataFormat.self, unknown: "format", help: "`from` reads \(formats)")
        } else if case .file(let path) = location {
            format = DataFormat.of(path: path)
        }
        guard let format else {
            throw error(
                "say how to read `\(place.kind == .string ? place.value : "stdin")`: add `as csv`, `as jsonl` or `as json`",
                at: place.span
            )
        }
        return DataSourceReference(location: location, format: format, span: keyword.span.merged(with: previous().span))
    }

    private mutating func parseStage() throws(Diagnostic) -> Stage {
        let keyword = peek()
        if keyword.kind == .rawPath {
            advance()
            guard keyword.value.hasPrefix("/") else {
                throw error(
                    "a backquoted stage is an endpoint under the API root, as in `/service/tickets/{id}/tasks`",
                    at: keyword.span,
                    help: ["to read a field, select it: | select `\(keyword.value)`"]
                )
            }
            return Stage(
                kind: .endpoint(Name(keyword.value, span: keyword.span)),
                keywordSpan: keyword.span,
                span: keyword.span
            )
        }
        guard keyword.kind == .identifier else {
            throw unexpected("a stage after `|`, such as `where`, `select`, `sort`, `take`, `count` or `note`")
        }
        advance()
        let kind: StageKind
        if let stage = StageKeyword(rawValue: keyword.value.lowercased()) {
            switch stage {
            case .where: kind = .where(try parseCondition())
            case .select: kind = .select(try parseSelectItems())
            case .sort: kind = .sort(try parseSortKeys())
            case .take: kind = .take(try parseConditionValue(after: "`take`"))
            case .first: kind = .first
            case .count:
                if matchKeyword("by") {
                    let measure = Measure(function: .count, field: nil, span: keyword.span)
                    let keys = try parseGroupKeys()
                    kind = .aggregate(
                        Aggregation(
                            keyword: .count,
                            keys: keys,
                            measures: [measure],
                            span: keyword.span.merged(with: previous().span)
                        )
                    )
                } else {
                    kind = .count
                }
            case .sum, .avg, .min, .max:
                kind = .aggregate(try parseFieldAggregate(stage, keyword: keyword))
            case .summarize: kind = .aggregate(try parseSummarize(keyword: keyword))
            case .note: kind = try parseNote()
            case .set: kind = .set(try parseAssignments())
            case .close: kind = .close
            case .assign: kind = .assign(try parseConditionValue(after: "`assign`"))
            case .log: kind = try parseLog()
            case .delete: kind = .delete
            }
        } else {
            let name = keyword.value.lowercased()
            guard Catalog.standard.allChildNames.contains(name) else {
                throw Diagnostic(
                    .unknownStage(
                        keyword.value,
                        help: StageKeyword.otherLanguagesSpelling[name].map { [$0] }
                            ?? Suggestions.didYouMean(
                                keyword.value,
                                among: StageKeyword.spellings.union(Catalog.standard.allChildNames).sorted()
                            )
                    ),
                    source: source,
                    span: keyword.span
                )
            }
            kind = .child(Name(keyword.value, span: keyword.span))
        }
        return Stage(kind: kind, keywordSpan: keyword.span, span: keyword.span.merged(with: previous().span))
    }

    /// The keys after `by`: `board, status`.
    private mutating func parseGroupKeys() throws(Diagnostic) -> [FieldPath] {
        var keys = [try parseFieldPath("a field to group by after `by`")]
        while match(.comma) {
            skipNewlinesOnly()
            keys.append(try parseFieldPath("a field to group by after `,`"))
        }
        return keys
    }

    /// `sum actualHours [by member]` and its siblings `avg`, `min`, `max`.
    private mutating func parseFieldAggregate(_ stage: StageKeyword, keyword: Token) throws(Diagnostic) -> Aggregation {
        guard let function = AggregateFunction(rawValue: stage.rawValue) else {
            throw error("`\(stage.rawValue)` is not an aggregate", at: keyword.span)
        }
        let field = try parseFieldPath(
            "a field after `\(stage.rawValue)`, as in `\(stage.rawValue) actualHours by member`"
        )
        let measure = Measure(function: function, field: field, span: keyword.span.merged(with: field.span))
        let keys = matchKeyword("by") ? try parseGroupKeys() : []
        return Aggregation(
            keyword: stage,
            keys: keys,
            measures: [measure],
            span: keyword.span.merged(with: previous().span)
        )
    }

    /// `summarize hours = sum(actualHours), n = count(), last = max(updated) [by member]`.
    private mutating func parseSummarize(keyword: Token) throws(Diagnostic) -> Aggregation {
        var measures: [Measure] = []
        repeat {
            skipNewlinesOnly()
            let name = try expectName("a column name, as in `summarize hours = sum(actualHours) by member`")
            if let taken = measures.first(where: { $0.name.lowercased() == name.folded }) {
                throw error("the column `\(taken.name)` is named twice", at: name.span)
            }
            try expect(.equal, "`=` after the column name `\(name.text)`")
            let call = try expectName("an aggregate: count(), sum(F), avg(F), min(F) or max(F)")
            let function = try namedCase(
                call,
                of: AggregateFunction.self,
                unknown: "aggregate",
                help: "summarize computes count(), sum(F), avg(F), min(F) and max(F)"
            )
            try expect(.leftParen, "`(` after `\(call.text)`")
            var field: FieldPath?
            if function.readsField {
                field = try parseFieldPath("a field in `\(call.text)(…)`")
            }
            let close = try expect(
                .rightParen,
                function.readsField ? "`)` after the field" : "`)`: count() takes no field"
            )
            measures.append(
                Measure(name: name.text, function: function, field: field, span: name.span.merged(with: close.span))
            )
        } while match(.comma)
        let keys = matchKeyword("by") ? try parseGroupKeys() : []
        return Aggregation(
            keyword: .summarize,
            keys: keys,
            measures: measures,
            span: keyword.span.merged(with: previous().span)
        )
    }

    /// `select id, summary, custom("Alert ID"), minutes = actualHours * 60`.
    private mutating func parseSelectItems() throws(Diagnostic) -> [SelectItem] {
        var items: [SelectItem] = []
        var expected = "a field name after `select`"
        repeat {
            skipNewlinesOnly()
            if peek().kind == .identifier, peekNext().kind == .equal {
                let name = try expectName(expected)
                advance()
                let outer = fieldsAreOperands
                fieldsAreOperands = true
                defer { fieldsAreOperands = outer }
                items.append(.computed(name, try parseArithmetic()))
            } else {
                switch try parseSubject(expected) {
                case .field(let path): items.append(.field(path))
                case .customField(let caption, let span): items.append(.customField(caption: caption, span))
                }
            }
            expected = "a field name after `,`"
        } while match(.comma)
        return items
    }

    private mutating func parseSortKeys() throws(Diagnostic) -> [SortKey] {
        var keys: [SortKey] = []
        repeat {
            skipNewlinesOnly()
            let field = try parseFieldPath("a field to sort by")
            var descending = false
            if matchKeyword("desc") || matchKeyword("descending") {
                descending = true
            } else {
                _ = matchKeyword("asc") || matchKeyword("ascending")
            }
            keys.append(SortKey(field: field, descending: descending))
        } while match(.comma)
        return keys
    }

    private mutating func parseNote() throws(Diagnostic) -> StageKind {
        let text = try parseConditionValue(after: "`note`")
        var flags: [NoteFlag] = []
        while peek().kind == .identifier, let flag = NoteFlag(rawValue: peek().value.lowercased()) {
            advance()
            if !flags.contains(flag) { flags.append(flag) }
        }
        if peek().kind == .identifier, !peek().isKeyword("where") {
            let word = peek()
            throw error(
                "unknown note flag `\(word.value)`",
                at: word.span,
                help: Suggestions.didYouMean(word.value, among: NoteFlag.allCases.map(\.rawValue))
                    + ["a note shows as `discussion` (the default), `internal` or `resolution`"]
            )
        }
        return .note(text: text, flags: flags)
    }

    private mutating func parseAssignments() throws(Diagnostic) -> [FieldAssignment] {
        var assignments: [FieldAssignment] = []
        repeat {
            skipNewlinesOnly()
            let subject = try parseSubject("a field to set, as in `set priority = P1`")
            try expect(.equal, "`=` after the field in `set`")
            assignments.append(FieldAssignment(field: subject, value: try parseConditionValue(after: "`=`")))
        } while match(.comma)
        return assignments
    }

    private mutating func parseLog() throws(Diagnostic) -> StageKind {
        let hours = try parseDuration(after: "`log`", example: "`log 0.5h \"Checked backups\"`")
        guard hours.sign >= 0 else {
            throw error("time logged must be positive", at: hours.span)
        }
        var notes: ValueExpr?
        switch peek().kind {
        case .string, .variable: notes = try parseConditionValue(after: "the hours")
        default: break
        }
        var details = LogDetails()
        while peek().kind == .identifier {
            let word = peek()
            switch word.value.lowercased() {
            case "member":
                guard details.member == nil else { throw error("`member` is given twice", at: word.span) }
                advance()
                details.member = try parseConditionValue(after: "`member`")
            case "worktype":
                guard details.workType == nil else { throw error("`worktype` is given twice", at: word.span) }
                advance()
                details.workType = try parseConditionValue(after: "`worktype`")
            case "start":
                guard details.start == nil else { throw error("`start` is given twice", at: word.span) }
                advance()
                details.start = try parseConditionValue(after: "`start`")
            default:
                return .log(hours: hours, notes: notes, details: details)
            }
        }
        return .log(hours: hours, notes: notes, details: details)
    }

    /// `a.b.c` or `` `raw/path` ``.
    mutating func parseFieldPath(_ expected: String) throws(Diagnostic) -> FieldPath {
        let first = peek()
        if first.kind == .rawPath {
            advance()
            if first.value.hasPrefix("/") || first.value.contains("{id}") {
                throw error(
                    "`\(first.value)` is an endpoint, not a field",
                    at: first.span,
                    help: [
                        "an endpoint starts a query, or follows | to be read for each record: tickets | `/service/tickets/{id}/tasks`",
                        "a field path has no leading /: `_info/lastUpdated`",
                    ]
                )
            }
            return FieldPath(.raw(first.value), span: first.span)
        }
        let head = try expectName(expected)
        var names = [head]
        while check(.dot), peekNext().kind == .identifier {
            advance()
            let part = advance()
            names.append(Name(part.value, span: part.span))
        }
        if check(.dot) {
            advance()
            throw unexpected("a field name after `.`")
        }
        return FieldPath(.dotted(names), span: head.span.merged(with: previous().span))
    }

    /// A field path, or `custom("Caption")`.
    mutating func parseSubject(_ expected: String) throws(Diagnostic) -> ConditionSubject {
        let token = peek()
        if token.isKeyword("custom"), peekNext().kind == .leftParen {
            advance()
            advance()
            let caption = try nested { (parser: inout Parser) throws(Diagnostic) -> Token in
                let caption = try parser.expect(
                    .string,
                    "the custom field's caption in quotes, as in `custom(\"Alert ID\")`"
                )
                try parser.expect(.rightParen, "`)` after the custom field's caption")
                return caption
            }
            return .customField(caption: caption.value, token.span.merged(with: previous().span))
        }
        return .field(try parseFieldPath(expected))
    }
}

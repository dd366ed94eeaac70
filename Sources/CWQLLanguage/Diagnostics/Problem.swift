/// Every problem cwql reports about a script or query, as a typed value: the one place where
/// each message and its help are written. The parser, the static check, the compiler, the
/// planner and the interpreter raise these; a test can match the kind, not the wording.
public enum Problem: Sendable, Equatable {
    // MARK: Syntax

    /// A grammar rule the parser states in its own words (`expected …, found …` and the like).
    case syntax(String, help: [String])

    // MARK: Names

    /// A name nothing defines, with the names near it or where to look.
    case unknownEntity(String, help: [String])
    case unknownVariable(String, help: [String])
    case unknownQuery(String, help: [String])
    /// A field an entity does not have, with the help of field resolution.
    case unknownField(message: String, help: [String])
    /// A child stage the entity does not lead to.
    case unknownChild(entity: String, child: String, help: [String])
    /// A word after `|` that is neither a stage nor a child of any entity.
    case unknownStage(String, help: [String])
    case importCycle([String])
    case importNotFound(name: String, path: String, help: [String])
    case importRefused(name: String, reason: String)
    case moduleWithoutNamespace(String)

    // MARK: Conditions

    case oneCustomFieldPerRequest
    case listConditionJoinedWithOr
    case customConditionJoinedWithOr
    case customConditionNotAlone
    case emptyInList
    case recordsComparedWithNonReference(variable: String, subject: String)
    case textOperatorOnNonText(op: String, subject: String, type: String)
    case orderingOnUnordered(op: String, subject: String, type: String, isText: Bool)
    case comparedWithNull(op: String)
    case notAnAllowedValue(value: String, subject: String, allowed: [String], near: [String])

    // MARK: Values and dates

    case dateOutOfRange(String)
    /// `me` without a member in the profile.
    case meUnknown
    case notADate(field: String, text: String)
    case notADateKeyword(field: String, word: String, near: [String])
    case variableOfWrongType(field: String, expected: String, holds: String)
    case noSuchFieldInVariable(variable: String, field: String)
    case relativeDateWithoutSign(String)
    case invalidNumber(String)
    case variableNotANumber(variable: String, holds: String)
    case expectedNumberOf(String)
    case relativeDateOutOfRange
    case numberTooLarge(String)
    case valueOfWrongType(field: String, expected: String, found: String, help: [String])

    // MARK: Variables and calls

    case variableHoldsEntityWithoutField(variable: String, entity: String, field: String, near: [String])
    case variableHoldsNoFields(variable: String, kind: String, field: String)
    case variableHoldsNoRecords(variable: String, kind: String)
    case wrongArgumentCount(name: String, parameters: [String], given: Int)
    case procedureUsedAsQuery(String)
    case callsNestedTooDeeply

    // MARK: Plans

    case childNeedsParent(entity: String, path: String, example: String)
    case filterOnParentField(
        field: String,
        parent: String,
        each: String,
        child: String,
        parentEntity: String,
        rest: String
    )
    case endpointNeedsRecord(String)
    case endpointHoles(path: String, holes: Int, parent: String)
    case stageAfterWrite(stage: String, write: String)
    case stageAfterEnding(stage: String, previous: String)
    case stageNeedsCapability(stage: String, needs: String, entity: String, example: String)
    case recordNeedsId(name: String, collection: String)
    /// A write or child stage on rows that are not ConnectWise records (groups, a file's rows).
    case notConnectWiseRecords(stage: String, rows: String)
    /// A `from` source that could not be read: the file (and line) at fault, and why.
    case dataSource(name: String, line: Int?, reason: String)
    /// `from stdin` when standard input holds the script itself.
    case standardInputIsTheScript
    /// `sync`: a scope stage other than `where` or a child, a column that is not a field, a
    /// key that is not a column, no flag to deactivate with, a key two rows or records share.
    case syncScopeStage(String)
    case syncColumnNotAField(column: String, rows: String, entity: String, near: [String])
    case syncKeyNotAColumn(key: String, columns: [String])
    case syncNoActiveFlag(entity: String)
    case syncDuplicateKey(key: String, where: String)
    case syncCreateNeedsOneParent(entity: String, parent: String, count: Int)
    /// `watch`: a source other than an entity, a stage other than `where`, an entity without
    /// `_info/lastUpdated`, a `where` ConnectWise can't filter by, a bad `every`.
    case watchSource
    case watchStage(String)
    case watchWithoutLastUpdated(entity: String)
    case watchFilterOnClient
    case watchInterval(String)
    /// `on ENTITY changed` for an entity ConnectWise sends no callbacks for.
    case noCallbacks(entity: String, entities: [String])
    /// `watch` or `on` in an imported module.
    case eventsInModule(String)
    /// An aggregate's measure named like one of its keys.
    case aggregateColumnTwice(String)
    /// `sum`/`avg` of a field that does not hold numbers.
    case aggregateNeedsNumbers(function: String, field: String, type: String)
    case recordIdNotPositive
    case variableOnlyAtRunTime(String)
    case definitionOnlyAtRunTime(String)
    case takeOutOfRange(largest: Int)
    case writeNotAllowed(entity: String, verb: String, method: String, target: String, allowed: [String])

    // MARK: Translate

    case nothingToTranslate
    case translateTakesOneQuery(statements: Int)
    case translateTakesAQuery

    // MARK: Running

    case recordWithoutId
    case notAWrite(String)
    case fieldNotSettableByName(String)
    case fieldValue(field: String, reason: String)
    case hoursNotANumber
    case hoursOutOfRange
    case cannotCompare(String, String)
    /// `"a" + 1`, `true * 2`: an arithmetic operator on values it does not take.
    case cannotCombine(op: String, left: String, right: String)
    case divisionByZero
    case cancelled
    case pathIdMissing(record: String, id: Int, field: String, path: String)
    case ticketWithoutBoard(id: Int)
    case noTimeEntries(entity: String)
    case statusNeedsBoard
    case bulkWriteUnconfirmed(verb: String, count: Int, plural: String)
    case loopUnconfirmed(passes: Int)
    case matchWithoutId(noun: String)
    case upsertAmbiguous(noun: String)
    case writesFailed(failed: Int, attempted: Int, record: String, reason: String)
    case writesUnknown(unknown: Int, attempted: Int, record: String)
    case bareWordAsValue(String)
    case referenceWithoutId(kind: String, key: String, name: String)
    case noSuchReference(kind: String, key: String, name: String, near: String?)
    case ambiguousReference(name: String, entity: String, key: String)
    case boardWithoutClosedStatus(board: Int)
    case noSuchCustomField(entity: String, caption: String)
    /// What ConnectWise, the network or the configuration said, in the client's words
    /// (each of those is a typed error of the client, worded in one place there).
    case service(String)

    /// True for a problem of a value the static check cannot know (a variable's, a call's):
    /// the same query is planned again when it runs, with the values.
    public var isKnownOnlyWhenRunning: Bool {
        switch self {
        // `me` and the time zone are the run's profile's, which the check does not read.
        case .unknownVariable, .variableOnlyAtRunTime, .definitionOnlyAtRunTime, .unknownQuery, .meUnknown: return true
        default: return false
        }
    }

    /// The one-line statement of the problem.
    public var message: String {
        switch self {
        case .syntax(let message, _): return message
        case .unknownEntity(let name, _): return "unknown entity `\(name)`"
        case .unknownVariable(let name, _): return "unknown variable `$\(name)`"
        case .unknownQuery(let name, _): return "unknown query `\(name)(…)`"
        case .unknownField(let message, _): return message
        case .unknownChild(let entity, let child, _): return "\(entity) have no `\(child)`"
        case .unknownStage(let name, _): return "unknown stage `\(name)`"
        case .importCycle(let cycle): return "import cycle: " + cycle.joined(separator: " → ")
        case .importNotFound(let name, let path, _):
            return "cannot import \"\(name)\": no stdlib module and no file \(path)"
        case .importRefused(let name, let reason): return "cannot import \"\(name)\": \(reason)"
        case .moduleWithoutNamespace(let name): return "`\(name)` is not a name its definitions can be called by"
        case .oneCustomFieldPerRequest: return "ConnectWise filters on one custom field per request"
        case .listConditionJoinedWithOr:
            return "a condition on a list field (sent as childConditions) can only be joined to the others with `and`"
        case .customConditionJoinedWithOr: return "a `custom(…)` condition can only be joined to the others with `and`"
        case .customConditionNotAlone: return "a `custom(…)` condition must stand on its own"
        case .emptyInList: return "`in` needs at least one value"
        case .recordsComparedWithNonReference(let variable, let subject):
            return "`$\(variable)` holds records, and `\(subject)` is not a reference to them"
        case .textOperatorOnNonText(let op, let subject, let type):
            return "`\(op)` matches text, and `\(subject)` is \(type)"
        case .orderingOnUnordered(let op, let subject, let type, _):
            return "`\(op)` compares numbers and dates, and `\(subject)` is \(type)"
        case .comparedWithNull(let op): return "`\(op)` can't compare with null"
        case .notAnAllowedValue(let value, let subject, _, _): return "`\(value)` is not a value of `\(subject)`"
        case .dateOutOfRange(let text): return "the date \(text) falls outside the years 0001–9999"
        case .meUnknown: return "`me` is the profile's member, and no member is set"
        case .notADate(let field, let text): return "`\(field)` is a date, and \"\(text)\" is not one"
        case .notADateKeyword(let field, let word, _): return "`\(field)` is a date, and `\(word)` is not one"
        case .variableOfWrongType(let field, let expected, let holds):
            return "`\(field)` expects \(expected), but this variable holds \(holds)"
        case .noSuchFieldInVariable(let variable, let field): return "`$\(variable)` has no field `\(field)`"
        case .relativeDateWithoutSign: return "a relative date needs a sign"
        case .invalidNumber(let text): return "invalid number `\(text)`"
        case .variableNotANumber(let variable, let holds): return "`$\(variable)` must hold a number here, not \(holds)"
        case .expectedNumberOf(let unit): return "expected a number of \(unit)"
        case .relativeDateOutOfRange: return "that relative date is out of range"
        case .numberTooLarge(let text): return "the number `\(text)` is too large"
        case .valueOfWrongType(let field, let expected, let found, _):
            return "`\(field)` expects \(expected), found \(found)"
        case .variableHoldsEntityWithoutField(let variable, let entity, let field, _):
            return "`$\(variable)` holds \(entity) records, which have no field `\(field)`"
        case .variableHoldsNoFields(let variable, let kind, let field):
            return "`$\(variable)` holds \(kind), which has no field `\(field)`"
        case .variableHoldsNoRecords(let variable, let kind): return "`$\(variable)` holds \(kind), not records"
        case .wrongArgumentCount(let name, let parameters, let given):
            let count = parameters.count
            return
                "`\(name)` takes \(count) argument\(count == 1 ? "" : "s") (\(parameters.joined(separator: ", "))), not \(given)"
        case .procedureUsedAsQuery(let name): return "`\(name)` is a procedure; call it on its own line, not as a query"
        case .callsNestedTooDeeply: return "calls nested too deeply (recursion?)"
        case .childNeedsParent(let entity, let path, _):
            return "\(entity.replacingUnderscores) need the ids of the records they hang under (\(path))"
        case .filterOnParentField(let field, let parent, let each, let child, _, _):
            return
                "`\(field)` is a field of the \(parent) each \(each) hangs under; ConnectWise filters \(child) by their own fields"
        case .endpointNeedsRecord(let path):
            return "`\(path)` waits for a record's id, and a query's first endpoint has no record before it"
        case .endpointHoles(let path, let holes, let parent):
            return holes == 0
                ? "`\(path)` has no `{id}` for the \(parent.replacingUnderscores) before it"
                : "`\(path)` has \(holes) `{id}` holes; a stage fills one, with the id of the record before it"
        case .stageAfterWrite(let stage, let write): return "`\(stage)` can't follow `\(write)`"
        case .stageAfterEnding(let stage, let previous): return "`\(stage)` can't follow `\(previous)`"
        case .stageNeedsCapability(let stage, let needs, let entity, _):
            return "`\(stage)` works on records with \(needs); \(entity.replacingUnderscores) have none"
        case .recordNeedsId(let name, _): return "`\(name)` names one record and needs its id"
        case .notConnectWiseRecords(let stage, let rows):
            return "`\(stage)` needs ConnectWise records; these are the rows of \(rows)"
        case .dataSource(let name, let line, let reason):
            return "\(name)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case .standardInputIsTheScript:
            return "`from stdin` can't read standard input: the script is being read from it"
        case .syncScopeStage(let stage):
            return "`sync` reads its scope with `where` and child stages only, not `\(stage)`"
        case .syncColumnNotAField(let column, let rows, let entity, _):
            return "column `\(column)` of \(rows) is not a field of \(entity)"
        case .syncKeyNotAColumn(let key, _): return "the key `\(key)` is not a column of the rows"
        case .syncNoActiveFlag(let entity): return "\(entity) have no active flag to deactivate with"
        case .syncDuplicateKey(let key, let place): return "the key \(key) is found twice \(place)"
        case .syncCreateNeedsOneParent(let entity, let parent, let count):
            return "can't tell which \(parent) to create \(entity) under: the scope has \(count)"
        case .watchSource: return "`watch` watches records of an entity, as in `watch tickets where …`"
        case .watchStage(let stage): return "`watch` reads its records with `where` only, not `\(stage)`"
        case .watchWithoutLastUpdated(let entity):
            return "\(entity) have no `_info/lastUpdated`, so changes to them can't be watched"
        case .watchFilterOnClient:
            return "`watch` needs conditions ConnectWise can filter by; this `where` would run on the client"
        case .watchInterval(let text): return "`every` needs a length of time of a second or more, not `\(text)`"
        case .noCallbacks(let entity, _): return "ConnectWise sends no callbacks for \(entity)"
        case .eventsInModule(let keyword): return "`\(keyword)` is written in a script, not in a module it imports"
        case .aggregateColumnTwice(let name): return "the column `\(name)` is both a key and a measure"
        case .aggregateNeedsNumbers(let function, let field, let type):
            return "`\(function)` adds numbers; `\(field)` holds \(type)"
        case .recordIdNotPositive: return "a record id is a positive whole number"
        case .variableOnlyAtRunTime(let name): return "`$\(name)` is known only when the script runs"
        case .definitionOnlyAtRunTime(let name): return "`\(name)(…)` is defined only when the script runs"
        case .takeOutOfRange(let largest): return "`take` needs a whole number from 1 to \(largest)"
        case .writeNotAllowed(let entity, let verb, let method, let target, _):
            return "\(entity) cannot be \(verb): ConnectWise's API has no \(method) on \(target)"
        case .nothingToTranslate: return "expected a query such as `tickets where board = \"Help\"`, found nothing"
        case .translateTakesOneQuery(let statements):
            return "translate takes one query; this input has \(statements) statements"
        case .translateTakesAQuery: return "translate takes a query, not a script statement"
        case .recordWithoutId: return "a record without an id can't be written"
        case .notAWrite(let keyword): return "`\(keyword)` is not a write"
        case .fieldNotSettableByName(let field): return "`\(field)` can't be set by name"
        case .fieldValue(let field, let reason): return "\(field): \(reason)"
        case .hoursNotANumber: return "hours must be a number"
        case .hoursOutOfRange: return "a time entry is between 1 minute and 24 hours"
        case .cannotCompare(let left, let right): return "can't compare \(left) with \(right)"
        case .cannotCombine(let op, let left, let right): return "`\(op)` can't combine \(left) with \(right)"
        case .divisionByZero: return "division by zero"
        case .cancelled: return "cancelled"
        case .pathIdMissing(let record, let id, let field, let path):
            return "\(record.replacing("_", with: " ")) \(id) has no `\(field)`, so its path (\(path)) can't be filled"
        case .ticketWithoutBoard(let id): return "ticket \(id) has no board, so it has no closed status"
        case .noTimeEntries(let entity): return "\(entity) have no time entries charged to them"
        case .statusNeedsBoard: return "a status belongs to a board: give the board first"
        case .bulkWriteUnconfirmed(let verb, let count, let plural):
            return "this would \(verb) \(count) \(plural); nothing was changed"
        case .loopUnconfirmed(let passes):
            return "this loop writes on each of its \(passes) passes; nothing was changed"
        case .matchWithoutId(let noun): return "ConnectWise answered the matching \(noun) without an id"
        case .upsertAmbiguous(let noun): return "upsert found more than one \(noun) matching; it needs at most one"
        case .writesFailed(let failed, let attempted, let record, let reason):
            return "\(failed) of \(attempted) writes failed; the first (record \(record)): \(reason)"
        case .bareWordAsValue(let word): return "`\(word)` is not a value here"
        case .writesUnknown(let unknown, let attempted, let record):
            return "\(unknown) of \(attempted) writes have an unknown outcome (the first: record \(record))"
        case .referenceWithoutId(let kind, let key, let name):
            return "ConnectWise answered a \(kind) without an id for \(key) \"\(name)\""
        case .noSuchReference(let kind, let key, let name, let near):
            return "no \(kind) with \(key) \"\(name)\"" + (near.map { "; did you mean \"\($0)\"?" } ?? "")
        case .ambiguousReference(let name, let entity, let key):
            return "\"\(name)\" matches several \(entity) by \(key); use its id instead"
        case .boardWithoutClosedStatus(let board): return "board \(board) has no closed status"
        case .noSuchCustomField(let entity, let caption): return "\(entity) have no custom field \"\(caption)\""
        case .service(let message): return message
        }
    }

    /// The hints printed under the message, each as `= help: …`.
    public var help: [String] {
        switch self {
        case .syntax(_, let help), .unknownEntity(_, let help), .unknownVariable(_, let help),
            .unknownQuery(_, let help),
            .unknownField(_, let help), .unknownChild(_, _, let help), .importNotFound(_, _, let help),
            .unknownStage(_, let help):
            return help
        case .moduleWithoutNamespace(let name): return ["give the module a namespace: `import \"\(name)\" as helpers`"]
        case .oneCustomFieldPerRequest:
            return ["keep one `custom(…)` condition in the `where` and filter the rest after a `take`"]
        case .listConditionJoinedWithOr:
            return ["ConnectWise sends conditions on fields inside lists separately (childConditions)"]
        case .customConditionJoinedWithOr:
            return ["ConnectWise sends custom-field filters separately (customFieldConditions)"]
        case .recordsComparedWithNonReference(let variable, _):
            return [
                "records compare by id: use a reference field (`company in $cos`) or `id in $\(variable)`",
                "or pick one of their fields: `$\(variable).identifier`",
            ]
        case .textOperatorOnNonText: return ["compare it with `=`, `!=`, `<` or `>`"]
        case .orderingOnUnordered(_, _, _, let isText):
            return isText ? ["use `=`, `!=`, `~` (contains) or `like`"] : ["use `=` or `!=`"]
        case .comparedWithNull: return ["test for a missing value with `is null` or `is not null`"]
        case .notAnAllowedValue(_, _, let allowed, let near):
            return near + ["its values: " + allowed.joined(separator: ", ")]
        case .meUnknown:
            return [
                "set `member = \"jsmith\"` in the profile (or CW_MEMBER) to your member identifier",
                "to compare with the word itself, quote it: \"me\"",
            ]
        case .notADate: return ["write a date such as 2026-01-31, 2026-01-31T09:30:00Z, -7d or today"]
        case .notADateKeyword(_, _, let near):
            return near.isEmpty ? ["write a date such as 2026-01-31, -7d, today or startOfWeek"] : near
        case .relativeDateWithoutSign(let text): return ["write `-\(text)` for the past or `+\(text)` for the future"]
        case .valueOfWrongType(_, _, _, let help): return help
        case .variableHoldsEntityWithoutField(_, _, _, let near): return near
        case .childNeedsParent(_, _, let example): return ["reach them from their parent, as in `\(example)`"]
        case .filterOnParentField(_, _, _, let child, let parentEntity, let rest):
            return [
                "filter the \(parentEntity.replacingUnderscores) before `| \(child)`: `… where \(rest) … | \(child)`"
            ]
        case .endpointNeedsRecord(let path):
            return [
                "read it for each record of a query: tickets where … | `\(path)`",
                "or write the id: `\(path.replacing("{id}", with: "4711"))`",
            ]
        case .endpointHoles(let path, let holes, let parent):
            return holes == 0
                ? [
                    "write {id} where each \(parent.replacingUnderscores)'s id goes: `/service/tickets/{id}/tasks`",
                    "or start a query with it: `\(path)`",
                ]
                : ["write the outer ids as numbers: `/service/boards/12/statuses/{id}/notifications`"]
        case .stageAfterWrite: return ["a write stage ends the pipeline"]
        case .stageAfterEnding(_, let previous): return ["`\(previous)` ends the pipeline"]
        case .syncScopeStage: return ["select, sort and the like shape output; sync writes every record in scope"]
        case .syncColumnNotAField(_, _, _, let near):
            return near + ["each column of the rows names a field to write; rename or drop the column"]
        case .syncKeyNotAColumn(_, let columns): return ["the rows have: " + columns.joined(separator: ", ")]
        case .syncNoActiveFlag: return ["use `missing delete`, or leave records the rows don't name alone"]
        case .syncDuplicateKey:
            return ["a key names one record: make it unique, or add a second key column (`key name, company`)"]
        case .syncCreateNeedsOneParent(_, let parent, _): return ["narrow the scope to one \(parent)"]
        case .standardInputIsTheScript: return ["put the script in a file and run it with `cwql run FILE`, or use -c"]
        case .aggregateColumnTwice: return ["name the measure otherwise"]
        case .watchSource, .watchStage:
            return ["write `watch ENTITY where … { … }`; shape the output inside the block"]
        case .watchWithoutLastUpdated: return ["poll them with a query in a loop instead"]
        case .watchFilterOnClient:
            return ["filter by fields ConnectWise can compare, or test the rest with `if` inside the block"]
        case .watchInterval: return ["for example `every 30s` or `every 5m`"]
        case .noCallbacks(_, let entities): return ["callbacks come for: " + entities.joined(separator: ", ")]
        case .eventsInModule: return ["define a procedure in the module and call it from the script's block"]
        case .notConnectWiseRecords:
            return ["rows can be sorted, filtered, selected, counted and printed; to write, loop over them with `for`"]
        case .aggregateNeedsNumbers(let function, _, _):
            return ["`min` and `max` take text and dates too; `\(function)` takes a number field such as `actualHours`"]
        case .stageNeedsCapability(_, _, _, let example):
            return ["for example on tickets: `tickets where … | \(example)`"]
        case .recordNeedsId(let name, let collection):
            return ["write `\(name) 4711` for one record, or `\(collection)` for the collection"]
        case .variableOnlyAtRunTime: return ["translate a query that starts with an entity, such as `tickets where …`"]
        case .definitionOnlyAtRunTime: return ["translate the body of the `def` instead"]
        case .takeOutOfRange: return ["to read every record, leave `take` out"]
        case .writeNotAllowed(let entity, _, _, _, let allowed):
            return [allowed.isEmpty ? "\(entity) are read-only" : "\(entity) allow: " + allowed.joined(separator: ", ")]
        case .bulkWriteUnconfirmed, .loopUnconfirmed:
            return ["run again with --yes to confirm, or --dry-run to see each request"]
        case .upsertAmbiguous:
            return ["make the `where` more specific (an id, a custom field such as custom(\"Alert ID\"))"]
        case .bareWordAsValue(let word): return ["to write text, quote it: \"\(word)\""]
        case .cannotCombine(let op, _, _):
            return op == "+"
                ? ["to put a value into text, interpolate it: \"ticket \\($t.id)\""] : ["`\(op)` takes numbers"]
        case .writesUnknown:
            return [
                "ConnectWise may have made them: look at those records before running this again, which could make them twice"
            ]
        case .translateTakesAQuery:
            return ["write a query such as `tickets where board = \"Help\"`; scripts run with `cwql run FILE`"]
        default: return []
        }
    }
}

extension Diagnostic {
    /// A diagnostic of a typed problem, located in `source`.
    public init(_ problem: Problem, source: SourceFile, span: SourceSpan, isIncompleteInput: Bool = false) {
        self.init(problem.message, source: source, span: span, help: problem.help, isIncompleteInput: isIncompleteInput)
        self.problem = problem
    }
}

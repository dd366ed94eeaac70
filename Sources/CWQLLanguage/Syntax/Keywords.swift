/// The words that start a stage after `|`: the one table the parser dispatches on, the
/// completer offers, `.help` lists and did-you-mean searches.
public enum StageKeyword: String, CaseIterable, Sendable {
    case `where`, select, sort, take, first, count, sum, avg, min, max, summarize, note, set, close, assign, log,
        delete

    /// Every stage keyword's spelling.
    public static let spellings: Set<String> = Set(allCases.map(\.rawValue))

    /// How the stage is written, for `.help stages`.
    public var usage: String {
        switch self {
        case .where: return "where CONDITION"
        case .select: return "select FIELD, …"
        case .sort: return "sort FIELD [asc|desc], …"
        case .take: return "take N"
        case .first: return "first"
        case .count: return "count [by FIELD, …]"
        case .sum: return "sum FIELD [by FIELD, …]"
        case .avg: return "avg FIELD [by FIELD, …]"
        case .min: return "min FIELD [by FIELD, …]"
        case .max: return "max FIELD [by FIELD, …]"
        case .summarize: return "summarize hours = sum(FIELD), n = count() [by FIELD, …]"
        case .note: return "note \"…\" [internal|resolution]"
        case .set: return "set FIELD = VALUE, …"
        case .close: return "close"
        case .assign: return "assign MEMBER"
        case .log: return "log 0.5h \"…\" [member M] [worktype W] [start T]"
        case .delete: return "delete"
        }
    }

    /// True for the stages that change records on the server.
    public var isWrite: Bool {
        switch self {
        case .note, .set, .close, .assign, .log, .delete: return true
        case .where, .select, .sort, .take, .first, .count, .sum, .avg, .min, .max, .summarize: return false
        }
    }

    /// Stages as SQL and other query languages spell them, with cwql's spelling.
    static let otherLanguagesSpelling: [String: String] = [
        "limit": "cwql writes `take N` (as in `tickets | take 10`)",
        "top": "cwql writes `take N` (as in `tickets | take 10`)",
        "head": "cwql writes `take N` (as in `tickets | take 10`)",
        "order": "cwql writes `sort FIELD [asc|desc]` (as in `sort entered desc`)",
        "orderby": "cwql writes `sort FIELD [asc|desc]` (as in `sort entered desc`)",
        "filter": "cwql filters with `where` (as in `where status = New`)",
        "project": "cwql picks columns with `select` (as in `select id, summary`)",
        "group": "cwql groups with `count by FIELD`, `sum FIELD by FIELD` or `summarize … by FIELD`",
        "groupby": "cwql groups with `count by FIELD`, `sum FIELD by FIELD` or `summarize … by FIELD`",
        "aggregate": "cwql aggregates with `summarize n = count(), h = sum(FIELD) by FIELD`",
        "average": "cwql writes `avg FIELD [by FIELD]`",
        "mean": "cwql writes `avg FIELD [by FIELD]`",
    ]
}

/// The words that start a statement: the one table the parser dispatches on, the completer
/// offers and `.help` lists.
public enum StatementKeyword: String, CaseIterable, Sendable {
    case `let`, def, `import`, `for`, `if`, print, create, upsert, sync, watch, on

    /// How the statement is written, for `.help`.
    public var usage: String {
        switch self {
        case .let: return "let NAME = VALUE"
        case .def: return "def NAME(PARAMS) = QUERY  or  def NAME(PARAMS) { … }"
        case .import: return "import \"MODULE\" [as NAME]"
        case .for: return "for $NAME in QUERY { … }"
        case .if: return "if CONDITION { … } else { … }"
        case .print: return "print VALUE, …"
        case .create: return "create ENTITY { FIELD: VALUE, … }"
        case .upsert: return "upsert ENTITY key FIELD { FIELD: VALUE, … }"
        case .sync: return "sync ENTITY where … key FIELD from \"FILE\" [missing deactivate|delete]"
        case .watch: return "watch ENTITY where … [every 60s] [since -1d] { … $change … }"
        case .on: return "on ENTITY changed { … $change … $action … }"
        }
    }
}

/// `watch tickets where board = "Alerts" [every 60s] [since -1d] { … $change … }`: runs its
/// block once per record changed (by `_info/lastUpdated`) since the last poll.
public struct WatchStatement: Sendable {
    /// The records watched: an entity with `where`s only.
    public var query: Pipeline
    /// How long to wait between polls (nil: the runtime's default).
    public var every: Duration?
    /// Where the first run starts (nil: now).
    public var since: ValueExpr?
    public var body: [Statement]
    public var span: SourceSpan
    /// The text from `watch` to the block, which names the watch's checkpoint: edit the query
    /// and it is a new watch, starting again from `since`.
    public var header: String

    public init(
        query: Pipeline,
        every: Duration?,
        since: ValueExpr?,
        body: [Statement],
        span: SourceSpan,
        header: String
    ) {
        self.query = query
        self.every = every
        self.since = since
        self.body = body
        self.span = span
        self.header = header
    }
}

/// `on ticket changed { … $change … $action … }`: what `cwql listen` runs for each
/// ConnectWise callback about a record of the entity.
public struct ChangeHandler: Sendable {
    public var entity: Name
    public var body: [Statement]
    public var span: SourceSpan

    public init(entity: Name, body: [Statement], span: SourceSpan) {
        self.entity = entity
        self.body = body
        self.span = span
    }
}

/// The variables an event block sees.
public enum EventVariables {
    /// The changed record (`$change.summary`).
    public static let change = "change"
    /// In `on … changed` blocks: `added`, `updated` or `deleted`.
    public static let action = "action"
}

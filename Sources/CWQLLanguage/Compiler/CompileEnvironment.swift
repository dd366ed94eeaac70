/// What compiling needs besides the source: the moment that relative dates count from,
/// and the values of variables.
public struct CompileEnvironment: Sendable {
    /// "Now", injectable so that tests and `translate` give repeatable output.
    public var now: UTCDate
    /// Variables by name (without `$`).
    public var variables: [String: Value]
    /// Where `today` and `startOfWeek` are: the profile's time zone, else the machine's.
    public var zone: LocalZone
    /// The identifier `me` stands for: the profile's member (nil: none set).
    public var me: String?
    /// The entity of the records a variable holds, where known: its aliases name their fields
    /// (`$t.updated`).
    public var variableEntities: [String: EntitySpec]

    public init(
        now: UTCDate,
        variables: [String: Value] = [:],
        zone: LocalZone = .utc,
        me: String? = nil,
        variableEntities: [String: EntitySpec] = [:]
    ) {
        self.now = now
        self.variables = variables
        self.zone = zone
        self.me = me
        self.variableEntities = variableEntities
    }
}

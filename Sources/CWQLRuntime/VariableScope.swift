/// One level of variables, with a link to the level around it (Crafting Interpreters'
/// environment chain): a script's or a module's top level, a procedure call, a `def` call's
/// parameters, a loop's variable. A name is looked up from the innermost level out.
///
/// `let` binds in the nearest level that holds `let`s (a top level or a procedure call): a
/// `let` inside a loop body stays visible after the loop, as the static check knows; a
/// procedure's `let`s end with the call.
final class VariableScope {
    let parent: VariableScope?
    /// True for a level whose `let`s are its own (a top level, a procedure call); false for a
    /// loop's or a `def` call's, which only hold their variable or parameters.
    let holdsLets: Bool
    private var bindings: [String: Binding]

    init(parent: VariableScope? = nil, holdsLets: Bool = true, bindings: [String: Binding] = [:]) {
        self.parent = parent
        self.holdsLets = holdsLets
        self.bindings = bindings
    }

    /// The binding of `name` at the innermost level that has it.
    func lookup(_ name: String) -> Binding? {
        if let own = bindings[name] { return own }
        return parent?.lookup(name)
    }

    /// `let name = …`: binds at the nearest level that holds `let`s.
    func assign(_ name: String, _ binding: Binding) {
        if holdsLets || parent == nil {
            bindings[name] = binding
        } else {
            parent?.assign(name, binding)
        }
    }

    /// Binds at this level (a loop's variable, a parameter).
    func bind(_ name: String, _ binding: Binding) { bindings[name] = binding }

    /// Every name in sight with its binding, inner levels winning (for the planner's
    /// environment, the static check of a REPL entry and completion).
    var visible: [String: Binding] {
        var all = parent?.visible ?? [:]
        for (name, binding) in bindings { all[name] = binding }
        return all
    }
}

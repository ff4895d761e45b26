/// Folds one line's events, in (effective, seq) order, into its state.
public struct LineFold: Sendable {
    /// The state so far; nil until the line is announced.
    public private(set) var state: LineState?

    /// An empty fold.
    public init() {}

    /// A fold that continues from a state already reached.
    public init(state: LineState?) {
        self.state = state
    }

    /// Applies the next event of the line.
    public mutating func apply(_ event: LedgerEvent) {
        switch event.body {
        case .announced(let announcement):
            state = LineState(line: event.line, announcedOn: event.effective, announcement: announcement)
            return
        case .funded(let amount):
            state?.funded += amount
        case .amended(let amendment):
            if let amount = amendment.amount { state?.pledged = amount }
            if let title = amendment.title { state?.title = title }
            if let due = amendment.due { state?.due = due }
            if let money = amendment.money { state?.money = money }
        case .legislated(let stage, let bill, let house):
            state?.stage = stage
            state?.bill = bill
            state?.house = house
        case .slipped(let due, _):
            guard var current = state else { return }
            if let old = current.due {
                current.slippedDays += max(0, due.days(after: old))
            }
            current.due = due
            current.slips += 1
            state = current
        case .delivered:
            state?.status = .delivered
            state?.deliveredOn = event.effective
            let due = state?.due
            state?.lateDays = due.map { max(0, $0.lastDay.days(to: event.effective)) }
        case .withdrawn(_, let replacedBy):
            state?.status = .withdrawn
            state?.replacedBy = replacedBy
        case .responded(let response, _):
            state?.response = response
        case .progress:
            break
        case .corrected:
            // The ledger's own erratum, not something that happened to the commitment.
            return
        }
        if let current = state, event.effective > current.lastActivity { state?.lastActivity = event.effective }
    }

    /// Applies a `funded` event of the line by its amount alone.
    public mutating func fund(_ amount: Pence) {
        state?.funded += amount
    }

    /// Applies a `funded` event of the line by its amount and effective date alone.
    public mutating func fund(_ amount: Pence, on date: CivilDate) {
        state?.funded += amount
        if let current = state, date > current.lastActivity { state?.lastActivity = date }
    }

    /// The state of a line from its events (any order), counting only those dated on or
    /// before `date` (all when nil) and not in `retracted`.
    public static func state(
        of events: [StoredEvent],
        through date: CivilDate? = nil,
        excluding retracted: Set<String> = []
    ) -> LineState? {
        var fold = LineFold()
        for stored in sorted(events) {
            if let date, stored.event.effective > date { break }
            if retracted.contains(stored.event.id) { continue }
            fold.apply(stored.event)
        }
        return fold.state
    }

    /// The line's state after each distinct effective date: what `at D` reads for any D
    /// from that date up to the next entry. `initial` is the state before the first of `events`,
    /// when they are only the later part of a line's history.
    public static func timeline(
        of events: [StoredEvent],
        excluding retracted: Set<String> = [],
        startingFrom initial: LineState? = nil
    ) -> [(date: CivilDate, state: LineState?)] {
        var fold = LineFold(state: initial)
        var result: [(date: CivilDate, state: LineState?)] = []
        for stored in sorted(events) where !retracted.contains(stored.event.id) {
            fold.apply(stored.event)
            if let last = result.last, last.date == stored.event.effective {
                result[result.count - 1].state = fold.state
            } else {
                result.append((stored.event.effective, fold.state))
            }
        }
        return result
    }

    /// Events in fold order: by effective date, then by seq.
    public static func sorted(_ events: [StoredEvent]) -> [StoredEvent] {
        let precedes = { (first: StoredEvent, second: StoredEvent) in
            (first.event.effective, first.seq) < (second.event.effective, second.seq)
        }
        // Events noted in seq order are usually in fold order already (always when there is one).
        if zip(events, events.dropFirst()).allSatisfy(precedes) { return events }
        return events.sorted(by: precedes)
    }
}

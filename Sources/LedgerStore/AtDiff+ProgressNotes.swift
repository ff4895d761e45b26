import LedgerCore

extension AtDiff {
    /// The progress notes dated after `start` and by the end of `result`'s date, of the lines
    /// active since `start`, as recorded by `cutoff` when there is one; retracted ones left out.
    /// `history` gives a line's stored events (the store's, or the daemon's over the socket).
    public static func progressNotes(
        after start: CivilDate, through result: AtResult, cutoff: Timestamp?, history: (String) throws -> [HistoryEntry]
    ) throws -> [Note] {
        var notes: [Note] = []
        for snapshot in result.allLines where snapshot.state.lastActivity > start {
            for entry in try history(snapshot.state.line) where entry.retractedBy == nil {
                let event = entry.stored.event
                guard case .progress(let note) = event.body, event.effective > start, event.effective <= result.at else { continue }
                if let cutoff, entry.stored.recorded > cutoff { continue }
                notes.append(Note(department: snapshot.state.department, line: event.line, effective: event.effective, text: note))
            }
        }
        return notes
    }
}

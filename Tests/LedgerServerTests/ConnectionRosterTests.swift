import NIOCore
import NIOEmbedded
import Testing

@testable import LedgerServer

/// Who gets a connection slot: the per-user limit for readers, the slots kept for writers, and the
/// connection idle longest making way.
@Suite struct ConnectionRosterTests {
    private static func admit(_ roster: ConnectionRoster, user: UInt32, writer: Bool = false, at second: Int) -> (EmbeddedChannel, admitted: Bool, evicted: Channel?) {
        let channel = EmbeddedChannel()
        let now = ContinuousClock.Instant.now + .seconds(second)
        switch roster.admit(channel, user: user, writer: writer, now: now) {
        case .admitted(_, let evicting): return (channel, true, evicting)
        case .refused: return (channel, false, nil)
        }
    }

    @Test func aReaderBeyondItsUsersLimitIsRefusedWhileOthersAreServed() {
        let roster = ConnectionRoster(limits: .init(total: 100, perUser: 3, writerReserved: 10))
        let hog = (0..<5).map { Self.admit(roster, user: 65534, at: $0) }
        #expect(hog.map(\.admitted) == [true, true, true, false, false])
        #expect(hog.allSatisfy { $0.evicted == nil })
        #expect(Self.admit(roster, user: 1000, at: 6).admitted)
        #expect(Self.admit(roster, user: 0, writer: true, at: 7).admitted)
        #expect(roster.count == 5)
    }

    @Test func readersNeverTakeTheSlotsKeptForWriters() {
        let roster = ConnectionRoster(limits: .init(total: 4, perUser: 10, writerReserved: 2))
        let first = Self.admit(roster, user: 1000, at: 0)
        let second = Self.admit(roster, user: 1001, at: 1)
        // Reader slots are full: the reader idle longest makes way for a third reader.
        let third = Self.admit(roster, user: 1002, at: 2)
        #expect(third.admitted)
        #expect(third.evicted === first.0)
        #expect(second.admitted)
        // Writers take the two kept slots without evicting anyone.
        #expect(Self.admit(roster, user: 0, writer: true, at: 3).evicted == nil)
        #expect(Self.admit(roster, user: 0, writer: true, at: 4).evicted == nil)
        #expect(roster.count == 4)
        // A fifth writer finds every slot taken: a reader makes way, the one idle longest.
        let fifth = Self.admit(roster, user: 0, writer: true, at: 5)
        #expect(fifth.admitted)
        #expect(fifth.evicted === second.0)
        #expect(roster.evictions == 2)
    }

    @Test func aConnectionAnsweringARequestNeverMakesWay() {
        let roster = ConnectionRoster(limits: .init(total: 2, perUser: 10, writerReserved: 0))
        var seats: [ConnectionSeat] = []
        for second in 0..<2 {
            if case .admitted(let seat, _) = roster.admit(EmbeddedChannel(), user: 1000, writer: false, now: .now + .seconds(second)) {
                seats.append(seat)
            }
        }
        for seat in seats { seat.quiet(false) }
        #expect(!Self.admit(roster, user: 1001, at: 3).admitted)
        // Once one has answered it is quiet again, and may make way.
        seats[1].quiet(true)
        #expect(Self.admit(roster, user: 1001, at: 4).admitted)
        #expect(roster.count == 2)
        // A released seat frees its slot.
        seats[0].release()
        #expect(roster.count == 1)
    }
}

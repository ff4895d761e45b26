import LedgerCore
import LedgerProtocol
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import LedgerServer

/// A connection's pipelined appends are answered in the order they were sent, whatever order the
/// writer settles them in, and no more than `PipelinedAppends.limit` wait unanswered.
@Suite struct PipelinedAppendsTests {
    private static func report(_ seq: UInt64) -> Result<AppendReport, ProtocolError> {
        .success(AppendReport(appended: 1, duplicates: 0, firstSeq: seq, lastSeq: seq))
    }

    @Test func answersKeepTheOrderOfTheirAppendsWhenTheLaterSettlesFirst() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var appends = PipelinedAppends(executor: EventLoopExecutor(group.next()))
        let written = Mutex<[UInt64]>([])
        let first = AppendTicket(), second = AppendTicket()
        for ticket in [first, second] {
            appends.answer(ticket) { result in
                if case .success(let report) = result, let seq = report.firstSeq { written.withLock { $0.append(seq) } }
            }
        }
        // The second is settled first: its answer must wait for the first's.
        second.settle(Self.report(2))
        try await Task.sleep(for: .milliseconds(100))
        #expect(written.withLock { $0 }.isEmpty, "the second append was answered before the first")
        first.settle(Self.report(1))
        await appends.settle()
        #expect(written.withLock { $0 } == [1, 2])
        try await group.shutdownGracefully()
    }

    @Test func noMoreThanTheLimitWaitUnanswered() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var appends = PipelinedAppends(executor: EventLoopExecutor(group.next()))
        let tickets = (0...PipelinedAppends.limit).map { _ in AppendTicket() }
        for ticket in tickets.dropLast() {
            await appends.makeRoom()
            appends.answer(ticket) { _ in }
        }
        let roomMade = Atomic<Bool>(false)
        let next = Task { [appends] in
            var appends = appends
            await appends.makeRoom()
            roomMade.store(true, ordering: .sequentiallyConsistent)
        }
        try await Task.sleep(for: .milliseconds(100))
        let early = roomMade.load(ordering: .sequentiallyConsistent)
        #expect(!early, "room was made while \(PipelinedAppends.limit) appends were unanswered")
        tickets[0].settle(Self.report(1))
        await next.value
        let made = roomMade.load(ordering: .sequentiallyConsistent)
        #expect(made)
        for (index, ticket) in tickets.enumerated().dropFirst() { ticket.settle(Self.report(UInt64(index + 1))) }
        await appends.settle()
        try await group.shutdownGracefully()
    }
}

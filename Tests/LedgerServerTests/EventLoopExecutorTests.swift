import Dispatch
import NIOCore
import NIOPosix
import Testing

@testable import LedgerServer

/// A connection's task runs on its channel's event loop (`EventLoopExecutor`), and comes back to
/// it after waiting on another thread, as it does after each store read and each append.
@Suite struct EventLoopExecutorTests {
    @Test func aTaskThatPrefersALoopRunsOnItAndComesBackToIt() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loop = group.next()
        let executor = EventLoopExecutor(loop)
        let onTheLoop = await Task(executorPreference: executor) {
            var seen = [loop.inEventLoop]
            // Resumed from another thread, as a read on the read pool resumes the connection's task.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume() }
            }
            seen.append(loop.inEventLoop)
            // A child task inherits the preference: a subscriber's write and its time limit run there too.
            seen.append(await withTaskGroup(of: Bool.self) { children in
                children.addTask { loop.inEventLoop }
                return await children.next() ?? false
            })
            return seen
        }.value
        #expect(onTheLoop == [true, true, true])
        try await group.shutdownGracefully()
    }

    @Test func aTaskWithoutItRunsElsewhere() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let onTheLoop = await Task { loop.inEventLoop }.value
        #expect(!onTheLoop)
        try await group.shutdownGracefully()
    }

    @Test func onlyARequestLineLongerThan16KiBIsAnsweredOffTheLoop() {
        func line(_ count: Int) -> RequestFrame { .line(ByteBuffer(repeating: UInt8(ascii: " "), count: count)) }
        #expect(RequestHandler.longRequest == 16 << 10)
        #expect(!RequestHandler.isLong(line(0)))
        #expect(!RequestHandler.isLong(line(16 << 10)))
        #expect(RequestHandler.isLong(line((16 << 10) + 1)))
        // A line over the daemon's limit is refused without being parsed: nothing long to move.
        #expect(!RequestHandler.isLong(.tooLong(1 << 30)))
    }
}

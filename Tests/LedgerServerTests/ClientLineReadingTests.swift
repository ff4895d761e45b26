import Dispatch
import LedgerClient
import LedgerTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `LedgerConnection` reading answers off a real Unix socket, however the bytes are split into
/// reads: a line longer than many reads, several lines in one read, and enough lines to pass the
/// point where the client drops what it has already returned.
@Suite struct ClientLineReadingTests {
    /// Listens on a socket in a fresh directory, and on its first connection writes `pieces` one
    /// write each, then closes.
    private static func serve(_ pieces: [[UInt8]]) throws -> (directory: TemporaryDirectory, path: String, done: DispatchSemaphore) {
        let directory = try TemporaryDirectory("ledger-client")
        let path = directory.appending("answers.sock")
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        let bound = try UnixSocketAddress.with(path: path) { address, length in bind(listener, address, length) }
        // A socket that does not listen would leave the writer below waiting in `accept` for good.
        guard bound == 0, listen(listener, 1) == 0 else {
            close(listener)
            throw DaemonFailure(message: "cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let connection = accept(listener, nil, nil)
            for piece in pieces {
                var offset = 0
                while offset < piece.count {
                    let sent = piece[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if sent <= 0 { break }
                    offset += sent
                }
            }
            close(connection)
            close(listener)
            done.signal()
        }
        return (directory, path, done)
    }

    @Test func aLineLongerThanManyReadsComesWholeAndTheLinesAfterItInOrder() throws {
        // 300 KB of answer written a kilobyte at a time, its newline alone, then two short lines
        // in one write and a last line without a newline before the close.
        let long = (0..<300_000).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        var pieces = stride(from: 0, to: long.count, by: 1000).map { Array(long[$0..<min($0 + 1000, long.count)]) }
        pieces.append(Array("\n".utf8))
        pieces.append(Array("second\nthird\n".utf8))
        pieces.append(Array("last".utf8))
        let server = try Self.serve(pieces)
        let client = try LedgerConnection(path: server.path, timeout: .seconds(10))
        #expect(try client.receiveLine() == long)
        #expect(try client.receiveLine() == Array("second".utf8))
        #expect(try client.receiveLine() == Array("third".utf8))
        #expect(try client.receiveLine() == Array("last".utf8))
        #expect(try client.receiveLine() == nil)
        server.done.wait()
    }

    @Test func manyShortLinesInFewWritesComeOneByOne() throws {
        // 5,000 numbered lines (about 100 KB) in writes of 333 lines: more than the 64 KiB after
        // which the client drops the lines it has returned from its buffer.
        let lines = (0..<5_000).map { Array("line \($0) of the answers".utf8) }
        let pieces = stride(from: 0, to: lines.count, by: 333).map { first in
            lines[first..<min(first + 333, lines.count)].flatMap { $0 + [UInt8(ascii: "\n")] }
        }
        let server = try Self.serve(pieces)
        let client = try LedgerConnection(path: server.path, timeout: .seconds(10))
        for line in lines {
            let received = try client.receiveLine()
            #expect(received == line)
            if received != line { break }
        }
        #expect(try client.receiveLine() == nil)
        server.done.wait()
    }
}

import Foundation

/// Runs a built executable as a user would, capturing its output and exit status.
public struct CommandResult: Sendable {
    /// The exit status.
    public var status: Int32
    /// What it printed on standard output.
    public var output: String
    /// What it printed on standard error.
    public var errors: String
}

/// Runs the package's executables.
public enum CommandRunner {
    /// Runs `name` (a product of this package, or with `absolute` any program) with `arguments`,
    /// feeding `input` on standard input.
    public static func run(
        _ name: String, _ arguments: [String], input: String? = nil, environment: [String: String] = [:],
        absolute: Bool = false
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: absolute ? name : Paths.products + "/" + name)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "LEDGER_DB")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdout = Pipe()
        let stdin = Pipe()
        // Standard error goes to a file so a chatty child can never block on a full pipe.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = stdout
        process.standardError = errorHandle
        process.standardInput = stdin
        try process.run()
        // A command that hangs is killed after two minutes, so the test fails instead of hanging.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        defer { watchdog.cancel() }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let errData = (try? Data(contentsOf: errorFile)) ?? Data()
        return CommandResult(
            status: process.terminationStatus,
            output: String(decoding: outData, as: UTF8.self),
            errors: String(decoding: errData, as: UTF8.self)
        )
    }
}

import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--wide` and `--width N`: how wide the text for people may be. On a terminal it is fitted
/// to the terminal's width, `COLUMNS` overriding what the terminal reports; anything else gets
/// the full text.
struct WidthOptions: ParsableArguments {
    @Flag(help: "Print the full text however wide it is, as when the output is not a terminal.")
    var wide = false

    @Option(help: ArgumentHelp(
        "Fit the text to this many columns, whether the output is a terminal or not (default: the terminal's width, or $COLUMNS).",
        valueName: "n"
    ))
    var width: Int?

    func validate() throws {
        if wide && width != nil {
            throw ValidationError("--wide prints the full text and --width fits it to a width: give one of them")
        }
        if let width, width < 1 {
            throw ValidationError("--width takes a number of columns of at least 1, not \(width)")
        }
    }

    /// The columns to fit the text to, or nil for the full text.
    var columns: Int? {
        if wide { return nil }
        if let width { return width }
        return TerminalSize.standardOutputColumns()
    }
}

/// The width of the terminal standard output goes to.
enum TerminalSize {
    /// When standard output is a terminal: `COLUMNS` when it is set to a positive number, else
    /// the terminal's own width (TIOCGWINSZ); nil when it is not a terminal or says no width.
    static func standardOutputColumns() -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        if let text = getenv("COLUMNS"), let columns = Int(String(cString: text)), columns > 0 {
            return columns
        }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}

import Foundation
import SurveyFormats
#if canImport(Glibc)
import Glibc
#endif

// What a signal handler may touch: plain memory set up before the handlers are installed. The handler
// restores the terminal, says where the answers are, and leaves; the journal is already on the disk.
nonisolated(unsafe) private let savedMode = UnsafeMutablePointer<termios>.allocate(capacity: 1)
nonisolated(unsafe) private var rawModeActive: Int32 = 0
nonisolated(unsafe) private var signalMessage: UnsafeMutablePointer<UInt8>?
nonisolated(unsafe) private var signalMessageLength = 0
nonisolated(unsafe) private var windowChanged: Int32 = 0

private func restoreAndLeave(_ signal: Int32) {
    if rawModeActive != 0 {
        tcsetattr(0, TCSANOW, savedMode)
        rawModeActive = 0
    }
    let reset: StaticString = "\u{1B}[0m\u{1B}[?25h\r\n"
    _ = write(2, reset.utf8Start, reset.utf8CodeUnitCount)
    if let signalMessage, signalMessageLength > 0 { _ = write(2, signalMessage, signalMessageLength) }
    _exit(128 + signal)
}

private func noteWindowChange(_ signal: Int32) { windowChanged = 1 }

/// A key pressed at the terminal, decoded from the bytes raw mode delivers.
enum TerminalKey: Equatable {
    /// A printable character (UTF-8 decoded), digits included.
    case character(Character)
    case left, right, up, down
    case enter, backspace, escape, tab
    /// Ctrl-C: in raw mode it arrives as byte 3 (ISIG is off), and means «save and leave».
    case interrupt
    /// Ctrl-D, or the terminal went away.
    case endOfInput
    /// Ctrl-L: draw the screen again.
    case redraw
    /// Ctrl-U: clear the line being typed.
    case clearLine
    /// The window changed size.
    case resize
    /// Anything else (other control keys, function keys).
    case other
}

/// ANSI styling, off when `NO_COLOR` is set or `TERM=dumb` (and always off for piped output).
struct TerminalStyle {
    var enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }

    init(environment: [String: String]) {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        enabled = !noColor && environment["TERM"] != "dumb"
    }

    private func sgr(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { sgr("1", text) }
    func dim(_ text: String) -> String { sgr("2", text) }
    func accent(_ text: String) -> String { sgr("1;36", text) }
    func good(_ text: String) -> String { sgr("32", text) }
    func warning(_ text: String) -> String { sgr("1;33", text) }
    func chosen(_ text: String) -> String { sgr("1;32", text) }
}

/// The controlling terminal in raw mode (termios via Glibc: ECHO, ICANON and ISIG cleared, VMIN 1, VTIME 0):
/// one key at a time, no echo, Ctrl-C as a key. The original mode is restored on every way out: `restore()`
/// (called on normal ends and errors), and SIGINT, SIGTERM and SIGHUP handlers that restore and leave.
final class Terminal {
    let style: TerminalStyle
    private var active = false

    /// Enters raw mode on standard input; nil when it cannot (not a terminal).
    init?(environment: [String: String]) {
        style = TerminalStyle(environment: environment)
        guard tcgetattr(0, savedMode) == 0 else { return nil }
        var raw = savedMode.pointee
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        Self.installHandlers()
        rawModeActive = 1
        guard tcsetattr(0, TCSAFLUSH, &raw) == 0 else {
            rawModeActive = 0
            return nil
        }
        active = true
    }

    deinit { restore() }

    /// Puts the terminal back as it was. Safe to call more than once.
    func restore() {
        guard active else { return }
        active = false
        write(style.enabled ? "\u{1B}[0m\u{1B}[?25h" : "\u{1B}[?25h")
        tcsetattr(0, TCSAFLUSH, savedMode)
        rawModeActive = 0
        // The terminal is itself again: signals act as they normally do (their handlers speak of a session).
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH] { Glibc.signal(signal, SIG_DFL) }
    }

    /// What the signal handlers print after restoring the terminal (where the answers are, how to go on).
    func setLeaveMessage(_ text: String) {
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
        buffer.initialize(from: bytes, count: bytes.count)
        // The old buffer is left allocated: a handler may be reading it right now.
        signalMessageLength = 0
        signalMessage = buffer
        signalMessageLength = bytes.count
    }

    private static func installHandlers() {
        var leave = sigaction()
        leave.__sigaction_handler.sa_handler = restoreAndLeave
        sigemptyset(&leave.sa_mask)
        leave.sa_flags = 0
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaction(signal, &leave, nil) }
        var winch = sigaction()
        winch.__sigaction_handler.sa_handler = noteWindowChange
        sigemptyset(&winch.sa_mask)
        winch.sa_flags = 0  // no SA_RESTART: a blocked read returns, and the screen is drawn again
        sigaction(SIGWINCH, &winch, nil)
    }

    /// Columns and rows of the window (80×24 when the system cannot tell).
    var size: (columns: Int, rows: Int) {
        var window = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0 {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        return (80, 24)
    }

    func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Clears the screen and puts the cursor home.
    func clear() { write("\u{1B}[2J\u{1B}[H") }

    /// Waits for the next key.
    func readKey() -> TerminalKey {
        guard let byte = readByte() else { return windowChangedSinceLastLook() ? .resize : .endOfInput }
        switch byte {
        case 0x03: return .interrupt
        case 0x04: return .endOfInput
        case 0x0C: return .redraw
        case 0x15: return .clearLine
        case 0x09: return .tab
        case 0x0D, 0x0A: return .enter
        case 0x7F, 0x08: return .backspace
        case 0x1B: return escapeSequence()
        case 0x00..<0x20: return .other
        case 0x20..<0x80: return .character(Character(UnicodeScalar(byte)))
        default: return utf8Character(startingWith: byte)
        }
    }

    private func windowChangedSinceLastLook() -> Bool {
        if windowChanged != 0 {
            windowChanged = 0
            return true
        }
        return false
    }

    /// One byte from standard input; nil at the end of input or when a window change interrupted the wait.
    private func readByte(timeout milliseconds: Int32? = nil) -> UInt8? {
        while true {
            if let milliseconds {
                var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, milliseconds)
                if ready == 0 { return nil }
                if ready < 0 { if errno == EINTR { continue } else { return nil } }
            }
            var byte: UInt8 = 0
            let n = Glibc.read(0, &byte, 1)
            if n == 1 { return byte }
            if n < 0 && errno == EINTR {
                if windowChanged != 0 { return nil }
                continue
            }
            return nil
        }
    }

    /// ESC alone, or ESC [ X / ESC O X: the arrow keys (other sequences are read whole and ignored).
    private func escapeSequence() -> TerminalKey {
        guard let next = readByte(timeout: 40) else { return .escape }
        guard next == UInt8(ascii: "[") || next == UInt8(ascii: "O") else { return .other }
        var final: UInt8 = 0
        for _ in 0..<16 {
            guard let byte = readByte(timeout: 40) else { return .other }
            if (0x40...0x7E).contains(byte) { final = byte; break }
        }
        switch final {
        case UInt8(ascii: "D"): return .left
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        default: return .other
        }
    }

    private func utf8Character(startingWith lead: UInt8) -> TerminalKey {
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        var bytes = [lead]
        for _ in 1..<max(length, 1) {
            guard let byte = readByte(timeout: 100) else { break }
            bytes.append(byte)
        }
        guard let text = String(validating: bytes, as: UTF8.self), let character = text.first else { return .other }
        return .character(character)
    }

    /// A line typed at the prompt, with a small editor: backspace, Ctrl-U, Enter. The line is drawn again
    /// after every key from a saved cursor position, so long lines that wrap are erased correctly.
    enum LineResult: Equatable {
        case line(String)
        /// ← on an empty line: back to the previous question.
        case back
        /// Ctrl-C, Ctrl-D or the end of input: save and leave.
        case leave
    }

    func readLine(initial: String = "", allowBack: Bool = false) -> LineResult {
        var buffer = initial
        write("\u{1B}7" + buffer)
        while true {
            switch readKey() {
            case .character(let c):
                buffer.append(c)
                write(String(c))
                continue
            case .tab:
                buffer.append(" ")
                write(" ")
                continue
            case .backspace:
                guard !buffer.isEmpty else { continue }
                buffer.removeLast()
            case .clearLine:
                buffer = ""
            case .enter:
                write("\r\n")
                return .line(buffer)
            case .left where allowBack && buffer.isEmpty:
                return .back
            case .interrupt, .endOfInput:
                return .leave
            default:
                continue
            }
            write("\u{1B}8\u{1B}[J" + buffer)
        }
    }
}

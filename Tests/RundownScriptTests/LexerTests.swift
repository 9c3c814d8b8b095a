import RundownScript
import Testing

@Suite struct LexerTests {
    func tokens(_ line: String) throws -> [Token] {
        try Lexer.tokenize(line, location: here).get()
    }

    @Test func wordsIntegersAndPunctuation() throws {
        let t = try tokens("W: n = ExAcquireRundownProtectionEx R 0x10 -3 42")
        #expect(t.map(\.kind) == [.word, .colon, .word, .equals, .word, .word, .integer, .integer, .integer])
        #expect(
            t.map(\.text) == ["W", ":", "n", "=", "ExAcquireRundownProtectionEx", "R", "0x10", "-3", "42"])
        #expect(t.map(\.column) == [1, 2, 4, 6, 8, 37, 39, 44, 47])
    }

    @Test func colonWithoutBlanks() throws {
        let t = try tokens("T:ExAcquireRundownProtection R")
        #expect(t.map(\.kind) == [.word, .colon, .word, .word])
    }

    @Test func commentsEndTheLine() throws {
        #expect(try tokens("# a comment").isEmpty)
        #expect(try tokens("#> TRUE").isEmpty)
        #expect(try tokens("#! error[SYNTAX]: x").isEmpty)
        #expect(try tokens("#% skip: reason").isEmpty)
        #expect(
            try tokens("ExAcquireRundownProtection R # why").map(\.text) == [
                "ExAcquireRundownProtection", "R",
            ])
        #expect(
            try tokens("ExAcquireRundownProtection R#x").map(\.text) == ["ExAcquireRundownProtection", "R"])
    }

    @Test func tagsKeepHashAndBlanks() throws {
        let t = try tokens("C = ExAllocateCacheAwareRundownProtection PagedPool 'a#b '")
        #expect(t.last?.kind == .tag)
        #expect(t.last?.text == "a#b ")
        #expect(t.last?.length == 6)
        #expect(t.last?.spelling == "'a#b '")
    }

    @Test func stringsForFiles() throws {
        let t = try tokens(".read \"my file.rdsh\"")
        #expect(t.map(\.kind) == [.word, .string])
        #expect(t[1].text == "my file.rdsh")
    }

    @Test func unterminatedQuotePointsAtTheQuote() throws {
        let line = "C = ExAllocateCacheAwareRundownProtection PagedPool 'RdTg"
        guard case .failure(let d) = Lexer.tokenize(line, location: here) else {
            Issue.record("accepted")
            return
        }
        #expect(d.code == .syntax)
        #expect(d.location?.column == column(of: "'", in: line))
        #expect(d.message.contains("unterminated"))
        guard case .failure(let s) = Lexer.tokenize(".read \"x", location: here) else {
            Issue.record("accepted")
            return
        }
        #expect(s.location?.column == 7)
    }

    @Test func controlCharacterIsASyntaxError() throws {
        guard case .failure(let d) = Lexer.tokenize("ExAcquireRundownProtection \u{7}R", location: here)
        else {
            Issue.record("accepted")
            return
        }
        #expect(d.code == .syntax)
        #expect(d.location?.column == 28)
        #expect(d.message.contains("U+07"))
    }

    @Test func carriageReturnIsBlank() throws {
        #expect(
            try tokens("ExAcquireRundownProtection R\r").map(\.text) == ["ExAcquireRundownProtection", "R"])
    }

    @Test func columnsCountScalars() throws {
        let t = try tokens("ExAcquireRundownProtection Ré X")
        #expect(t[2].column == 31)
        #expect(t[1].length == 2)
    }

    @Test func integerForms() {
        #expect(Lexer.integerValue("42") == (false, 42))
        #expect(Lexer.integerValue("0x7FFFFFFF") == (false, 0x7FFF_FFFF))
        #expect(Lexer.integerValue("-1") == (true, 1))
        #expect(Lexer.integerValue("99999999999999999999999").magnitude == nil)
    }
}

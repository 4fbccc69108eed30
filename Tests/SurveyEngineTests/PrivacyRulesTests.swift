import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// The rules behind issue 15, with literals: which groups hide, which letters fold, which headers are what.
@Suite("Privacy and matching rules")
struct PrivacyRulesTests {
    @Test(arguments: [
        // sizes, minimum → hidden (name: reason)
        (["A": 25, "B": 13, "C": 2], 3, ["C": "small", "B": "complementary"]),
        (["A": 25, "C": 2], 3, ["C": "small", "A": "complementary"]),
        (["A": 25, "B": 1, "C": 1], 3, ["B": "small", "C": "small", "A": "complementary"]),
        (["A": 25, "B": 2, "C": 2], 3, ["B": "small", "C": "small"]),
        (["A": 25, "B": 13, "C": 13, "D": 2], 3, ["D": "small", "B": "complementary"]),
        (["A": 5, "B": 4], 3, [:]),
        (["A": 2], 3, ["A": "small"]),
    ])
    func complementarySuppression(sizes: [String: Int], minimum: Int, expected: [String: String]) {
        #expect(GroupSuppression.hidden(sizes: sizes, minimum: minimum).mapValues(\.rawValue) == expected)
    }

    @Test func lookAlikeLettersFoldOnlyToOneKnownWord() {
        let labels: Set<String> = ["согласен", "не согласен"]
        #expect(LookAlikeLetters.resolve("cогласен", in: labels.contains) == "согласен")
        #expect(LookAlikeLetters.resolve("hе согласен", in: labels.contains) == "не согласен")
        #expect(LookAlikeLetters.resolve("cоглсен", in: labels.contains) == nil)
        // Both readings known: ambiguous, not folded.
        #expect(LookAlikeLetters.resolve("cк", in: ["ск", "ck"].contains) == nil)
        #expect(LookAlikeLetters.resolve("5-k.1", in: ["5-к.1"].contains) == "5-к.1")
        let stray = LookAlikeLetters.stray(in: "Полностью Cогласен")
        #expect(stray?.letter == "C" && stray?.script == .latin && stray?.position == 11)
        #expect(LookAlikeLetters.stray(in: "dеficit")?.script == .cyrillic)
        #expect(LookAlikeLetters.stray(in: "Согласен") == nil)
        #expect(LookAlikeLetters.stray(in: "5-K.1") == nil, "no Cyrillic letter in the word: nothing to name")
    }

    @Test func rowNumberAndReasonColumnsAreRecognised() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        let matcher = HeaderMatcher(questionnaire: q)
        #expect(matcher.plan(["№ п/п", "ФИО", "1", "Ошибка"]).roles == [.ignored, .respondent, .item(0), .ignored])
        #expect(matcher.plan(["п/п", "1"]).roles == [.respondent, .item(0)], "alone, the row number names the row")
        #expect(matcher.plan(["№", "Ребёнок", "1"]).roles == [.ignored, .respondent, .item(0)])
        #expect(HeaderMatcher(questionnaire: q, idColumn: "Код").plan(["№п/п", "Код", "1"]).roles == [.ignored, .respondent, .item(0)])
        let school = matcher.plan(["ФИО", "Школа", "1"])
        #expect(school.problems.first?.hint?.contains("--keep \"Школа\"") == true)
        let english = HeaderMatcher(questionnaire: q, language: .en).plan(["ФИО", "Класс"])
        #expect(english.problems.first?.hint?.hasPrefix("looks like information about the respondent") == true)
    }

    @Test func everySpellingOfANameHasOneJournalKey() {
        let key = SessionJournal.key(respondent: "Морозова Татьяна Михайловна", stage: nil)
        #expect(SessionJournal.key(respondent: "морозова  татьяна михайловна", stage: nil) == key)
        #expect(SessionJournal.key(respondent: "МОРОЗОВА ТАТЬЯНА МИХАЙЛОВНА", stage: nil) == key)
        #expect(SessionJournal.key(respondent: "Семёнова", stage: "start") == SessionJournal.key(respondent: "Семенова", stage: "start"))
        #expect(SessionJournal.key(respondent: "Семенова", stage: "mid") != SessionJournal.key(respondent: "Семенова", stage: "start"))
        #expect(Response(respondent: "Иванова  Анна").identity == Response(respondent: "иванова анна").identity)
    }
}

/// `TextFolding.fold` takes a byte shortcut for Russian and ASCII text; it must fold exactly as the general path.
@Suite("Folding shortcut")
struct FoldingShortcutTests {
    /// The general path, as `fold` was before the shortcut.
    func general(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isWhitespace || scalar == "\u{00A0}" { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.unicodeScalars.append(" "); pendingSpace = false }
            out.unicodeScalars.append(scalar == "ё" ? "е" : scalar)
        }
        return out
    }

    @Test func theShortcutFoldsAsTheGeneralPath() {
        let alphabet = Array("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяABCXYZabcxyz019 .,-№\t\n\r")
        var random = SeededRandom(seed: 15)
        for _ in 0..<5000 {
            let text = String((0..<Int(random.next() % 24)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            #expect(TextFolding.fold(text) == general(text), "\(text.debugDescription)")
        }
        for text in ["  Морозова   Татьяна  ", "ЁЛКИН Семён", "Ѐ", "Ђорђе", "Айгерим Ә.", "naïve", "a\u{00A0}b", "\u{0085}x", ""] {
            #expect(TextFolding.fold(text) == general(text), "\(text.debugDescription)")
        }
    }

    /// FNV-1a 64, as `TabulationPart` fingerprints a folded name.
    func fnv(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// The tabulation hashes a name while folding it: the same fingerprint as hashing the folded name, and no
    /// fingerprint (the general path's turn) for text the byte fold does not take.
    @Test func theFoldedFingerprintIsTheFingerprintOfTheFoldedName() {
        let alphabet = Array("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяABCXYZabcxyz019 .,-№\t")
        var random = SeededRandom(seed: 16)
        var texts = ["  Морозова   Татьяна  ", "ЁЛКИН Семён", "Айгерим Ә.", "naïve", "", " ", "123456"]
        for _ in 0..<3000 { texts.append(String((0..<Int(random.next() % 24)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })) }
        for text in texts {
            var copy = text
            let fingerprint = copy.withUTF8 { TextFolding.foldedFNV1a($0) }
            var folded: [UInt8] = []
            let takes = copy.withUTF8 { TextFolding.foldRussianOrASCII($0, into: &folded) }
            #expect((fingerprint != nil) == takes, "\(text.debugDescription)")
            if let fingerprint { #expect(fingerprint == fnv(TextFolding.fold(text)), "\(text.debugDescription)") }
        }
    }
}

import Testing
@testable import TuopinCore

@Suite struct ResidentIDTests {
    let today = CivilDate(year: 2026, month: 11, day: 27)!

    @Test func acceptsAValidNumberAndDerivesBirthAndSex() throws {
        // 11010519491231002X is the standard's own example.
        let id = try ResidentID("11010519491231002x", today: today)
        #expect(id.value == "11010519491231002X")
        #expect(id.birthDate == CivilDate(year: 1949, month: 12, day: 31))
        #expect(id.sex == .female)
        #expect(id.masked == "110105***********X")
        #expect(ResidentID.birthDate(of: "11010519491231002X") == CivilDate(year: 1949, month: 12, day: 31))
        // Old masks in the audit log are shortened for roles without full identity.
        #expect(
            ResidentID.redactOldMasks(in: #"{"member":"格桑 540102********0016","x":"110105********002X"}"#)
                == #"{"member":"格桑 540102***********6","x":"110105***********X"}"#)
        #expect(ResidentID.redactOldMasks(in: "540102***********6 and 12345678") == "540102***********6 and 12345678")
        #expect(ResidentID.birthDate(of: "110105194902300021") == nil && ResidentID.birthDate(of: "1101051949") == nil)
    }

    @Test(arguments: [
        ("1101051949123100", ResidentID.Problem.length),
        ("11010519491231002Y", .characters),
        ("110105194902300021", .birthDate),  // 30 February
        ("110105203001010011", .birthDate),  // born in the future
        ("110105194912310021", .checkCharacter),
    ])
    func refusesMalformedNumbers(raw: String, problem: ResidentID.Problem) {
        #expect(throws: problem) { try ResidentID(raw, today: today) }
    }

    @Test func checkCharacterMatchesWeights() {
        #expect(ResidentID.checkCharacter(for: "11010519491231002") == "X")
        #expect(ResidentID.checkCharacter(for: "44052418800101001") == "4")
    }
}

/// What a school's (or a district's) view keeps of one teacher's deficit profile: her name, context and, per
/// area, the score, the band, the borderline mark and the priority — nothing else. The areas and bands are
/// the definition's own arrays, shared by every teacher scored with it, so a teacher costs one small array
/// (16 bytes an area) besides her name, instead of a `DeficitProfile` with its answers, weak statements and
/// missed tasks (about 20 KB). `group` keeps one per teacher of the district.
public struct TeacherSummary: Sendable, Equatable {
    /// One area of the teacher's profile, as the group view shows it.
    public struct Mark: Sendable, Equatable {
        /// 0–100; nil when the area has no score.
        public var score: Double?
        public var band: Band?
        public var borderline: Bool
        /// 1 = most urgent; nil when the area is no deficit.
        public var priority: Int?

        public var isDeficit: Bool { band?.deficit ?? false }
        public var isStrength: Bool { band?.strength ?? false }
    }

    /// A mark packed in 16 bytes: the score's bits (NaN when none), the band's index in `bandList` (−1 none),
    /// the borderline flag and the priority (0 none).
    struct Packed: Sendable, Equatable {
        var score: Double
        var band: Int16
        var borderline: Bool
        var priority: UInt16
    }

    public var respondent: String?
    /// The definition's version the answers were scored with.
    public var version: String
    public var context: TeacherContext
    /// The profile's areas (of its definition, in its order) and its definition's bands: shared arrays.
    let areaList: [Area]
    let bandList: [Band]
    /// Per area of `areaList`.
    let packed: [Packed]

    /// Keeps of `profile` what the group view needs. `bands` are the bands of the definition the profile was
    /// scored with (every band of a profile is one of them).
    public init(_ profile: DeficitProfile, areas: [Area], bands: [Band]) {
        respondent = profile.respondent
        version = profile.version
        context = profile.context
        // The profile's areas are the definition's, in order; share the definition's array when they are.
        let own = profile.areas.map(\.area)
        areaList = own == areas ? areas : own
        // Every band of a profile scored with the definition is one of its bands; a profile put together by
        // hand may carry another, which then gets a list of its own.
        var list = bands
        for area in profile.areas { if let band = area.band, !list.contains(band) { list.append(band) } }
        bandList = list
        packed = profile.areas.map { area in
            Packed(score: area.score ?? .nan, band: area.band.flatMap { list.firstIndex(of: $0) }.map(Int16.init) ?? -1,
                   borderline: area.borderline, priority: UInt16(area.priority ?? 0))
        }
    }

    /// The same from a profile scored with `q` (or with the definition whose areas and bands are given).
    public init(_ profile: DeficitProfile, questionnaire q: Questionnaire) {
        self.init(profile, areas: q.areas, bands: q.scoring.bands)
    }

    func unpack(_ p: Packed) -> Mark {
        Mark(score: p.score.isNaN ? nil : p.score, band: p.band >= 0 ? bandList[Int(p.band)] : nil, borderline: p.borderline,
             priority: p.priority > 0 ? Int(p.priority) : nil)
    }

    /// The teacher's mark in the area with this id (the first, as `DeficitProfile.areas.first` finds it).
    public func area(_ id: String) -> Mark? {
        guard let index = areaList.firstIndex(where: { $0.id == id }) else { return nil }
        return unpack(packed[index])
    }

    /// Every area of the profile in its order, with its id.
    public var marks: [(area: Area, mark: Mark)] { zip(areaList, packed).map { ($0, unpack($1)) } }

    /// The deficit areas, most urgent first (as `DeficitProfile.deficits`).
    public var deficits: [(area: Area, mark: Mark)] {
        marks.filter { $0.mark.isDeficit }.sorted { ($0.mark.priority ?? .max) < ($1.mark.priority ?? .max) }
    }

    public var strengths: [(area: Area, mark: Mark)] { marks.filter { $0.mark.isStrength } }

    /// At least one deficit: the teacher gets an individual route.
    public var hasDeficit: Bool { packed.contains { $0.band >= 0 && bandList[Int($0.band)].deficit } }
}

public import Foundation
public import VigilCore

/// When each update came out, where the advisories date the updates themselves.
///
/// Advisory sources date a vulnerability, not the update that fixes it, so an update's release is otherwise worked out
/// from the vulnerabilities it fixes (``EntryClasses/released(_:in:)``). Vigil's built-in catalogue adds the later
/// monthly rollups that contain an old fix as rows of their own month, so its earliest date for an update is the
/// update's own: KB5022338, which fixes MS17-010 on Windows 7, is January 2023's rollup, published under Extended
/// Security Updates only, not March 2017's. (A few of its rows keep WES-NG's revision dates, which are later; the
/// earliest is taken, so a note that an update came after support ended errs towards silence.)
public enum UpdateReleases {
    /// Per update (its KB number), the earliest date `advisories` give one of its fixes: the fix's own
    /// ``AdvisoryFix/released`` or else its advisory's ``Advisory/published``. Only for sources that date rows by
    /// update, as the built-in catalogue does; WES-NG's full definitions date a row by its vulnerability's revision.
    public static func dated(by advisories: [Advisory]) -> [UInt32: Date] {
        var releases: [UInt32: Date] = [:]
        for advisory in advisories {
            for fix in advisory.fixes {
                guard let kb = fix.kb.flatMap(AdvisoryIndex.number),
                    let date = fix.released ?? advisory.published
                else { continue }
                if releases[kb].map({ date < $0 }) ?? true { releases[kb] = date }
            }
        }
        return releases
    }
}

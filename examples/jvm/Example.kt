// How an existing municipal case system calls dls from the JVM (Kotlin; Java reads the same).
//
// Run it with the JVM tests (`bash tests/jvm/run.sh`, ExampleTest calls main), or on its own
// with the jar of dls-ffi/jvm (bash dls-ffi/jvm/build.sh) on the class path.
package nl.delokalesteunpilaar.dls.example

import nl.delokalesteunpilaar.dls.CaseRecord
import nl.delokalesteunpilaar.dls.DlsException
import nl.delokalesteunpilaar.dls.RuleSet
import nl.delokalesteunpilaar.dls.Router

fun main() {
    // 1. At start-up: load the municipality's rule set once (here the embedded pilot; in
    //    production RuleSet.fromFiles(Directory.fromFiles(...), listOf(".../GM0394.toml", ...))).
    //    A rule set that fails validation throws DlsException.Validation with every problem.
    val router = Router(RuleSet.pilot())

    // 2. Per intake: map your case record to a CaseRecord (no names, no BSN: a pseudonymous id).
    //    The first need is the household's central question; fields you do not have stay out.
    val case = CaseRecord(
        id = "intake-2026-000123",
        kern = "hoofddorp",
        needs = listOf("sociale_zaken.schulden.hulp", "zorg.wmo.huishouden"),
        age = 47,
        household = "single",
        urgency = "urgent",
        signals = listOf("rent_arrears"),
        incomePct = 110,
        opened = "2026-06-01",
        shareWithOrganisations = true,
    )

    // 3. Route: one decision per need, one coordinator, a readable explanation (the trace,
    //    why every other candidate lost, is off unless asked for).
    try {
        val decision = router.route(case, trace = true)
        for (need in decision.needs) {
            val where = when (need.outcome) {
                "gap" -> "gap (${need.gapReason})"
                else -> "${need.outcome} ${need.service} (${need.organisation})"
            }
            println("${need.need}: $where")
        }
        println("first point of contact: ${decision.firstContact?.service}")
        println(decision.explanation)
    } catch (e: DlsException.InvalidInput) {
        println("the intake is incomplete: ${e.reason}")
    }
}

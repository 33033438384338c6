package nl.delokalesteunpilaar.dls

import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * No personal data in exceptions (issue 13, item 4): names, BSN-shaped numbers, birth dates and
 * addresses in every field of a case (record and JSON), the routing date, rule text, coverage
 * and evaluation arguments and an event log; every exception's message and text scanned.
 */
class PiiTest {
    private val pii = listOf(
        "Jan de Vries", "111222333", "123456782", "1987-03-14", "14-03-1987",
        "Kerkstraat 12", "2132 AB Hoofddorp",
    )
    private val needles = listOf("Vries", "111222333", "123456782", "1987", "14-03", "Kerkstraat", "2132", "AB Hoofd")
    private val router = Router(RuleSet.pilot())
    private var tried = 0
    private var scanned = 0

    private fun scan(where: String, e: Throwable) {
        scanned++
        val text = "${e.message} || $e"
        for (n in needles) assertFalse(text.contains(n), "$where shows `$n`: $text")
    }

    private fun attempt(where: String, f: () -> Unit) {
        tried++
        try {
            f()
        } catch (e: DlsException) {
            scan(where, e)
        }
    }

    @Test
    fun `a BSN-shaped case id is refused without printing it`() {
        val case = pilotCases().first().copy(id = "111222333")
        val e = assertThrows<DlsException.InvalidInput> { router.route(case) }
        assertTrue(e.reason.contains("looks like a BSN"), e.reason)
        scan("route", e)
    }

    @Test
    fun `no exception shows personal data`() {
        val case = pilotCases().first()
        val need = """[{"need": "zorg.wmo.huishouden", "primary": true}]"""
        for (p in pii) {
            val n = p.toLongOrNull()
            attempt("id") { router.route(case.copy(id = p)) }
            attempt("kern") { router.route(case.copy(kern = p)) }
            attempt("needs") { router.route(case.copy(needs = listOf(p))) }
            if (n != null) attempt("age") { router.route(case.copy(age = n)) }
            attempt("urgency") { router.route(case.copy(urgency = p)) }
            attempt("signals") { router.route(case.copy(signals = listOf(p))) }
            if (n != null) attempt("income") { router.route(case.copy(incomePct = n)) }
            attempt("opened") { router.route(case.copy(opened = p)) }
            attempt("date") { router.route(case, p, false) }
            attempt("json id") { router.routeJson("""{"id": "$p", "kern": "hoofddorp", "needs": $need}""") }
            attempt("json kern") { router.routeJson("""{"id": "c1", "kern": "$p", "needs": $need}""") }
            attempt("json income") {
                router.routeJson("""{"id": "c1", "kern": "hoofddorp", "needs": $need, "attributes": {"income_pct": "$p"}}""")
            }
            attempt("json key") { router.routeJson("""{"id": "c1", "kern": "hoofddorp", "needs": $need, "$p": 1}""") }
            attempt("rule id") {
                RuleSet.fromText(Directory.pilot(), "[[rule]]\nid = \"$p\"\nneeds = [\"zorg\"]\narea = \"national\"\ntarget = \"not_covered\"\n", "toml", "r.toml")
            }
            attempt("rule priority") {
                RuleSet.fromText(Directory.pilot(), "[[rule]]\nid = \"r\"\nneeds = [\"zorg\"]\narea = \"national\"\ntarget = \"not_covered\"\npriority = \"$p\"\n", "toml", "r.toml")
            }
            attempt("coverage only") { RuleSet.pilot().coverage("2026-06-01", "GM0394", p) }
            attempt("coverage date") { RuleSet.pilot().coverage(p, "GM0394", "all") }
            attempt("evaluate by") { evaluateCsv(pilotEventsCsv(), listOf(p)) }
            attempt("evaluate disclosure") { evaluateCsv(pilotEventsCsv(), listOf("phase"), p) }
            attempt("evaluate csv") { evaluateCsv("case_id,timestamp,activity\n$p,$p,$p\n", listOf("phase")) }
        }
        println("pii (JVM): $tried inputs tried, $scanned exceptions scanned, 0 hits")
        assertTrue(scanned > 60, "$scanned")
    }

    @Test
    fun `no signal feed error shows personal data`() {
        val columns = listOf("signal_id", "partner", "kind", "household", "kern", "amount", "months_in_arrears", "date", "threatened")
        val good = listOf("s1", "ymere", "housing", "hh-a", "hoofddorp", "812.50", "3", "2026-03-02", "false")
        val goodCsv = columns.joinToString(",") + "\n" + good.joinToString(",") + "\n"
        var messages = 0
        for (p in pii) {
            for (i in columns.indices) {
                val fields = good.toMutableList().also { it[i] = "\"$p\"" }
                val csv = columns.joinToString(",") + "\n" + fields.joinToString(",") + "\n"
                var report = ""
                attempt("signal ${columns[i]}") { report = signalIntakeJson(csv, "2026-12-31") }
                // rejected rows are reported with their row and message: scan the whole report's
                // `rejected` part
                val rejected = report.substringAfter("\"rejected\"", "").substringBefore("]")
                if (rejected.contains("message")) messages++
                for (n in needles) assertFalse(rejected.contains(n), "signal ${columns[i]} shows `$n`: $rejected")
            }
            attempt("signal as_of") { signalIntakeJson(goodCsv, p) }
            attempt("signal events") {
                signalIntakeJson(goodCsv, "2026-12-31", 30u, """[{"case": "$p", "at": "2026-03-02T09:00:00Z", "activity": "opened"}]""")
            }
            attempt("signal event time") {
                signalIntakeJson(goodCsv, "2026-12-31", 30u, """[{"case": "c1", "at": "$p", "activity": "opened"}]""")
            }
        }
        println("pii (JVM, signal feed): $tried inputs tried, $scanned exceptions and $messages reports scanned, 0 hits")
        assertTrue(scanned + messages > 40, "$scanned + $messages")
    }
}

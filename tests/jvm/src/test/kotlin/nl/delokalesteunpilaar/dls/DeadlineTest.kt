package nl.delokalesteunpilaar.dls

import java.io.File
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Legal deadlines from Kotlin: tests/fixtures/deadlines (worked out by hand from the Awb and the
 * Algemene termijnenwet), replayed as in Rust (dls-core/tests/deadlines.rs) and pytest.
 */
class DeadlineTest {
    private val dir = File("../fixtures/deadlines")
    private val expected = JSONObject(File(dir, "expected.json").readText())
    private val csv = File(dir, "events.csv").readText()
    private val legal = File(dir, "legal.json").readText()

    private fun row(d: DeadlineRecord): Map<String, Any?> = mapOf(
        "case" to d.caseId, "clock" to d.clock, "start" to d.start, "due" to d.due,
        "stopped" to d.stopped, "status" to d.status, "days_over" to d.daysOver,
    )

    private fun expectedRow(o: JSONObject): Map<String, Any?> = mapOf(
        "case" to o.getString("case"), "clock" to o.getString("clock"),
        "start" to o.getString("start"), "due" to o.getString("due"),
        "stopped" to (if (o.isNull("stopped")) null else o.getString("stopped")),
        "status" to o.getString("status"),
        "days_over" to (if (o.isNull("days_over")) null else o.getLong("days_over")),
    )

    @Test
    fun `the deadline fixture replays`() {
        val d = evaluateDeadlines(csv, legal, expected.getString("as_of"))
        val rows = expected.getJSONArray("rows")
        assertEquals((0 until rows.length()).map { expectedRow(rows.getJSONObject(it)) }, d.deadlines.map(::row))
        val overdue = expected.getJSONArray("overdue")
        assertEquals((0 until overdue.length()).map { overdue.getString(it) }, d.overdue.map { it.caseId })
        val years = expected.getJSONArray("uncovered_years")
        assertEquals((0 until years.length()).map { years.getInt(it) }, d.uncoveredYears)
        assertEquals(emptyList<String>(), d.rejected)
    }

    @Test
    fun `the calendar is the caller's and bad settings are typed errors`() {
        val d = evaluateDeadlines(csv, """{"calendar": {"equated": []}}""", null)
        assertEquals("2026-05-15", d.deadlines.first { it.caseId == "d1" }.due)
        assertEquals(listOf(2026, 2028), d.uncoveredYears)
        assertThrows<DlsException.InvalidInput> { evaluateDeadlines(csv, """{"calendar": 3}""", null) }
        assertThrows<DlsException.InvalidInput> { evaluateDeadlines(csv, null, "yesterday") }
    }
}

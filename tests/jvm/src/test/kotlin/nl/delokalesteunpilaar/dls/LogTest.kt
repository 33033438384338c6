package nl.delokalesteunpilaar.dls

import java.io.File
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Event logs as they come, from Kotlin (issue 12): the municipal pm4py-style export
 * (tests/fixtures/logs) read through a mapping from its CSV, XES and Parquet files, with the
 * ingest report, grouped by its own channel column (`kanaal`); and the legal deadline fixture
 * (a decree day, a year past the calendar's last) through the same call.
 */
class LogTest {
    private val logs = File("../fixtures/logs")
    private val toml = File(logs, "municipal-pm4py.toml").readText()
    private val mapping = LogMapping.fromToml("dimensions = [\"kanaal\"]\n$toml")

    private fun casesByKey(r: LogEvaluationRecord): Map<List<String?>, ULong> =
        r.evaluation.aggregates.associate { it.key to it.figures!!.cases }

    // Z-001 states `telefoon`; Z-002's first row in the file states none, its earliest event
    // `loket`; Z-003 and Z-004 state none.
    private val byChannel = mapOf(
        listOf<String?>(null) to 2uL, listOf<String?>("loket") to 1uL, listOf<String?>("telefoon") to 1uL,
    )

    @Test
    fun `the export reads through a mapping with its ingest report`() {
        val r = evaluateLog(File(logs, "municipal-pm4py.csv").path, listOf("kanaal"), mapping, "raw")
        val e = r.evaluation
        assertEquals(21uL, e.rowsRead)
        assertEquals(19uL, e.rowsUsed)
        assertEquals(e.rowsRead, e.rowsUsed + e.rowsRejected)
        assertEquals(mapOf("Dossier bijgewerkt" to 1uL, "Huisbezoek" to 2uL), r.unmappedActivities)
        assertEquals(listOf("lifecycle:transition"), r.ignoredColumns)
        // The organisation with a space is cleared for its row, the case without a report
        // starts at its first event: both rows kept, with a warning.
        assertTrue(r.warnings.any { it.endsWith("field_cleared organisation") }, r.warnings.toString())
        assertTrue(r.warnings.any { it.endsWith("started_without_opened") }, r.warnings.toString())
        assertEquals(listOf("kanaal"), e.groupBy)
        assertEquals(byChannel, casesByKey(r))
        assertEquals("kanaal", r.dimensions.last())
    }

    @Test
    fun `xes and parquet files give the csv's answer`() {
        val csv = evaluateLog(File(logs, "municipal-pm4py.csv").path, listOf("kanaal", "kern"), mapping, "raw")
        for (f in listOf("municipal-pm4py.xes", "municipal-pm4py.parquet")) {
            val r = evaluateLog(File(logs, f).path, listOf("kanaal", "kern"), mapping, "raw")
            assertEquals(19uL, r.evaluation.rowsUsed, f)
            assertEquals(casesByKey(csv), casesByKey(r), f)
            assertEquals(csv.evaluation.perCase, r.evaluation.perCase, f)
        }
    }

    @Test
    fun `a mapping from its parts or a preset, and typed errors`() {
        val names = Regex("\"(.+)\" = \"(.+)\"").findAll(toml).associate { it.groupValues[1] to it.groupValues[2] }
        val parts = LogMapping.fromParts(
            LogMappingRecord(preset = "pm4py", columns = emptyMap(), activities = names, dimensions = listOf("kanaal")),
        )
        assertEquals(listOf("kanaal"), parts.dimensions())
        val path = File(logs, "municipal-pm4py.csv").path
        assertEquals(byChannel, casesByKey(evaluateLog(path, listOf("kanaal"), parts, "raw")))
        // The preset alone keeps every activity as `other` and no channel.
        val preset = evaluateLog(path, listOf("kern"), LogMapping.preset("pm4py"), "raw")
        assertEquals(19uL, preset.evaluation.rowsUsed)
        assertTrue("kanaal" in preset.ignoredColumns)
        val unknown = assertThrows<DlsException.InvalidInput> { evaluateLog(path, listOf("kanal"), mapping) }
        assertTrue(unknown.reason.contains("`week`, `kanaal`"), unknown.reason)
        assertThrows<DlsException.InvalidInput> { LogMapping.preset("celonis") }
        assertThrows<DlsException.InvalidInput> { LogMapping.fromToml("dimensions = [\"kern\"]") }
        assertThrows<DlsException.InvalidInput> {
            evaluateLog(path, listOf("kern"), LogMapping.fromToml("preset = \"pm4py\"\ndimensions = [\"channel\"]"))
        }
        assertThrows<DlsException.InvalidInput> { evaluateLog(File(logs, "write_pm4py.py").path, listOf("kern")) }
    }

    @Test
    fun `deadlines through a log file include a decree day and a year past the calendar`() {
        val dir = File("../fixtures/deadlines")
        val expected = JSONObject(File(dir, "expected.json").readText())
        val r = evaluateLog(
            File(dir, "events.csv").path, listOf("kern"), null, "raw", null,
            File(dir, "legal.json").readText(), expected.getString("as_of"),
        )
        // d1: melding on Good Friday 2026, six weeks end on Friday 15 May, equated with a
        // holiday by decree: due Monday 18 May, overdue by 14 days on 1 June.
        val d1 = r.deadlines.first { it.caseId == "d1" }
        assertEquals("2026-05-18", d1.due)
        assertEquals("overdue", d1.status)
        assertEquals(14L, d1.daysOver)
        assertEquals(listOf("d1"), r.overdue.map { it.caseId })
        // d4 falls in 2028, past the calendar's last equated day (2027): reported.
        assertEquals("2028-06-26", r.deadlines.first { it.caseId == "d4" }.due)
        assertEquals(listOf(2028), r.uncoveredYears)
        val rows = expected.getJSONArray("rows")
        assertEquals((0 until rows.length()).map { rows.getJSONObject(it).getString("due") }, r.deadlines.map { it.due })
    }

    /** The per-case records carry the case's dimensions as Python's `per_case()` table has them
     *  as columns (issue 12): the built-in ones, and every extra dimension of the mapping, null
     *  where the case states none. */
    @Test
    fun `per-case records carry the extra dimensions`() {
        for (f in listOf("municipal-pm4py.csv", "municipal-pm4py.parquet")) {
            val r = evaluateLog(File(logs, f).path, listOf("kern"), mapping, "raw")
            val byCase = r.evaluation.perCase.associateBy { it.case }
            assertEquals(setOf("Z-001", "Z-002", "Z-003", "Z-004"), byCase.keys, f)
            // read off the export: Z-001 by phone; Z-002's first row in the file states none,
            // its earliest event (the report) says `loket`; Z-003 and Z-004 state none
            val want = mapOf("Z-001" to "telefoon", "Z-002" to "loket", "Z-003" to null, "Z-004" to null)
            for ((case, channel) in want) {
                assertEquals(mapOf("kanaal" to channel), byCase.getValue(case).dimensions, "$f $case")
            }
            assertEquals("hoofddorp", byCase.getValue("Z-001").kern)
            assertEquals("nieuw-vennep", byCase.getValue("Z-002").kern)
            assertEquals("zorg.wmo", byCase.getValue("Z-001").need)
            // a case's opening keeps its fraction of a second (durations are in microseconds)
            assertEquals("2026-01-05T08:00:00.250000Z", byCase.getValue("Z-001").opened)
        }
        // without the mapping's dimensions, no extra keys
        val plain = evaluateLog(File(logs, "municipal-pm4py.csv").path, listOf("kern"), LogMapping.fromToml(toml), "raw")
        assertTrue(plain.evaluation.perCase.all { it.dimensions.isEmpty() })
    }
}

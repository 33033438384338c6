package nl.delokalesteunpilaar.dls

import java.io.File
import java.math.BigDecimal
import java.math.BigInteger
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.fail

/**
 * Replays every golden of tests/fixtures/manifest.json (format: tests/fixtures/README.md)
 * through the Kotlin API: the same decision rows and evaluation figures as the core
 * (dls-core/tests/golden.rs) and Python (tests/python/test_golden.py).
 */
class GoldenTest {
    private val fixtures = File("../fixtures")
    private val manifest = JSONObject(File(fixtures, "manifest.json").readText()).getJSONArray("goldens")
    private val entries = (0 until manifest.length()).map { manifest.getJSONObject(it) }

    @Test
    fun `the manifest has goldens of every kind`() {
        assertEquals(setOf("routing", "reroute", "what_if", "evaluation"), entries.map { it.getString("kind") }.toSet())
    }

    @TestFactory
    fun `every golden replays`(): List<DynamicTest> = entries.map { entry ->
        DynamicTest.dynamicTest(entry.getString("name")) {
            val golden = JSONObject(File(fixtures, entry.getString("golden")).readText())
            val name = entry.getString("name")
            when (val kind = entry.getString("kind")) {
                "routing" -> check(name, golden.getJSONArray("rows"), routing(entry))
                "reroute" -> check(name, golden.getJSONArray("rows"), reroute(entry))
                "what_if" -> {
                    val w = whatIf(router(entry, "rules"), router(entry, "rules_b"), cases(entry))
                    assertEquals(golden.getLong("cases"), w.cases.toLong(), "$name.cases")
                    assertEquals(golden.getLong("needs"), w.needs.toLong(), "$name.needs")
                    assertEquals(golden.getInt("errors"), w.errors.size, "$name.errors")
                    check("$name.changed", golden.getJSONArray("changed"), w.changed.map {
                        mapOf(
                            "case" to it.case, "need" to it.need,
                            "from_outcome" to it.fromOutcome, "from_service" to it.fromService, "from_rule" to it.fromRule,
                            "to_outcome" to it.toOutcome, "to_service" to it.toService, "to_rule" to it.toRule,
                        )
                    })
                    val gap = { g: GapChangeRecord -> mapOf("case" to g.case, "need" to g.need, "reason" to g.reason) }
                    check("$name.gaps_appeared", golden.getJSONArray("gaps_appeared"), w.gapsAppeared.map(gap))
                    check("$name.gaps_disappeared", golden.getJSONArray("gaps_disappeared"), w.gapsDisappeared.map(gap))
                    check("$name.load", golden.getJSONArray("load"), w.load.map {
                        mapOf(
                            "service" to it.service, "load_a" to it.loadA.toLong(), "load_b" to it.loadB.toLong(),
                            "open_places_a" to it.openPlacesA?.toLong(), "open_places_b" to it.openPlacesB?.toLong(),
                            "over_capacity_a" to it.overCapacityA, "over_capacity_b" to it.overCapacityB,
                        )
                    })
                }
                "evaluation" -> {
                    val ev = evaluateCsv(
                        File(fixtures, entry.getString("events")).readText(),
                        strings(entry.getJSONArray("by")),
                        entry.getString("disclosure"),
                    )
                    check("$name.per_case", golden.getJSONArray("per_case"), ev.perCase.map(::metrics))
                    check("$name.aggregates", golden.getJSONArray("aggregates"), ev.aggregates.map { cell(ev.groupBy, it) + mapOf("disclosure" to ev.disclosure) })
                }
                else -> fail("unknown golden kind `$kind`")
            }
        }
    }

    private fun strings(a: JSONArray) = (0 until a.length()).map { a.getString(it) }
    private fun paths(entry: JSONObject, field: String) = strings(entry.getJSONArray(field)).map { File(fixtures, it).path }

    private fun router(entry: JSONObject, rules: String): Router {
        val directory = Directory.fromFiles(paths(entry, "directory"))
        return Router(RuleSet.fromFiles(directory, paths(entry, rules)))
    }

    private fun caseJsons(entry: JSONObject): List<String> {
        val cases = JSONArray(File(fixtures, entry.getString("cases")).readText())
        return (0 until cases.length()).map { cases.getJSONObject(it).toString() }
    }

    /** The entry's cases as records, through the core's reading of a case's JSON form. */
    private fun cases(entry: JSONObject): List<CaseRecord> = caseJsons(entry).map { caseFromJson(it) }

    private fun rows(d: DecisionRecord): List<Map<String, Any?>> = d.needs.map { n ->
        mapOf(
            "case" to n.case, "need" to n.need, "primary" to n.primary, "outcome" to n.outcome,
            "service" to n.service, "organisation" to n.organisation, "rule" to n.rule,
            "layer" to n.layer, "gap_reason" to n.gapReason, "cannot_get_through" to n.cannotGetThrough,
            "coordinator" to n.coordinator, "first_contact" to n.firstContact,
        )
    }

    /** Every case on its own `opened` date, without trace: one row per need, primary first. */
    private fun routing(entry: JSONObject): List<Map<String, Any?>> {
        val router = router(entry, "rules")
        return caseJsons(entry).flatMap { rows(router.routeJson(it)) }
    }

    /** Every case whose primary need goes to a service, routed again after that service said no. */
    private fun reroute(entry: JSONObject): List<Map<String, Any?>> {
        val router = router(entry, "rules")
        return cases(entry).flatMap { case ->
            val service = router.route(case).needs[0].service ?: return@flatMap emptyList()
            rows(router.reroute(case, null, service, entry.getString("outcome")))
        }
    }

    private fun metrics(m: CaseMetricsRecord): Map<String, Any?> = mapOf(
        "case" to m.case, "first_contact_days" to m.firstContactDays, "right_place_days" to m.rightPlaceDays,
        "reached_right_place" to m.reachedRightPlace, "handoffs" to m.handoffs.toLong(), "bounces" to m.bounces.toLong(),
        "loops" to m.loops.toLong(), "organisations" to m.organisations.toLong(), "escalations" to m.escalations.toLong(),
        "resolved" to m.resolved, "reopened" to m.reopened,
    )

    private fun cell(groupBy: List<String>, a: AggregateRecord): Map<String, Any?> {
        val f = a.figures
        return groupBy.zip(a.key).toMap() + mapOf(
            "suppressed" to a.suppressed,
            "cases" to f?.cases?.toLong(),
            "first_contact_ended" to f?.firstContactEnded?.toLong(), "first_contact_open" to f?.firstContactOpen?.toLong(),
            "right_place_ended" to f?.rightPlaceEnded?.toLong(), "right_place_open" to f?.rightPlaceOpen?.toLong(),
            "handoffs" to f?.handoffs?.toLong(), "bounces" to f?.bounces?.toLong(), "loops" to f?.loops?.toLong(),
            "escalations" to f?.escalations?.toLong(), "resolved" to f?.resolved?.toLong(), "reopened" to f?.reopened?.toLong(),
            "first_contact_median_days" to f?.firstContactMedianDays, "right_place_median_days" to f?.rightPlaceMedianDays,
            "handoffs_per_case" to f?.handoffsPerCase, "bounce_rate" to f?.bounceRate, "loop_rate" to f?.loopRate,
            "escalation_rate" to f?.escalationRate, "resolved_rate" to f?.resolvedRate, "reopened_rate" to f?.reopenedRate,
        )
    }

    /** Integers, strings, bools and nulls exactly; numbers with a fraction within 1e-9 (relative). */
    private fun same(want: Any?, got: Any?): Boolean = when (want) {
        null, JSONObject.NULL -> got == null
        is Int, is Long, is BigInteger -> got is Long && (want as Number).toLong() == got
        is Double, is Float, is BigDecimal -> (want as Number).toDouble().let { w ->
            got is Double && Math.abs(w - got) <= maxOf(1e-12, 1e-9 * maxOf(Math.abs(w), Math.abs(got)))
        }
        else -> want == got
    }

    private fun check(name: String, want: JSONArray, got: List<Map<String, Any?>>) {
        assertEquals(want.length(), got.size, "$name: ${got.size} rows, the golden has ${want.length()}")
        for (i in 0 until want.length()) {
            val w = want.getJSONObject(i)
            for (key in w.keys()) {
                assertTrue(got[i].containsKey(key), "$name[$i]: no column `$key`")
                assertTrue(same(w.get(key), got[i][key]), "$name[$i].$key: golden ${w.get(key)}, Kotlin ${got[i][key]}")
            }
        }
    }
}

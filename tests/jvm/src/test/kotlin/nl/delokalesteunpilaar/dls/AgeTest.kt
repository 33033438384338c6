package nl.delokalesteunpilaar.dls

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

/** Age in whole years from Kotlin: a 65+ service and an adult one at their boundaries, a bad
 * age refused with the field named, coverage split inside a band, a rule over two kernen; the
 * world and its answers are the shared fixture tests/fixtures/ages/ (Rust and Python read it too). */
class AgeTest {
    private val world = File("../fixtures/ages")
    private val expected = JSONObject(File(world, "expected.json").readText())
    private val date = expected.getString("date")
    private val directory = Directory.fromText(File(world, "directory.toml").readText(), "toml", "ages/directory.toml")
    private val rules = RuleSet.fromText(directory, File(world, "rules.toml").readText(), "toml", "ages/rules.toml")
    private val router = Router(rules)

    private fun entries(key: String): List<JSONObject> =
        expected.getJSONArray(key).let { a -> (0 until a.length()).map { a.getJSONObject(it) } }

    private fun case(need: String, age: Long?, kern: String = "dorp") =
        CaseRecord(id = "c-1", kern = kern, needs = listOf(need), age = age, opened = date)

    @Test
    fun `every route of the shared fixture lands on its service by its rule`() {
        val routes = entries("routes")
        assertTrue(routes.size >= 12)
        for (r in routes) {
            val age = if (r.isNull("age")) null else r.getLong("age")
            val n = router.route(case(r.getString("need"), age, r.optString("kern", "dorp"))).needs[0]
            assertEquals(r.getString("service"), n.service, r.toString())
            assertEquals(if (r.isNull("rule")) null else r.getString("rule"), n.rule, r.toString())
        }
        // the same in one batch
        val batch = router.routeBatch(routes.map { r ->
            case(r.getString("need"), if (r.isNull("age")) null else r.getLong("age"), r.optString("kern", "dorp"))
        }, null)
        assertEquals(routes.map { it.getString("service") }, batch.map { it.decision!!.needs[0].service })
    }

    @Test
    fun `a 65+ service takes 65 and older`() {
        val got = listOf(64L, 65L, 66L, 67L).map { router.route(case("zorg.advies", it)).needs[0].service }
        assertEquals(listOf("algemeen-advies", "ouderenadviseur", "ouderenadviseur", "ouderenadviseur"), got)
        assertEquals("ouderenadviseur", router.route(case("zorg.advies", 70, "gehucht")).needs[0].service)
        // no age stated: not for the 65+ service
        assertEquals("algemeen-advies", router.route(case("zorg.advies", null)).needs[0].service)
    }

    @Test
    fun `an adult service starts at 18 and a rule names both kernen`() {
        assertEquals("wmo-loket", router.route(case("zorg.wmo", 18)).needs[0].service)
        // the rule `wmo` names kern dorp and kern gehucht
        for (kern in listOf("dorp", "gehucht")) {
            assertEquals("wmo", router.route(case("zorg.wmo", 30, kern)).needs[0].rule, kern)
        }
        // 17: the adult service's rule is tried first and is ineligible by age; the youth one takes it
        val young = router.route(case("zorg.wmo", 17), trace = true).needs[0]
        assertEquals("ineligible", young.trace.first { it.rule == "wmo" }.verdict)
        assertEquals("jeugdteam", young.service)
    }

    @Test
    fun `school help holds from 4 through 11`() {
        val taken = (0L..17L).filter { router.route(case("zorg.school", it)).needs[0].service == "jeugdteam" }
        val want = expected.getJSONArray("school_ages").let { a -> (0 until a.length()).map { a.getLong(it) } }
        assertEquals(want, taken)
    }

    @Test
    fun `a bad age is refused with the field and never repeated`() {
        val old = assertThrows<DlsException.InvalidInput> { router.route(case("zorg.advies", 131)) }
        assertEquals("field `age`: age above 130 years", old.reason)
        val negative = assertThrows<DlsException.InvalidInput> { router.route(case("zorg.advies", -7)) }
        assertEquals("field `age`: age below 0", negative.reason)
        assertFalse(negative.reason.contains("7"))
        // a batch: the bad cases in their place, the others routed
        val bad = entries("bad_ages")
        val batch = router.routeBatch(listOf(case("zorg.advies", 66)) + bad.map { case("zorg.advies", it.getLong("age")) }, null)
        assertEquals("ouderenadviseur", batch[0].decision!!.needs[0].service)
        for ((b, r) in bad.zip(batch.drop(1))) {
            assertEquals("bad_input", r.errorKind)
            assertEquals(b.getString("error"), r.error)
            assertFalse(r.error!!.contains(Math.abs(b.getLong("age")).toString()))
        }
    }

    @Test
    fun `coverage splits the adult band at 65`() {
        val rows = rules.coverage(date).filter { it.kern == "dorp" && it.need == "zorg.advies" }
        assertEquals(
            listOf(Triple("adult", 23u.toUByte(), 64u.toUByte()), Triple("adult", 65u.toUByte(), 66u.toUByte())),
            rows.filter { it.ageBand == "adult" }.map { Triple(it.ageBand, it.ageMin, it.ageMax) },
        )
        val want = expected.getJSONArray("advice_coverage").let { a ->
            (0 until a.length()).map { a.getJSONArray(it).let { r -> listOf(r.getString(0), r.getInt(1), r.getInt(2), r.getString(3)) } }
        }
        assertEquals(want, rows.map { listOf(it.ageBand, it.ageMin.toInt(), it.ageMax.toInt(), it.service) })
    }
}

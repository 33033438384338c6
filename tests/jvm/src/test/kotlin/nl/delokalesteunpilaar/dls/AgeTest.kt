package nl.delokalesteunpilaar.dls

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Age in whole years from Kotlin: a 65+ service and an adult one at their boundaries, a bad
 * age refused with the field named, coverage split inside a band, rules over several kernen. */
class AgeTest {
    private val directory = Directory.fromText(
        """
        [[municipality]]
        code = "GM0001"
        name = "Testgemeente"

        [[kern]]
        id = "dorp"
        name = "Dorp"
        municipality = "GM0001"

        [[kern]]
        id = "gehucht"
        name = "Gehucht"
        municipality = "GM0001"

        [[domain]]
        code = "zorg"
        label = "Zorg"

        [[need]]
        code = "zorg.advies"
        label = "Advies"

        [[need]]
        code = "zorg.wmo"
        label = "Wmo"

        [[organisation]]
        id = "gemeente"
        name = "Gemeente"
        kind = "municipality"

        [[service]]
        id = "ouderenadviseur"
        organisation = "gemeente"
        name = "Ouderenadviseur"
        needs = ["zorg.advies"]
        areas = ["GM0001"]
        eligibility = { age = { min = 65 } }

        [[service]]
        id = "algemeen-advies"
        organisation = "gemeente"
        name = "Algemeen advies"
        needs = ["zorg.advies"]
        areas = ["GM0001"]

        [[service]]
        id = "wmo-loket"
        organisation = "gemeente"
        name = "Wmo-loket"
        needs = ["zorg.wmo"]
        areas = ["GM0001"]
        eligibility = { age = { min = 18 } }
        """.trimIndent(),
        "toml",
        "directory.toml",
    )
    private val rules = RuleSet.fromText(
        directory,
        """
        [[rule]]
        id = "advies-65"
        needs = ["zorg.advies"]
        areas = ["kern:dorp", "kern:gehucht"]
        target = "service:ouderenadviseur"
        priority = 10

        [[rule]]
        id = "advies"
        needs = ["zorg.advies"]
        area = "GM0001"
        target = "service:algemeen-advies"

        [[rule]]
        id = "wmo"
        needs = ["zorg.wmo"]
        area = "GM0001"
        target = "service:wmo-loket"
        """.trimIndent(),
        "toml",
        "rules.toml",
    )
    private val router = Router(rules)

    private fun case(need: String, age: Long?, kern: String = "dorp") =
        CaseRecord(id = "c-1", kern = kern, needs = listOf(need), age = age, opened = "2026-03-01")

    @Test
    fun `a 65+ service takes 65 and older`() {
        val got = listOf(64L, 65L, 66L, 67L).map { router.route(case("zorg.advies", it)).needs[0].service }
        assertEquals(listOf("algemeen-advies", "ouderenadviseur", "ouderenadviseur", "ouderenadviseur"), got)
        // the rule names both kernen
        assertEquals("ouderenadviseur", router.route(case("zorg.advies", 70, "gehucht")).needs[0].service)
        // no age stated: not for the 65+ service
        assertEquals("algemeen-advies", router.route(case("zorg.advies", null)).needs[0].service)
    }

    @Test
    fun `an adult service starts at 18`() {
        assertEquals("wmo-loket", router.route(case("zorg.wmo", 18)).needs[0].service)
        val young = router.route(case("zorg.wmo", 17), trace = true).needs[0]
        assertEquals("gap", young.outcome)
        assertEquals("ineligible", young.trace.first { it.rule == "wmo" }.verdict)
    }

    @Test
    fun `a bad age is refused with the field and never repeated`() {
        val old = assertThrows<DlsException.InvalidInput> { router.route(case("zorg.advies", 131)) }
        assertEquals("field `age`: age above 130 years", old.reason)
        val negative = assertThrows<DlsException.InvalidInput> { router.route(case("zorg.advies", -7)) }
        assertEquals("field `age`: age below 0", negative.reason)
        assertFalse(negative.reason.contains("7"))
        // a batch: the bad case in its place, the others routed
        val batch = router.routeBatch(listOf(case("zorg.advies", 66), case("zorg.advies", 200)), null)
        assertEquals("ouderenadviseur", batch[0].decision!!.needs[0].service)
        assertEquals("bad_input", batch[1].errorKind)
        assertEquals("field `age`: age above 130 years", batch[1].error)
    }

    @Test
    fun `coverage splits the adult band at 65`() {
        val rows = rules.coverage("2026-03-01").filter { it.kern == "dorp" && it.need == "zorg.advies" }
        assertEquals(
            listOf(Triple("adult", 23u.toUByte(), 64u.toUByte()), Triple("adult", 65u.toUByte(), 66u.toUByte())),
            rows.filter { it.ageBand == "adult" }.map { Triple(it.ageBand, it.ageMin, it.ageMax) },
        )
    }
}

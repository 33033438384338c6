package nl.delokalesteunpilaar.dls

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Declared attributes from Kotlin (issue 11): a municipality adds a fourth urgency level, a
 * boolean and an enumeration; cases use them (the urgency field of a record, any attribute in
 * case JSON) and route as the rules say; an unknown one is refused with the closest declared. */
class VocabularyTest {
    private val directory = Directory.fromText(
        """
        [attribute.urgency]
        values = ["acute"]

        [attribute.has_wlz_indication]
        kind = "boolean"

        [attribute.language]
        kind = "enum"
        values = ["nl", "en", "ar", "tr"]

        [[municipality]]
        code = "GM0001"
        name = "Testgemeente"

        [[kern]]
        id = "dorp"
        name = "Dorp"
        municipality = "GM0001"

        [[domain]]
        code = "zorg"
        label = "Zorg"

        [[need]]
        code = "zorg.advies"
        label = "Advies"

        [[organisation]]
        id = "gemeente"
        name = "Gemeente"
        kind = "municipality"

        [[service]]
        id = "crisisdienst"
        organisation = "gemeente"
        name = "Crisisdienst"
        needs = ["zorg.advies"]
        areas = ["GM0001"]

        [[service]]
        id = "wlz-loket"
        organisation = "gemeente"
        name = "Wlz-loket"
        needs = ["zorg.advies"]
        areas = ["GM0001"]
        eligibility = { has_wlz_indication = true }

        [[service]]
        id = "tolk-advies"
        organisation = "gemeente"
        name = "Advies met tolk"
        needs = ["zorg.advies"]
        areas = ["GM0001"]
        eligibility = { language = { in = ["ar", "tr"] } }

        [[service]]
        id = "advies"
        organisation = "gemeente"
        name = "Advies"
        needs = ["zorg.advies"]
        areas = ["GM0001"]
        """.trimIndent(),
        "toml",
        "ext/directory.toml",
    )
    private val router = Router(
        RuleSet.fromText(
            directory,
            """
            [[rule]]
            id = "acuut"
            needs = ["zorg.advies"]
            area = "GM0001"
            when = { urgency = { min = "acute" } }
            target = "service:crisisdienst"
            priority = 30

            [[rule]]
            id = "wlz"
            needs = ["zorg.advies"]
            area = "GM0001"
            target = "service:wlz-loket"
            priority = 20

            [[rule]]
            id = "tolk"
            needs = ["zorg.advies"]
            area = "GM0001"
            target = "service:tolk-advies"
            priority = 10

            [[rule]]
            id = "advies"
            needs = ["zorg.advies"]
            area = "GM0001"
            target = "service:advies"
            """.trimIndent(),
            "toml",
            "ext/rules.toml",
        ),
    )

    private fun json(attributes: String) =
        """{"id": "c-1", "kern": "dorp", "opened": "2026-03-01", "needs": [{"need": "zorg.advies", "primary": true}], "attributes": $attributes}"""

    @Test
    fun `a municipality extension routes as written`() {
        val cases = listOf(
            """{"urgency": "acute"}""" to "crisisdienst",
            """{"urgency": "crisis"}""" to "advies",
            """{"has_wlz_indication": true}""" to "wlz-loket",
            """{"has_wlz_indication": false}""" to "advies",
            """{"language": "ar"}""" to "tolk-advies",
            """{"language": "nl"}""" to "advies",
            """{"language": "tr", "has_wlz_indication": true}""" to "wlz-loket",
            """{"urgency": "acute", "language": "tr", "has_wlz_indication": true}""" to "crisisdienst",
            """{}""" to "advies",
        )
        for ((attributes, want) in cases) {
            assertEquals(want, router.routeJson(json(attributes)).needs[0].service, attributes)
        }
        // the declared fourth level through a record's urgency field
        val record = CaseRecord(id = "c-2", kern = "dorp", needs = listOf("zorg.advies"), urgency = "acute", opened = "2026-03-01")
        assertEquals("crisisdienst", router.route(record).needs[0].service)
    }

    @Test
    fun `unknown attributes and words name the closest declared one`() {
        val e = assertThrows<DlsException.Routing> { router.routeJson(json("""{"langauge": "ar"}""")) }
        assertEquals("case `c-1`: unknown attribute `langauge`; did you mean `language`", e.reason)
        val record = CaseRecord(id = "c-3", kern = "dorp", needs = listOf("zorg.advies"), urgency = "acutte", opened = "2026-03-01")
        val w = assertThrows<DlsException.InvalidInput> { router.route(record) }
        assert(w.reason.contains("did you mean `acute`")) { w.reason }
    }
}

package nl.delokalesteunpilaar.dls

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** HSDS 3.0 and tabular directories from Kotlin: the same results as the Rust tests
 * (dls-core/tests/hsds.rs, tabular.rs, own_coverage.rs). */
class HsdsTest {
    private val spec: Path = Paths.get(System.getProperty("user.dir"), "..", "..", "..", "shared", "data", "hsds-3.0")
        .normalize()
        .also { assertTrue(Files.isDirectory(it), "HSDS reference data missing at $it") }

    private val base = Directory.fromText(
        """
        [[municipality]]
        code = "GM0394"
        name = "Haarlemmermeer"

        [[kern]]
        id = "hoofddorp"
        name = "Hoofddorp"
        municipality = "GM0394"

        [[kern]]
        id = "badhoevedorp"
        name = "Badhoevedorp"
        municipality = "GM0394"

        [[domain]]
        code = "zorg"
        label = "Zorg"

        [[need]]
        code = "zorg.ggz"
        label = "GGZ"

        [[need]]
        code = "zorg.ggz.basis"
        label = "Basis-GGZ"
        """.trimIndent(),
        "toml",
        "base.toml",
    )

    private val example = "ac148810-d857-441c-9679-408f346de14b"

    private fun mapping(): String {
        val f = Files.createTempFile("mapping", ".toml")
        Files.writeString(
            f,
            """
            organisation_kind = "health"
            [needs]
            "code" = ["zorg.ggz.basis"]
            [areas]
            "381c64f1-a724-4884-9c21-ac96c21cca3e" = ["GM0394"]
            """.trimIndent(),
        )
        return f.toString()
    }

    private fun case(age: Long) =
        CaseRecord(id = "c-1", kern = "hoofddorp", needs = listOf("zorg.ggz.basis"), age = age, opened = "2026-06-01")

    @Test
    fun `the spec's service imports with its unused fields listed and routes by age`() {
        val dir = Directory.fromHsds(listOf(spec.resolve("examples/service_full.json").toString()), base, mapping())
        assertEquals(listOf(example), dir.serviceIds())
        assertTrue(dir.importNotes().any { it.contains("field `description`: not used by dls") })
        val rules = RuleSet.fromText(
            dir,
            "[[rule]]\nid = \"gm\"\nneeds = [\"zorg.ggz.basis\"]\narea = \"GM0394\"\ntarget = \"service:$example\"\n",
            "toml",
            "rules.toml",
        )
        val router = Router(rules)
        assertNull(router.route(case(11)).needs[0].service) // minimum_age 12
        assertEquals(example, router.route(case(12)).needs[0].service)
    }

    @Test
    fun `the pilot goes out as HSDS and comes back with the same services`() {
        val pilot = Directory.pilot()
        val f = Files.createTempFile("pilot", ".json")
        Files.writeString(f, pilot.toHsds())
        val back = Directory.fromHsds(listOf(f.toString()), pilot, null)
        assertEquals(pilot.serviceIds(), back.serviceIds())
        assertEquals(emptyList<String>(), back.importNotes())
    }

    @Test
    fun `a table routes by a service's own coverage and bad cells name row and column`() {
        val folder = Files.createTempDirectory("tables")
        Files.writeString(folder.resolve("organisations.csv"), "id,name,kind\nwelzijn,Welzijn,welfare\n")
        Files.writeString(
            folder.resolve("services.csv"),
            "id,organisation,name,needs,areas,age_min,priority\nouderen,welzijn,Ouderen,zorg.ggz.basis,kern:hoofddorp;kern:badhoevedorp,65,0\n",
        )
        val dir = Directory.fromTables(folder.toString(), base)
        val router = Router(RuleSet.fromText(dir, "strict = false\n", "toml", "rules.toml"))
        val d = router.route(case(70)).needs[0]
        assertEquals("ouderen", d.service)
        assertEquals("coverage:ouderen", d.rule)
        assertNull(router.route(case(64)).needs[0].service)

        Files.writeString(folder.resolve("services.csv"), "id,organisation,name,needs,areas,age_min\na,welzijn,A,zorg.ggz.basis,GM0394,131\n")
        val e = assertThrows<DlsException.InvalidInput> { Directory.fromTables(folder.toString(), base) }
        assertTrue(e.reason.contains("row 1, column `age_min`"), e.reason)
    }
}

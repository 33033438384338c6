package nl.delokalesteunpilaar.dls

import java.io.File
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The dls bindings on a plain JVM: loading, validation errors, routing, coverage, evaluation. */
class BindingTest {
    private val data = File("../../dls-core/data/haarlemmermeer")
    private val router = Router(RuleSet.pilot())
    private fun pilotCase(id: String) = pilotCases().first { it.id == id }

    @Test
    fun `loads the pilot embedded and from files`() {
        val embedded = Directory.pilot()
        val dir = Directory.fromFiles(listOf("areas.toml", "taxonomy.toml", "directory.toml").map { File(data, it).path })
        assertEquals(embedded.kernCount(), dir.kernCount())
        assertEquals(embedded.serviceCount(), dir.serviceCount())
        assertEquals(37u, dir.kernCount())
        val rules = RuleSet.fromFiles(dir, listOf("rules-national.toml", "rules-region.toml", "rules-GM0394.toml").map { File(data, it).path })
        assertEquals(RuleSet.pilot().ruleCount(), rules.ruleCount())
        assertTrue(rules.warnings().isEmpty())
        // and from a string
        // (the national file holds no rules since the pilot's services route by their own
        // coverage: the municipal file, whose policy rules are read the same from text)
        val file = File(data, "rules-GM0394.toml")
        val fromText = RuleSet.fromText(dir, file.readText(), "toml", "GM0394.toml").ruleCount()
        assertTrue(fromText > 0u)
        assertEquals(RuleSet.fromFiles(dir, listOf(file.path)).ruleCount(), fromText)
    }

    @Test
    fun `loads a folder whole and names what is missing`() {
        val dir = Directory.fromFolder(data.path)
        assertEquals(Directory.pilot().serviceCount(), dir.serviceCount())
        val rules = RuleSet.fromFolder(dir, data.path)
        assertEquals(RuleSet.pilot().ruleCount(), rules.ruleCount())
        assertTrue(rules.warnings().none { it.kind == "layer_left_out" })
        // two layers of three: the region's rule file left out is a warning naming it
        val partial = RuleSet.fromFiles(dir, listOf("rules-national.toml", "rules-GM0394.toml").map { File(data, it).path })
        val regionRules = File(data, "rules-region.toml").readText().split("[[rule]]").size - 1
        assertTrue(regionRules > 0)
        assertEquals(rules.ruleCount() - regionRules.toUInt(), partial.ruleCount())
        val left = partial.warnings().single { it.kind == "layer_left_out" }
        assertTrue(left.file!!.endsWith("rules-region.toml"), left.file)
        // a directory file without its areas names the companion; a missing folder is named
        val alone = assertThrows<DlsException.Parse> { Directory.fromFiles(listOf(File(data, "directory.toml").path)) }
        assertTrue(alone.reason.contains("areas.toml"), alone.reason)
        val missing = assertThrows<DlsException.Parse> { Directory.fromFolder(File(data, "nowhere").path) }
        assertTrue(missing.reason.contains("cannot find"), missing.reason)
        val unknown = assertThrows<DlsException.InvalidInput> { rules.coverage("2026-06-01", "GM9999", "all") }
        assertTrue(unknown.reason.contains("GM0394"), unknown.reason)
    }

    @Test
    fun `routes a multi-need household to one coordinator with a trace`() {
        val d = router.route(pilotCase("hlmr-2026-0001"), trace = true)
        assertEquals(4, d.needs.size)
        val primary = d.needs[0]
        assertTrue(primary.primary)
        assertEquals("sociale_zaken.schulden.hulp", primary.need)
        assertEquals("service", primary.outcome)
        assertEquals("schuldhulp-spoed", primary.service)
        assertEquals("schuldhulp-meer", primary.organisation)
        assertEquals("gm-schulden-spoed", primary.rule)
        // the debt service routes by its own coverage and loses to the spoedlijn's triage rule
        val lost = primary.trace.first { it.rule == "coverage:schuldhulp" }
        assertEquals("lost_to", lost.verdict)
        assertTrue(lost.reason.contains("gm-schulden-spoed"), lost.reason)
        val opvoed = d.needs.first { it.need == "jeugd.opvoedondersteuning" }
        val ineligible = opvoed.trace.first { it.rule == "gm-opvoed-urgent" }
        assertEquals("ineligible", ineligible.verdict)
        assertEquals("swt-regie", d.coordinator!!.contact.service)
        assertEquals("rule_set", d.coordinator!!.basis)
        assertEquals("swt-regie", d.firstContact!!.service)
        assertTrue(d.explanation.contains("coordinator: `swt-regie`"), d.explanation)
        assertEquals(d.coordinator!!.contact.organisation, primary.coordinator)
        assertEquals(listOf("swt-regie"), d.needs.map { it.firstContact }.distinct())
        // without trace (the default) the decisions are the same
        val fast = router.route(pilotCase("hlmr-2026-0001"))
        assertEquals(d.needs.map { it.copy(trace = emptyList(), fallback = null) }, fast.needs)
        assertTrue(fast.needs.all { it.trace.isEmpty() })
    }

    @Test
    fun `a citizen who cannot get through is not sent back`() {
        val d = router.route(pilotCase("hlmr-2026-0005"), trace = true)
        val ggz = d.needs[0]
        assertTrue(ggz.cannotGetThrough)
        assertEquals("steunpilaar", ggz.outcome)
        assertEquals("tried_already", ggz.trace.first { it.rule == "coverage:poh-ggz" }.verdict)
        // and a re-route after a rejection avoids the rejecting service
        val first = router.route(pilotCase("hlmr-2026-0006"))
        assertEquals(listOf("service", "schuldhulp", "schuldhulp-meer"), first.needs[0].let { listOf(it.outcome, it.service, it.organisation) })
        val again = router.reroute(pilotCase("hlmr-2026-0006"), null, "schuldhulp", "rejected", trace = true)
        assertTrue(again.needs[0].cannotGetThrough)
        assertFalse(again.needs[0].service == first.needs[0].service)
        assertTrue(again.needs[0].trace.isNotEmpty())
        // traces are opt-in, as for route
        assertTrue(router.reroute(pilotCase("hlmr-2026-0006"), null, "schuldhulp", "rejected").needs[0].trace.isEmpty())
        assertThrows<DlsException.InvalidInput> { router.reroute(pilotCase("hlmr-2026-0006"), null, "schuldhulp", "ignored") }
    }

    @Test
    fun `a live capacity ledger fills a service and sends the next case down the ladder`() {
        val ledger = CapacityLedger(router)
        val case = pilotCases().first { it.needs[0] == "sociale_zaken.administratie" }
        val first = router.route(case, ledger = ledger).needs[0].service!!
        val places = ledger.get(first).openPlaces!!.toInt()
        repeat(places) { assertEquals(first, router.route(case, ledger = ledger).needs[0].service) }
        assertEquals(0u, ledger.get(first).openPlaces)
        val after = router.route(case, trace = true, ledger = ledger)
        assertFalse(after.needs[0].service == first)
        assertEquals(first, router.route(case).needs[0].service)
        ledger.release(first)
        assertEquals(first, router.route(case, ledger = ledger).needs[0].service)
        assertThrows<DlsException.InvalidInput> { ledger.release("nergens") }
        val snap = ledger.snapshot()
        ledger.set("basis-ggz", 2u, null)
        ledger.restore(snap)
        assertEquals(snap, ledger.snapshot())
    }

    @Test
    fun `a validation error says what and where`() {
        val bad = "[[rule]]\nid = \"x\"\nneeds = [\"zorg.nope\"]\narea = \"GM0394\"\ntarget = \"service:wmo-loket\"\n"
        val e = assertThrows<DlsException.Validation> { RuleSet.fromText(Directory.pilot(), bad, "toml", "bad.toml") }
        val p = e.problems.first { it.kind == "unknown_need" }
        assertEquals("error", p.severity)
        assertEquals("bad.toml", p.file)
        assertEquals("rule `x`", p.item)
        assertEquals("needs", p.field)
        assertTrue(e.reason.startsWith("validation found"), e.reason)
    }

    @Test
    fun `bad input gives typed exceptions`() {
        val parse = assertThrows<DlsException.Parse> { Directory.fromText("[[kern]\nid =", "toml", "d.toml") }
        assertEquals("d.toml", parse.file)
        assertEquals(1u, parse.line)
        assertThrows<DlsException.InvalidInput> { Directory.fromText("x = 1", "yaml", "d.yaml") }
        // the first need is the primary one: a household without needs or with one need twice is no case
        val twice = pilotCase("hlmr-2026-0001").copy(needs = listOf("zorg.wmo.huishouden", "zorg.wmo.huishouden"))
        val e = assertThrows<DlsException.InvalidInput> { router.route(twice, trace = true) }
        assertTrue(e.reason.contains("twice"), e.reason)
        val none = assertThrows<DlsException.InvalidInput> { router.route(pilotCase("hlmr-2026-0001").copy(needs = emptyList())) }
        assertTrue(none.reason.contains("field `needs`"), none.reason)
        val unknownKern = pilotCase("hlmr-2026-0001").copy(kern = "atlantis")
        assertThrows<DlsException.Routing> { router.route(unknownKern, trace = true) }
        assertThrows<DlsException.InvalidInput> { router.route(pilotCase("hlmr-2026-0001"), "1 juni", true) }
        assertThrows<DlsException.InvalidInput> { router.route(pilotCase("hlmr-2026-0001").copy(opened = "1 juni")) }
    }

    @Test
    fun `an internal failure arrives as a typed exception`() {
        val e = assertThrows<DlsException.Internal> { diagnosticsInternalFailure() }
        assertTrue(e.reason.startsWith("internal failure in dls"), e.reason)
        // and the library still works afterwards
        assertEquals(10, pilotCases().size)
    }

    @Test
    fun `coverage finds the planted gaps`() {
        val rows = RuleSet.pilot().coverage("2026-06-01", "GM0394")
        val energy = rows.first { it.kern == "lisserbroek" && it.need == "wonen.energie" && it.ageBand == "adult" }
        assertTrue(energy.isGap)
        assertEquals("steunpilaar", energy.status)
        val nursing = rows.first { it.kern == "hoofddorp" && it.need == "zorg.thuiszorg.wijkverpleging" && it.ageBand == "senior" }
        assertEquals(listOf("polderzorg", "zorgcentrale-meerlanden"), nursing.overlap)
        // the same `only` switch as Python: all | gaps | overlaps | problems
        val problems = RuleSet.pilot().coverage("2026-06-01", "GM0394", "problems")
        assertEquals(rows.filter { it.isGap || it.overlap.size >= 2 }, problems)
        assertEquals(rows.filter { it.isGap }, RuleSet.pilot().coverage("2026-06-01", "GM0394", only = "gaps"))
        val bad = assertThrows<DlsException.InvalidInput> { RuleSet.pilot().coverage("2026-06-01", only = "holes") }
        assertTrue(bad.reason.contains("problems"), bad.reason)
    }

    @Test
    fun `evaluates the pilot timelines with every row accounted for`() {
        val s = evaluateCsv(pilotEventsCsv(), listOf("phase"))
        assertEquals(s.rowsRead, s.rowsUsed + s.rowsRejected)
        assertEquals(350uL, s.cases)
        assertEquals(350, s.perCase.size)
        assertEquals(listOf("phase"), s.groupBy)
        assertTrue(s.aggregates.any { it.key == listOf("pilot") })
        // published by default: counts rounded to 5; `raw` gives them as they are
        val published = s.aggregates.mapNotNull { it.figures?.cases }
        assertTrue(published.all { it % 5uL == 0uL }, published.toString())
        val raw = evaluateCsv(pilotEventsCsv(), listOf("phase"), "raw")
        assertEquals(350uL, raw.aggregates.sumOf { it.figures!!.cases })
        // each says what it was made under, as the other bindings' `disclosure` column does
        assertEquals("publish", s.disclosure)
        assertEquals("raw", raw.disclosure)
        assertThrows<DlsException.InvalidInput> { evaluateCsv(pilotEventsCsv(), listOf("phase"), "secret") }
        assertThrows<DlsException.InvalidInput> { evaluateCsv("a,b\n1,2\n", listOf("kern")) }
    }

    @Test
    fun `a bounced acceptance is not the right place, and kernen group by municipality through the directory`() {
        val csv = "case_id,timestamp,activity,organisation,kern,need\n" +
            "c1,2026-03-02T09:00:00+01:00,opened,,hoofddorp,zorg.wmo\n" +
            "c1,2026-03-04T09:00:00+01:00,accepted,wijkteam,,zorg.wmo\n" +
            "c1,2026-03-06T09:00:00+01:00,bounced,wijkteam,,\n" +
            "c1,2026-03-07T09:00:00+01:00,referred,gemeente,,\n" +
            "c1,2026-03-12T09:00:00+01:00,accepted,gemeente,,zorg.wmo\n" +
            "c2,2026-03-02T09:00:00+01:00,opened,,zandvoort,zorg.wmo\n"
        // without a directory any acceptance for the need counts, and the log names no municipality
        val plain = evaluateCsv(csv, listOf("municipality"), "raw")
        assertEquals(plain.rowsRead, plain.rowsUsed)
        val c1 = plain.perCase.first { it.case == "c1" }
        assertEquals(10.0, c1.rightPlaceDays)
        assertEquals(1u, c1.bounces)
        assertEquals(listOf(listOf<String?>(null)), plain.aggregates.map { it.key })
        // with the directory the kernen place the cases in their municipalities
        val placed = evaluateCsv(csv, listOf("municipality"), "raw", Directory.pilot())
        assertEquals(listOf(listOf("GM0394"), listOf("GM0473")), placed.aggregates.map { it.key })
    }

    @Test
    fun `routes 100000 cases from several threads exactly as from one`() {
        val base = pilotCases()
        val cases = (0 until 100_000).map { i -> base[i % base.size].let { it.copy(id = "${it.id}-$i") } }
        val single = cases.map { router.route(it) }
        val pool = Executors.newFixedThreadPool(8)
        try {
            val chunks = cases.chunked(5_000)
            val parallel = pool.invokeAll(chunks.map { chunk -> Callable { chunk.map { router.route(it) } } }).flatMap { it.get() }
            assertEquals(single.size, parallel.size)
            assertEquals(single, parallel)
        } finally {
            pool.shutdown()
        }
        // the Rust-side batch agrees too
        val batch = router.routeBatch(cases.take(10_000))
        assertEquals(single.take(10_000), batch.map { it.decision })
    }
}

/** The example a municipal system would copy runs. */
class ExampleTest {
    @Test
    fun `the example runs`() {
        val out = java.io.ByteArrayOutputStream()
        val old = System.out
        System.setOut(java.io.PrintStream(out, true))
        try {
            nl.delokalesteunpilaar.dls.example.main()
        } finally {
            System.setOut(old)
        }
        val text = out.toString()
        assertTrue(text.contains("sociale_zaken.schulden.hulp: service"), text)
        assertTrue(text.contains("first point of contact: swt-regie"), text)
    }
}

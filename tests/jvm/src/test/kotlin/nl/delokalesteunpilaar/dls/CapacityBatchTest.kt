package nl.delokalesteunpilaar.dls

import java.util.concurrent.Callable
import java.util.concurrent.Executors
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The live capacity ledger in batch routing and re-routing on the JVM (issue 14): the expected
 * answers are computed here one `route` call at a time in case-id order, as the core promises
 * (dls-core/tests/capacity.rs and tests/python/test_capacity_batch.py check the same).
 */
class CapacityBatchTest {
    private val router = Router(RuleSet.pilot())
    private val administratie = pilotCases().first { it.needs[0] == "sociale_zaken.administratie" }
    private fun copies(prefix: String, n: Int) = (0 until n).map { administratie.copy(id = "%s-%03d".format(prefix, it)) }

    @Test
    fun `a batch fills the service first come first served whatever the order`() {
        val cases = copies("cap", 10)
        val oneByOne = CapacityLedger(router)
        val expected = cases.associate { it.id to router.route(it, ledger = oneByOne).needs[0].service }
        val first = expected.getValue("cap-000")!!
        val places = CapacityLedger(router).get(first).openPlaces!!.toInt()
        assertTrue(places in 1..9, "the test needs a service with a few places")
        assertEquals(places, expected.values.count { it == first })
        for (rows in listOf(cases, cases.reversed())) {
            val ledger = CapacityLedger(router)
            val out = router.routeBatch(rows, ledger = ledger)
            assertEquals(rows.map { it.id }, out.map { it.decision!!.caseId })
            assertEquals(expected, out.associate { it.decision!!.caseId to it.decision!!.needs[0].service })
            assertEquals(0u, ledger.get(first).openPlaces)
        }
    }

    @Test
    fun `two threads routing batches never overbook`() {
        val ledger = CapacityLedger(router)
        val service = router.route(administratie).needs[0].service!!
        ledger.set(service, 150u, null)
        val pool = Executors.newFixedThreadPool(2)
        val hits = (0 until 2).map { t ->
            pool.submit(Callable {
                router.routeBatch(copies("t$t", 200), ledger = ledger).count { it.decision!!.needs[0].service == service }
            })
        }.map { it.get() }
        pool.shutdown()
        assertEquals(150, hits.sum())
        assertEquals(0u, ledger.get(service).openPlaces)
    }

    @Test
    fun `a reroute with the ledger gives back the place turned down`() {
        val ledger = CapacityLedger(router)
        val before = ledger.get(router.route(administratie).needs[0].service!!).openPlaces!!
        val first = router.route(administratie, ledger = ledger)
        val service = first.needs[0].service!!
        assertEquals(before - 1u, ledger.get(service).openPlaces)
        val again = router.reroute(administratie, null, service, "rejected", ledger = ledger, previous = first)
        assertNotEquals(service, again.needs[0].service)
        assertTrue(again.needs[0].cannotGetThrough)
        assertEquals(before, ledger.get(service).openPlaces)
        assertEquals(router.reroute(administratie, null, service, "rejected").needs, again.needs)
        assertThrows<DlsException.InvalidInput> { router.reroute(administratie, null, service, "rejected", ledger = ledger) }
    }
}

package nl.delokalesteunpilaar.dls

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** FHIR R4 and ZGW Zaken exports and FHIR import on the JVM (issue 14): the same answers as the
 *  Rust tests (dls-core/tests/exchange_fhir.rs, exchange_zgw.rs) for the pilot's multi-need
 *  household. */
class ExchangeTest {
    private val router = Router(RuleSet.pilot())
    private val case = pilotCases().first { it.id == "hlmr-2026-0001" }

    /** The timeline of the Rust test: three services referred, one rejected and referred
     *  again, one without answer, one accepted and sent back, the primary accepted and resolved. */
    private fun timeline(): String {
        val d = router.route(case, trace = true)
        val services = d.needs.mapNotNull { n -> n.service?.let { Pair(n.organisation!!, it) } }.distinct()
        val (a, b, c) = services
        fun ev(at: String, activity: String, s: Pair<String, String>? = null, extra: Map<String, String> = emptyMap()) =
            JSONObject(mapOf("case" to d.caseId, "at" to at, "activity" to activity) +
                (s?.let { mapOf("organisation" to it.first, "service" to it.second) } ?: emptyMap()) + extra)
        return JSONArray(listOf(
            ev("2026-03-02T10:00:00Z", "opened"),
            ev("2026-03-03T09:00:00Z", "referred", a),
            ev("2026-03-03T09:05:00Z", "referred", b),
            ev("2026-03-03T09:10:00Z", "referred", c),
            ev("2026-03-05T12:00:00Z", "rejected", b, mapOf("reason" to "full")),
            ev("2026-03-06T08:00:00Z", "referred", b),
            ev("2026-03-06T09:00:00Z", "accepted", a, mapOf("need" to d.needs[0].need)),
            ev("2026-03-10T09:00:00Z", "no_response", c),
            ev("2026-03-11T09:00:00Z", "accepted", b),
            ev("2026-03-20T09:00:00Z", "bounced", b),
            ev("2026-04-20T09:00:00Z", "resolved", a),
            ev("2026-04-21T09:00:00Z", "closed"),
        )).toString()
    }

    private fun tasks(bundle: JSONObject): List<JSONObject> {
        val entries = bundle.getJSONArray("entry")
        return (0 until entries.length()).map { entries.getJSONObject(it).getJSONObject("resource") }
            .filter { it.getString("resourceType") == "Task" }
    }

    @Test
    fun `exports the household as a FHIR bundle whose references resolve`() {
        val bundle = JSONObject(fhirBundle(router, case, eventsJson = timeline()))
        assertEquals("collection", bundle.getString("type"))
        val ts = tasks(bundle)
        assertEquals(listOf("completed", "rejected", "failed", "cancelled"), ts.map { it.getString("status") })
        assertEquals("full", ts[1].getJSONObject("statusReason").getJSONArray("coding").getJSONObject(0).getString("code"))
        val entries = bundle.getJSONArray("entry")
        val urls = (0 until entries.length()).map { entries.getJSONObject(it).getString("fullUrl") }.toSet()
        val refs = Regex("\"reference\":\"([^\"]+)\"").findAll(bundle.toString()).map { it.groupValues[1] }.toList()
        assertTrue(refs.size > 20)
        assertTrue(refs.all { it in urls })
    }

    @Test
    fun `a history bundle imports back to the same referral events`() {
        val events = JSONArray(timeline())
        val history = fhirBundle(router, case, eventsJson = events.toString(), history = true)
        val imported = JSONObject(fhirImport(history))
        assertEquals(0, imported.getJSONArray("skipped").length())
        val kinds = setOf("referred", "accepted", "rejected", "no_response", "bounced", "resolved")
        fun key(e: JSONObject) = listOf("at", "activity", "organisation", "service", "need", "reason").joinToString("|") { e.optString(it) }
        val want = (0 until events.length()).map { events.getJSONObject(it) }.filter { it.getString("activity") in kinds }.map(::key).sorted()
        val gotEvents = imported.getJSONArray("events")
        val got = (0 until gotEvents.length()).map { gotEvents.getJSONObject(it) }.map(::key).sorted()
        assertEquals(want, got)
        val bad = assertThrows<DlsException.InvalidInput> { fhirImport("{\"resourceType\": \"Patient\"}") }
        assertEquals("fhir: not an R4 Bundle: field `resourceType` must be `Bundle`", bad.reason)
    }

    @Test
    fun `exports the household as ZGW zaken and checks the configuration first`() {
        val base = "https://catalogi.example.nl/catalogi/api/v1"
        val config = JSONObject(mapOf(
            "zaken_api" to "https://zaken.example.nl/zaken/api/v1",
            "zaaktype" to "$base/zaaktypen/1",
            "bronorganisatie" to "002220647",
            "verantwoordelijke_organisatie" to "002220647",
            "roltype_initiator" to "$base/roltypen/initiator",
            "roltype_zaakcoordinator" to "$base/roltypen/zaakcoordinator",
            "roltype_behandelaar" to "$base/roltypen/behandelaar",
            "statustypen" to listOf("requested", "accepted", "rejected", "failed", "cancelled", "completed").associateWith { "$base/statustypen/$it" },
        ))
        val docs = JSONArray(zgwZaken(router, case, config.toString(), eventsJson = timeline()))
        val all = (0 until docs.length()).map { docs.getJSONObject(it) }
        val zaken = all.filter { it.getString("resource") == "zaak" }
        assertEquals(1 + router.route(case).needs.count { it.service != null }, zaken.size)
        assertTrue(zaken.drop(1).all { it.getJSONObject("body").getString("hoofdzaak") == zaken[0].getString("url") })
        val roles = all.filter { it.getString("resource") == "rol" }.map { it.getJSONObject("body").getString("roltype").substringAfterLast('/') }
        assertEquals(listOf("initiator", "zaakcoordinator"), roles.take(2))
        assertTrue("behandelaar" in roles)
        config.put("bronorganisatie", "002220648")
        val bad = assertThrows<DlsException.InvalidInput> { zgwZaken(router, case, config.toString()) }
        assertEquals("zgw configuration: field `bronorganisatie` is not a valid RSIN (elfproef)", bad.reason)
    }
}

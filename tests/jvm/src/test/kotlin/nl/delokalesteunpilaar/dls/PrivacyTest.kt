package nl.delokalesteunpilaar.dls

import java.io.File
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Need-to-know views, consent, the access log and signal intake, replaying the shared fixtures
 * tests/fixtures/views/ and tests/fixtures/signals/ (also replayed by dls-core/tests/views.rs,
 * signals.rs and tests/python/test_privacy.py).
 */
class PrivacyTest {
    private val fixtures = File("../fixtures")
    private val views = JSONObject(File(fixtures, "views/household.json").readText())
    private val router = Router(RuleSet.pilot())
    private val attrs = listOf("age", "household", "urgency", "framework", "signals", "income_pct")

    private fun strings(a: JSONArray) = (0 until a.length()).map { a.getString(it) }
    private fun ints(a: JSONArray) = (0 until a.length()).map { a.getInt(it) }

    private fun code(w: JSONObject): String = when (w.getString("item")) {
        "need" -> "need:${w.getInt("position")}:${w.getString("reason")}"
        "attribute" -> "attribute:${w.getString("attribute")}:${w.getString("reason")}"
        else -> "events:${w.getInt("count")}:${w.getString("reason")}"
    }

    private fun view(org: String, consent: JSONArray, asOf: String) = JSONObject(
        organisationViewJson(
            router, views.getJSONObject("case").toString(), views.getJSONArray("events").toString(),
            consent.toString(), org, asOf,
        ),
    )

    @Test
    fun `views match the shared fixture`() {
        val scenarios = views.getJSONArray("scenarios")
        var checked = 0
        for (i in 0 until scenarios.length()) {
            val sc = scenarios.getJSONObject(i)
            val consent = sc.getJSONArray("consent_events")
            val want = sc.getJSONObject("views")
            for (org in want.keySet()) {
                val w = want.getJSONObject(org)
                val v = view(org, consent, sc.getString("as_of"))
                val ctx = "${sc.getString("name")} / $org"
                assertEquals(strings(w.getJSONArray("roles")), strings(v.getJSONArray("roles")), ctx)
                val needs = v.getJSONArray("needs")
                assertEquals(ints(w.getJSONArray("needs")), (0 until needs.length()).map { needs.getJSONObject(it).getInt("position") }, ctx)
                val a = v.getJSONObject("attributes")
                assertEquals(strings(w.getJSONArray("attributes")), attrs.filter { a.has(it) }, ctx)
                assertEquals(w.getInt("events"), v.getJSONArray("events").length(), ctx)
                val withheld = v.getJSONArray("withheld")
                assertEquals(strings(w.getJSONArray("withheld")), (0 until withheld.length()).map { code(withheld.getJSONObject(it)) }, ctx)
                checked++
            }
            val errors = sc.getJSONObject("errors")
            for (org in errors.keySet()) {
                val e = assertThrows<DlsException.InvalidInput> { view(org, consent, sc.getString("as_of")) }
                val expected = if (errors.getString(org) == "not_involved") "has no part" else "unknown organisation"
                assertTrue(e.reason.contains(expected), e.reason)
            }
        }
        assertEquals(12, checked)
    }

    @Test
    fun `the access log records views and detects a changed entry`() {
        val log = AccessLog()
        listOf("schuldhulp-meer", "swt-haarlemmermeer", "uw-lokale-steunpilaar").forEachIndexed { i, org ->
            log.recordViewJson(view(org, JSONArray(), "2026-03-10").toString(), "2026-03-10T09:0$i:00Z")
        }
        assertEquals(3uL, log.len())
        log.verify()
        assertEquals(log.head(), AccessLog.fromJsonl(log.toJsonl()).head())
        assertEquals("seq,at,actor,case,fields,ground,prev,hash", log.toCsv().lines().first())
        val tampered = log.toJsonl().replace("uw-lokale-steunpilaar", "polderzorg")
        val e = assertThrows<DlsException.InvalidInput> { AccessLog.fromJsonl(tampered) }
        assertTrue(e.reason.contains("row 2: hash does not match"), e.reason)
    }

    @Test
    fun `signal intake matches the shared fixture`() {
        val want = JSONObject(File(fixtures, "signals/expected.json").readText())
        val r = JSONObject(
            signalIntakeJson(
                File(fixtures, "signals/feed.csv").readText(), want.getString("as_of"),
                want.getInt("window_days").toUInt(), File(fixtures, "signals/events.json").readText(),
            ),
        )
        val rejected = r.getJSONArray("rejected")
        assertEquals(strings(want.getJSONArray("rejected")), (0 until rejected.length()).map { rejected.getJSONObject(it).getString("message") })
        assertFalse(r.toString().contains("111222333"))
        assertEquals(want.getInt("duplicates"), r.getInt("duplicates"))
        val cases = r.getJSONArray("cases")
        val wantCases = want.getJSONArray("cases")
        assertEquals(wantCases.length(), cases.length())
        for (i in 0 until cases.length()) {
            val c = cases.getJSONObject(i)
            val w = wantCases.getJSONObject(i)
            assertEquals(w.getString("case"), c.getJSONObject("case").getString("id"))
            assertEquals(w.getString("urgency"), c.getString("urgency"))
            assertEquals(w.opt("contact_due").takeIf { it != JSONObject.NULL }, c.opt("contact_due"))
        }
        val fb = r.getJSONArray("feedback")
        val wantFb = want.getJSONArray("feedback")
        assertEquals(wantFb.length(), fb.length())
        for (i in 0 until fb.length()) {
            assertTrue(wantFb.getJSONObject(i).similar(fb.getJSONObject(i)), "feedback row $i")
        }
        val pilot = JSONObject(signalIntakeJson(pilotSignalsCsv(), "2026-06-30", 30u, "[]"))
        assertEquals(6, pilot.getJSONArray("cases").length())
    }
}

package nl.delokalesteunpilaar.dls

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

/** Declared attributes from Kotlin (issue 11): a municipality adds a fourth urgency level, a
 * boolean, an enumeration, an integer with bounds and a set of flags; cases use them (the
 * urgency field and the typed `attributes` of a record, any attribute in case JSON) and route as
 * the rules say, with the answers of the shared world (tests/fixtures/vocabulary/, which the Rust
 * and Python tests replay too); an unknown one is refused with the closest declared. */
class VocabularyTest {
    private val world = File("../fixtures/vocabulary")
    private val expected = JSONObject(File(world, "expected.json").readText())
    private val date = expected.getString("date")
    private val directory = Directory.fromText(File(world, "directory.toml").readText(), "toml", "ext/directory.toml")
    private val router = Router(RuleSet.fromText(directory, File(world, "rules.toml").readText(), "toml", "ext/rules.toml"))

    private fun entries(key: String): List<JSONObject> =
        expected.getJSONArray(key).let { a -> (0 until a.length()).map { a.getJSONObject(it) } }

    private fun json(attributes: JSONObject): String =
        JSONObject(expected.getJSONObject("case").toString()).put("opened", date).put("attributes", attributes).toString()

    /** A record stating `attributes`: urgency in its own field, every declared one as a typed entry. */
    private fun record(id: String, attributes: JSONObject): CaseRecord {
        val typed = attributes.keySet().sorted().filter { it != "urgency" }.map { name ->
            val value = when (val v = attributes.get(name)) {
                is Boolean -> AttributeValueRecord.Bool(v)
                is Number -> AttributeValueRecord.Integer(v.toLong())
                is JSONArray -> AttributeValueRecord.Words((0 until v.length()).map { v.getString(it) })
                else -> AttributeValueRecord.Word(v.toString())
            }
            AttributeRecord(name, value)
        }
        return CaseRecord(
            id = id, kern = "dorp", needs = listOf("zorg.advies"), opened = date,
            urgency = attributes.optString("urgency").ifEmpty { null }, attributes = typed,
        )
    }

    @Test
    fun `a municipality extension routes as written`() {
        val routes = entries("routes")
        assertTrue(routes.size >= 13)
        for (r in routes) {
            val attributes = r.getJSONObject("attributes")
            assertEquals(r.getString("service"), router.routeJson(json(attributes)).needs[0].service, attributes.toString())
        }
        // the declared fourth level through a record's urgency field
        val record = CaseRecord(id = "c-2", kern = "dorp", needs = listOf("zorg.advies"), urgency = "acute", opened = "2026-03-01")
        assertEquals("crisisdienst", router.route(record).needs[0].service)
    }

    @Test
    fun `records with typed declared attributes route as the Rust core does, one by one and in a batch`() {
        val routes = entries("routes")
        val records = routes.mapIndexed { i, r -> record("c-$i", r.getJSONObject("attributes")) }
        assertTrue(records.any { it.attributes.any { a -> a.value is AttributeValueRecord.Integer } })
        assertTrue(records.any { it.attributes.any { a -> a.value is AttributeValueRecord.Words } })
        assertTrue(records.any { it.attributes.any { a -> a.value is AttributeValueRecord.Bool } })
        for ((rec, r) in records.zip(routes)) {
            assertEquals(r.getString("service"), router.route(rec).needs[0].service, r.toString())
        }
        val batch = router.routeBatch(records, date)
        assertEquals(routes.map { it.getString("service") }, batch.map { it.decision!!.needs[0].service })
        // a case read from JSON carries its declared attributes into the record, and back
        val back = caseFromJson(json(routes.first { it.getJSONObject("attributes").has("debts") }.getJSONObject("attributes")))
        assertTrue(back.attributes.any { it.name == "debts" && it.value is AttributeValueRecord.Integer }, back.toString())
        assertEquals(router.routeJson(json(routes[8].getJSONObject("attributes"))).needs[0].service,
            router.route(caseFromJson(json(routes[8].getJSONObject("attributes")))).needs[0].service)
    }

    @Test
    fun `a bad declared value in a record fails with its field and is never repeated`() {
        val bad = listOf(
            record("b-1", JSONObject().put("debts", 51)) to "field `attributes`: `debts`: a value lies outside 0 to 50",
            record("b-2", JSONObject().put("language", "klingon")) to "field `attributes`: `language`: unknown value",
            record("b-3", JSONObject().put("langauge", "ar")) to "field `attributes`: unknown attribute `langauge`; did you mean `language`",
            record("b-4", JSONObject().put("has_wlz_indication", "yes")) to "field `attributes`: `has_wlz_indication` takes `true` or `false`",
        )
        for ((rec, message) in bad) {
            val e = assertThrows<DlsException.InvalidInput> { router.route(rec) }
            assertEquals(message, e.reason)
            assertFalse(e.reason.contains("51") || e.reason.contains("klingon") || e.reason.contains("yes"))
        }
        // in a batch: each in its place, the good one routed
        val batch = router.routeBatch(bad.map { it.first } + record("ok", JSONObject().put("language", "ar")), date)
        assertEquals(bad.map { "bad_input" } + listOf<String?>(null), batch.map { it.errorKind })
        assertEquals(bad.map { it.second }, batch.dropLast(1).map { it.error })
        assertEquals("tolk-advies", batch.last().decision!!.needs[0].service)
    }

    @Test
    fun `unknown attributes and words name the closest declared one`() {
        val e = assertThrows<DlsException.Routing> { router.routeJson(json(JSONObject().put("langauge", "ar"))) }
        assertEquals("case `c-1`: unknown attribute `langauge`; did you mean `language`", e.reason)
        val errors = entries("errors")
        assertTrue(errors.size >= 6)
        for (r in errors) {
            val attributes = r.getJSONObject("attributes")
            val x = assertThrows<DlsException.Routing> { router.routeJson(json(attributes)) }
            assertEquals(r.getString("error"), x.reason, attributes.toString())
        }
        val record = CaseRecord(id = "c-3", kern = "dorp", needs = listOf("zorg.advies"), urgency = "acutte", opened = "2026-03-01")
        val w = assertThrows<DlsException.InvalidInput> { router.route(record) }
        assert(w.reason.contains("did you mean `acute`")) { w.reason }
    }

    /** The FHIR and ZGW exports read a record with the router's vocabulary, as `route` does: a
     *  declared attribute (and a declared fourth urgency level) routes and exports, where the
     *  national vocabulary refused it before. */
    @Test
    fun `the FHIR and ZGW exports read declared attributes as routing does`() {
        val wlz = record("x-1", JSONObject().put("has_wlz_indication", true))
        val acute = record("x-2", JSONObject().put("urgency", "acute").put("language", "tr"))
        for ((rec, service) in listOf(wlz to "wlz-loket", acute to "crisisdienst")) {
            assertEquals(service, router.route(rec).needs[0].service)
            val bundle = fhirBundle(router, rec)
            assertTrue(bundle.contains(service), bundle)
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
            val docs = JSONArray(zgwZaken(router, rec, config.toString()))
            assertTrue((0 until docs.length()).any { docs.getJSONObject(it).getString("resource") == "zaak" })
        }
        // a value the directory does not declare is still refused, never repeated
        val bad = assertThrows<DlsException.InvalidInput> { fhirBundle(router, record("x-3", JSONObject().put("language", "klingon"))) }
        assertEquals("field `attributes`: `language`: unknown value", bad.reason)
        // what-if reads the records with the first router's vocabulary
        val w = whatIf(router, router, listOf(wlz, acute), date)
        assertEquals(0, w.errors.size)
    }
}

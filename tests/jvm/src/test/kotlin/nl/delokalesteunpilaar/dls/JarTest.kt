package nl.delokalesteunpilaar.dls

import java.io.File
import java.util.jar.JarFile
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The JVM artifact as a user gets it: the generated classes and the native library come from
 * one jar (nl.delokalesteunpilaar:dls), JNA loads the library from its class-path resource, and
 * no library path is set.
 */
class JarTest {
    private fun jarOf(cls: Class<*>): File = File(cls.protectionDomain.codeSource.location.toURI())

    @Test
    fun `the bindings and the native library come from the one jar`() {
        assertNull(System.getProperty("jna.library.path"), "the tests must not set jna.library.path")
        val jar = jarOf(Router::class.java)
        assertTrue(jar.isFile && jar.name == "dls-0.1.0.jar", "Router loaded from $jar, not the dls jar")
        JarFile(jar).use { j ->
            val lib = j.getJarEntry("linux-x86-64/libdls_ffi.so")
            assertTrue(lib != null && lib.size > 1_000_000, "the jar lacks linux-x86-64/libdls_ffi.so")
            assertTrue(j.getJarEntry("nl/delokalesteunpilaar/dls/Router.class") != null)
        }
        // the resource JNA loads is the jar's
        val url = Router::class.java.classLoader.getResource("linux-x86-64/libdls_ffi.so")
        assertTrue(url != null && url.toString().startsWith("jar:") && url.toString().contains("dls-0.1.0.jar"), "resource at $url")
        // and the library works: the embedded pilot loads and routes
        val router = Router(RuleSet.pilot())
        val case = pilotCases().first()
        assertTrue(router.route(case).needs.isNotEmpty())
    }

    @Test
    fun `a sources jar sits beside the jar, with the generated Kotlin`() {
        val jar = jarOf(Router::class.java)
        val sources = File(jar.parentFile, "dls-0.1.0-sources.jar")
        assertTrue(sources.isFile, "no $sources")
        JarFile(sources).use { j ->
            assertTrue(j.getJarEntry("nl/delokalesteunpilaar/dls/dls_ffi.kt") != null, "sources jar lacks dls_ffi.kt")
        }
    }
}

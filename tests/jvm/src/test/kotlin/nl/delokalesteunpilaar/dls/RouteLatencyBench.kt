package nl.delokalesteunpilaar.dls

import org.junit.jupiter.api.Test

/**
 * Per-call route latency and batch throughput from the JVM. Not part of the test suite (its
 * name matches no Surefire include); run it on purpose:
 * `bash tests/jvm/run.sh -Dtest=RouteLatencyBench -Dsurefire.failIfNoSpecifiedTests=false`
 * with a release library (`DLS_FFI_PROFILE=release`).
 */
class RouteLatencyBench {
    @Test
    fun measure() {
        val router = Router(RuleSet.pilot())
        val base = pilotCases()
        val cases = (0 until 200_000).map { i -> base[i % base.size].let { it.copy(id = "${it.id}-$i") } }
        repeat(20_000) { router.route(cases[it], null, false) } // warm-up
        // What JNA itself costs here: a direct-mapped libc call with no structures or buffers.
        repeat(20_000) { LibC.getpid() }
        val jna = LongArray(100_000)
        for (i in jna.indices) {
            val t0 = System.nanoTime()
            LibC.getpid()
            jna[i] = System.nanoTime() - t0
        }
        jna.sort()
        println("BENCH JNA direct call to libc getpid(): median ${jna[jna.size / 2] / 1000.0} us, p99 ${jna[jna.size * 99 / 100] / 1000.0} us")
        // What one JNA structure costs to create (uniffi makes several per call: call status, buffers).
        repeat(20_000) { RustBuffer.ByValue() }
        val st = LongArray(100_000)
        for (i in st.indices) {
            val t0 = System.nanoTime()
            RustBuffer.ByValue()
            st[i] = System.nanoTime() - t0
        }
        st.sort()
        println("BENCH new JNA structure (RustBuffer.ByValue): median ${st[st.size / 2] / 1000.0} us, p99 ${st[st.size * 99 / 100] / 1000.0} us")
        // The cost of crossing the boundary at all: a call with no arguments that returns a short string.
        repeat(20_000) { version() }
        val empty = LongArray(100_000)
        for (i in empty.indices) {
            val t0 = System.nanoTime()
            version()
            empty[i] = System.nanoTime() - t0
        }
        empty.sort()
        println("BENCH version() (empty call): median ${empty[empty.size / 2] / 1000.0} us, p99 ${empty[empty.size * 99 / 100] / 1000.0} us")
        for (trace in listOf(false, true)) {
            val nanos = LongArray(100_000)
            for (i in nanos.indices) {
                val t0 = System.nanoTime()
                router.route(cases[i], null, trace)
                nanos[i] = System.nanoTime() - t0
            }
            nanos.sort()
            println("BENCH route trace=$trace: median ${nanos[nanos.size / 2] / 1000.0} us, p99 ${nanos[nanos.size * 99 / 100] / 1000.0} us")
        }
        val t0 = System.nanoTime()
        val results = router.routeBatch(cases, null)
        val secs = (System.nanoTime() - t0) / 1e9
        println("BENCH route_batch: ${results.size} cases in ${"%.3f".format(secs)} s = ${"%.0f".format(results.size / secs)} cases/s")
        val threads = 2
        val pool = java.util.concurrent.Executors.newFixedThreadPool(threads)
        val t1 = System.nanoTime()
        pool.invokeAll(cases.chunked(cases.size / threads).map { chunk -> java.util.concurrent.Callable { chunk.forEach { router.route(it, null, false) } } }).forEach { it.get() }
        val secs2 = (System.nanoTime() - t1) / 1e9
        pool.shutdown()
        println("BENCH route per call, $threads JVM threads: ${"%.0f".format(cases.size / secs2)} cases/s")
    }
}

/** libc through JNA direct mapping, as a baseline for the cost of a call. */
private object LibC {
    init {
        com.sun.jna.Native.register("c")
    }

    @JvmStatic
    external fun getpid(): Int
}

package io.github.redisfilters.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns {@code run.sh}'s raw wrk/commandstats lines into the Markdown report. Ratios are computed
 * per round (a variant and its stub measured minutes apart at most, in the same round) and the
 * median of those paired ratios is reported with their range.
 */
public final class Report {
    static final String READS = "_reads";

    /** One wrk run. */
    record Run(String phase, String variant, int rep, int conns, long requests, long durationUs, long p50, long p90,
            long p99, long max, long socketErrors, long non2xx, Map<String, Long> commands) {
        double rps() {
            return requests / (durationUs / 1e6);
        }

        /** Commands executed by Redis, those run inside Lua scripts included. */
        long totalCommands() {
            return commands.entrySet().stream().filter(e -> !e.getKey().startsWith("_")).mapToLong(Map.Entry::getValue).sum();
        }

        /** Socket reads by Redis: one per client round trip (a pipeline is one). */
        long reads() {
            return commands.getOrDefault(READS, 0L);
        }

        /** CPU µs used by BenchServer's JVM (everything: Jetty, filters, Jedis) during the run. */
        long jvmCpuUs() {
            return commands.getOrDefault("_jcpu", 0L);
        }

        /** CPU µs used by the Redis process during the run. */
        long redisCpuUs() {
            return commands.getOrDefault("_rcpu", 0L);
        }
    }

    record Variant(String name, String kind, String stub, String path, String note) {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        List<Run> runs = readRuns(Path.of(a.get("--raw")));
        Map<String, Variant> variants = new LinkedHashMap<>();
        Map<String, String> missing = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(a.get("--variants")), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            if (f[0].equals("#missing")) {
                missing.put(f[1], f.length > 2 ? f[2] : "");
            } else if (f.length >= 5) {
                variants.put(f[0], new Variant(f[0], f[1], f[2], f[3], f[4]));
            }
        }
        Path mem = a.containsKey("--memory") ? Path.of(a.get("--memory")) : null;
        List<String[]> memory = new ArrayList<>();
        if (mem != null && Files.exists(mem)) {
            for (String line : Files.readAllLines(mem, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    memory.add(line.split("\t", -1));
                }
            }
        }
        String md = render(runs, variants, missing, memory, a.getOrDefault("--machine", "?"),
                a.getOrDefault("--settings", "?"));
        Path out = Path.of(a.get("--out"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md, StandardCharsets.UTF_8);
        if (a.containsKey("--readme")) {
            // replace the block between the markers of bench/README.md with this report
            Path readme = Path.of(a.get("--readme"));
            String text = Files.readString(readme, StandardCharsets.UTF_8);
            String begin = "<!-- LATEST:BEGIN -->";
            String end = "<!-- LATEST:END -->";
            int i = text.indexOf(begin);
            int j = text.indexOf(end);
            if (i >= 0 && j > i) {
                String block = md.replace("\n### ", "\n#### ").replaceFirst("^## ", "### ");
                Files.writeString(readme, text.substring(0, i + begin.length()) + "\n" + block + "\n"
                        + text.substring(j), StandardCharsets.UTF_8);
            }
        }
    }

    static List<Run> readRuns(Path raw) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (String line : Files.readAllLines(raw, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            Map<String, Long> cmds = new TreeMap<>();
            if (f.length > 12 && !f[12].equals("-") && !f[12].isEmpty()) {
                for (String kv : f[12].split(",")) {
                    int i = kv.lastIndexOf(':');
                    cmds.put(kv.substring(0, i), Long.parseLong(kv.substring(i + 1)));
                }
            }
            runs.add(new Run(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]),
                    Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]), cmds));
        }
        return runs;
    }

    static String render(List<Run> runs, Map<String, Variant> variants, Map<String, String> missing,
            List<String[]> memory, String machine, String settings) {
        StringBuilder sb = new StringBuilder();
        String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        sb.append("## Benchmark results, ").append(when).append("\n\n");
        sb.append("Machine: ").append(machine).append("  \n");
        sb.append("Settings: ").append(settings).append("\n\n");
        sb.append("| variant | req/s median (min–max) | p50 c=1 | p99 c=1 | p99 c=32 | round trips/req | Redis cmds/req (incl. inside Lua) | CPU µs/req JVM + Redis | ratio to its stub (min–max) | ratio to bare | notes |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Run>> tput = group(runs, "tput");
        Map<String, List<Run>> lat = group(runs, "lat");
        for (Variant v : variants.values()) {
            List<Run> t = tput.get(v.name());
            if (t == null || t.isEmpty()) {
                continue;
            }
            double[] rps = t.stream().mapToDouble(Run::rps).toArray();
            String tputCell = String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", median(rps), min(rps), max(rps));
            List<Run> l = lat.get(v.name());
            String p50 = l == null ? "–" : us(l.get(0).p50());
            String p99 = l == null ? "–" : us(l.get(0).p99());
            String p99load = us((long) median(t.stream().mapToDouble(Run::p99).toArray()));
            long req = t.stream().mapToLong(Run::requests).sum();
            long cmds = t.stream().mapToLong(Run::totalCommands).sum();
            long reads = t.stream().mapToLong(Run::reads).sum();
            Map<String, Long> byCmd = new TreeMap<>();
            t.forEach(r -> r.commands().forEach((k, n) -> {
                if (!k.startsWith("_")) {
                    byCmd.merge(k, n, Long::sum);
                }
            }));
            // round trips: from the one-connection run when there is one (no two requests share a socket read)
            String rtCell = l != null && l.get(0).requests() > 0
                    ? String.format(Locale.ROOT, "%.2f", l.get(0).reads() / (double) l.get(0).requests())
                    : String.format(Locale.ROOT, "%.2f", reads / (double) req);
            String cmdCell = String.format(Locale.ROOT, "%.2f", cmds / (double) req) + breakdown(byCmd, req);
            String cpuCell = String.format(Locale.ROOT, "%.0f + %.0f", t.stream().mapToLong(Run::jvmCpuUs).sum() / (double) req,
                    t.stream().mapToLong(Run::redisCpuUs).sum() / (double) req);
            String stubCell = "–";
            if (!v.stub().equals("-") && tput.containsKey(v.stub())) {
                stubCell = pairedRatio(t, tput.get(v.stub())) + " vs " + v.stub();
            }
            String bareCell = tput.containsKey("bare") && !v.name().equals("bare") ? pairedRatio(t, tput.get("bare")) : "–";
            List<String> notes = new ArrayList<>();
            notes.add(v.note());
            long timeouts = t.stream().mapToLong(Run::socketErrors).sum();
            long non2xx = t.stream().mapToLong(Run::non2xx).sum();
            if (non2xx > 0) {
                notes.add("**" + non2xx + " non-2xx answers**");
            }
            if (timeouts > 0) {
                notes.add(timeouts + " wrk socket errors/timeouts (> 2 s)");
            }
            Long evals = byCmd.get("eval");
            if (evals != null && (v.name().contains("bucket"))) {
                // Bucket4j's CAS proxy: every attempt ends in one EVAL (compare-and-swap); attempts - 1 = retries
                notes.add(String.format(Locale.ROOT, "CAS retries/req ≈ %.2f", evals / (double) req - 1.0));
            }
            sb.append("| ").append(v.name()).append(" | ").append(tputCell).append(" | ").append(p50).append(" | ")
                    .append(p99).append(" | ").append(p99load).append(" | ").append(rtCell).append(" | ").append(cmdCell).append(" | ").append(cpuCell).append(" | ")
                    .append(stubCell).append(" | ").append(bareCell).append(" | ").append(String.join("; ", notes))
                    .append(" |\n");
        }
        sb.append("\nReq/s: ").append("median of the rounds at -c32 (min–max). Ratios: median of per-round ratios ")
                .append("(variant ÷ reference measured in the same round), range in brackets. p50/p99 c=1: one ")
                .append("connection, one request in flight (pure latency). Round trips/req: Redis `total_reads_processed` ")
                .append("delta ÷ requests in the c=1 run (one socket read per client round trip; a pipeline is one; ")
                .append("at c=1 no two requests can share a read, as they can on Lettuce's multiplexed connection). Redis cmds/req: ")
                .append("`INFO commandstats` delta ÷ requests, commands run inside Lua scripts included (EVALSHA ")
                .append("itself is one of them), over all throughput rounds. CPU µs/req: CPU time of the BenchServer JVM (`/proc/<pid>/stat`) and of ")
                .append("redis-server (`INFO cpu`) over the throughput rounds ÷ requests: on 2 shared cores, this is ")
                .append("what bounds throughput.\n");

        sb.append("\n### Targets (issue 8)\n\n| target | measured (median of paired rounds, min–max) | verdict |\n|---|---|---|\n");
        for (String[] t : TARGETS) {
            String variant = t[1];
            String ref = t[2];
            double need = Double.parseDouble(t[3]);
            if (!tput.containsKey(variant) || !tput.containsKey(ref)) {
                sb.append("| ").append(t[0]).append(" | not measured (").append(tput.containsKey(variant) ? ref : variant)
                        .append(" missing) | – |\n");
                continue;
            }
            double[] r = pairedRatios(tput.get(variant), tput.get(ref));
            double m = median(r);
            String verdict = m >= need ? (min(r) >= need ? "**met**" : "met on median, not in every round")
                    : (max(r) >= need ? "missed on median (met in some rounds)" : "**missed**");
            String extra = "";
            if (ref.equals("origin-20ms") && tput.containsKey("bare")) {
                extra = String.format(Locale.ROOT, "; ceiling on this machine (bare ÷ origin): %.1f×",
                        median(pairedRatios(tput.get("bare"), tput.get(ref))));
            }
            sb.append("| ").append(t[0]).append(" | ").append(String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", m, min(r), max(r)))
                    .append(extra).append(" | ").append(verdict).append(" |\n");
        }
        if (lat.containsKey("origin-20ms") && lat.containsKey("cache-hit-20ms-origin")) {
            double o = lat.get("origin-20ms").get(0).p50();
            double c = lat.get("cache-hit-20ms-origin").get(0).p50();
            sb.append(String.format(Locale.ROOT, "| cache hit ≥ 20× faster than the 20 ms origin (latency, p50 at c=1) | %.0f× (%s vs %s) | %s |\n",
                    o / c, us((long) c), us((long) o), o / c >= 20 ? "**met**" : "**missed**"));
        }
        for (String[] rt : new String[][] {{"session-write", "2"}, {"session-read", "1"}, {"ratelimit-fixed", "1"},
                {"cache-hit", "1"}, {"jwt", "1"}}) {
            List<Run> t = lat.containsKey(rt[0]) ? lat.get(rt[0]) : tput.get(rt[0]);
            if (t != null) {
                double per = t.stream().mapToLong(Run::reads).sum() / (double) t.stream().mapToLong(Run::requests).sum();
                double max = Double.parseDouble(rt[1]);
                sb.append(String.format(Locale.ROOT, "| %s: ≤ %s round trip(s) per request | %.2f | %s |\n", rt[0], rt[1], per,
                        per <= max + 0.05 ? "**met**" : "**missed**"));
            }
        }

        Map<String, List<Run>> sweep = group(runs, "sweep");
        if (!sweep.isEmpty()) {
            sb.append("\n### Concurrency sweep\n\n| variant | c=1 | c=8 | c=32 | c=128 |\n|---|---|---|---|---|\n");
            for (Map.Entry<String, List<Run>> e : sweep.entrySet()) {
                Map<Integer, Run> byC = new TreeMap<>();
                e.getValue().forEach(r -> byC.put(r.conns(), r));
                sb.append("| ").append(e.getKey());
                for (int c : new int[] {1, 8, 32, 128}) {
                    Run r = byC.get(c);
                    sb.append(" | ").append(r == null ? "–"
                            : String.format(Locale.ROOT, "%,.0f req/s, p99 %s", r.rps(), us(r.p99())));
                }
                sb.append(" |\n");
            }
        }
        if (!memory.isEmpty()) {
            sb.append("\n### Redis memory and commands per 1k keys\n\n")
                    .append("| keys of | keys created | key memory per 1k (MEMORY USAGE) | Redis cmds per created key | how |\n|---|---|---|---|---|\n");
            for (String[] m : memory) {
                sb.append("| ").append(String.join(" | ", m)).append(" |\n");
            }
        }
        if (!missing.isEmpty()) {
            sb.append("\n### Not measured in this run\n\n");
            missing.forEach((k, why) -> sb.append("- ").append(k).append(": ").append(why).append('\n'));
        }
        return sb.toString();
    }

    private static String breakdown(Map<String, Long> byCmd, long req) {
        if (byCmd.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (");
        String sep = "";
        for (Map.Entry<String, Long> e : byCmd.entrySet()) {
            double per = e.getValue() / (double) req;
            if (per < 0.005) {
                continue;
            }
            b.append(sep).append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.2f", per));
            sep = ", ";
        }
        return sep.isEmpty() ? "" : b.append(')').toString();
    }

    /** {label, variant, reference, minimum ratio of req/s}. */
    static final String[][] TARGETS = {
        {"rate limit (fixed window) ≥ 0.90× its 1-round-trip stub", "ratelimit-fixed", "stub-1rt", "0.90"},
        {"rate limit (sliding-window counter) ≥ 0.90× stub", "ratelimit-sliding-counter", "stub-1rt", "0.90"},
        {"cache hit ≥ 0.90× stub", "cache-hit", "stub-1rt", "0.90"},
        {"JWT blacklist check ≥ 0.90× stub", "jwt", "stub-1rt", "0.90"},
        {"session read ≥ 0.90× stub", "session-read", "stub-1rt", "0.90"},
        {"session write ≥ 0.90× its 2-round-trip stub", "session-write", "stub-2rt", "0.90"},
        {"all four (cache hit) ≥ 0.90× 3-round-trip stub", "all-four", "stub-3rt", "0.90"},
        {"session read ≥ 1.5× Spring Session", "session-read", "spring-session-read", "1.5"},
        {"session write ≥ 1.5× Spring Session", "session-write", "spring-session-write", "1.5"},
        {"rate limit on one hot key ≥ 2× Bucket4j Jedis proxy manager", "ratelimit-fixed", "bucket4j-hot", "2"},
        {"cache hit ≥ 20× the 20 ms origin (throughput at c=32)", "cache-hit-20ms-origin", "origin-20ms", "20"},
    };

    private static double[] pairedRatios(List<Run> a, List<Run> b) {
        Map<Integer, Double> br = new TreeMap<>();
        b.forEach(r -> br.put(r.rep(), r.rps()));
        return a.stream().filter(r -> br.containsKey(r.rep())).mapToDouble(r -> r.rps() / br.get(r.rep())).toArray();
    }

    private static String pairedRatio(List<Run> a, List<Run> b) {
        Map<Integer, Double> br = new TreeMap<>();
        b.forEach(r -> br.put(r.rep(), r.rps()));
        double[] ratios = a.stream().filter(r -> br.containsKey(r.rep())).mapToDouble(r -> r.rps() / br.get(r.rep()))
                .toArray();
        if (ratios.length == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median(ratios), min(ratios), max(ratios));
    }

    private static Map<String, List<Run>> group(List<Run> runs, String phase) {
        Map<String, List<Run>> m = new LinkedHashMap<>();
        runs.stream().filter(r -> r.phase().equals(phase)).forEach(r -> m.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r));
        return m;
    }

    static String us(long micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000.0) : micros + " µs";
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}

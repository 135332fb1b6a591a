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
import java.util.function.ToDoubleFunction;

/**
 * Turns {@code run.sh}'s raw wrk/commandstats lines into the Markdown report.
 *
 * <p>Throughput ratios come from the A/B phase: for a comparison V~R, each pass is a sequence of
 * slices R V R V … R, and each V slice is divided by the mean of the two R slices around it, so a
 * variant is only ever compared with its reference measured seconds before and after it (a load
 * that drifts linearly across the three slices cancels). The report gives the median of those
 * ratios and a distribution-free 95 % confidence interval of that median (order statistics).
 *
 * <p>Usage: {@code Report --raw raw.tsv --variants variants.tsv --out latest.md [--readme README.md]
 * [--memory memory.tsv] [--machine ..] [--settings ..] [--cpus 2] [--span ..]}, or
 * {@code Report --compare rawA.tsv rawB.tsv} to set two runs' ratios side by side.
 */
public final class Report {
    static final String READS = "_reads";
    /** How far apart two runs' medians may be for their verdicts to count as agreeing. */
    static final double AGREEMENT = 0.05;

    /** One wrk run; {@code comparison}, {@code role} ("v" or "r") and {@code slice} are set in the A/B phase. */
    record Run(String phase, String variant, int rep, int conns, long requests, long durationUs, long p50, long p90,
            long p99, long max, long socketErrors, long non2xx, Map<String, Long> commands, String comparison,
            String role, int slice) {
        double rps() {
            return requests / (durationUs / 1e6);
        }

        /** Commands executed by Redis, those run inside Lua scripts included. */
        long totalCommands() {
            return commands.entrySet().stream().filter(e -> !e.getKey().startsWith("_")).mapToLong(Map.Entry::getValue).sum();
        }

        long counter(String name) {
            return commands.getOrDefault(name, 0L);
        }

        /**
         * Share of the machine's CPU (0..1) busy with something other than BenchServer, Redis, wrk
         * and the kernel's softirq threads (which carry the benchmark's loopback traffic).
         */
        double outsideShare(int cpus) {
            long wall = counter("_wall");
            if (wall <= 0 || !commands.containsKey("_busy")) {
                return Double.NaN;
            }
            long ours = counter("_jcpu") + counter("_rcpu") + counter("_wcpu") + counter("_kcpu");
            return Math.max(0, counter("_busy") - ours) / ((double) wall * cpus);
        }

        double stealShare(int cpus) {
            long wall = counter("_wall");
            return wall <= 0 ? Double.NaN : counter("_steal") / ((double) wall * cpus);
        }
    }

    record Variant(String name, String kind, String stub, String path, String note) {
    }

    /** Median, a 95 % CI of the median and the number of ratios behind it. */
    record Ratio(double median, double low, double high, int n, double min, double max) {
        String cell() {
            return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median, low, high);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--compare")) {
            System.out.print(compare(readRuns(Path.of(args[1])), readRuns(Path.of(args[2])), args[1], args[2]));
            return;
        }
        if (args.length == 3 && args[0].equals("--wide")) {
            wide(readRuns(Path.of(args[1])), Integer.parseInt(args[2])).forEach(System.out::println);
            return;
        }
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
        int cpus = Integer.parseInt(a.getOrDefault("--cpus", "2"));
        String md = render(runs, variants, missing, memory, a.getOrDefault("--machine", "?"),
                a.getOrDefault("--settings", "?"), a.getOrDefault("--span", ""), cpus);
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
                    Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]), cmds,
                    f.length > 13 ? f[13] : "-", f.length > 14 ? f[14] : "-",
                    f.length > 15 ? Integer.parseInt(f[15]) : 0));
        }
        return runs;
    }

    // ----------------------------------------------------------------------------------- ratios

    /**
     * The ratios of comparison {@code v~r}: for every V slice, its req/s over the mean of the R
     * slices just before and after it in the same pass.
     */
    static double[] abRatios(List<Run> runs, String comparison) {
        return abRatios(runs, comparison, Run::rps);
    }

    /**
     * The same pairing for CPU per request (JVM + Redis + wrk): the R slices' CPU per request over
     * the V slice's, so that it reads like a throughput ratio. On this CPU-bound machine the two
     * agree when nothing else runs; CPU per request moves less with outside load.
     */
    static double[] cpuRatios(List<Run> runs, String comparison) {
        return abRatios(runs, comparison, r -> r.requests() == 0 ? Double.NaN
                : r.requests() / (double) (r.counter("_jcpu") + r.counter("_rcpu") + r.counter("_wcpu")));
    }

    private static double[] abRatios(List<Run> runs, String comparison, ToDoubleFunction<Run> measure) {
        Map<Integer, Map<Integer, Run>> byPass = new TreeMap<>();
        for (Run r : runs) {
            if (r.phase().equals("ab") && r.comparison().equals(comparison)) {
                byPass.computeIfAbsent(r.rep(), k -> new TreeMap<>()).put(r.slice(), r);
            }
        }
        List<Double> ratios = new ArrayList<>();
        for (Map<Integer, Run> slices : byPass.values()) {
            for (Run v : slices.values()) {
                if (!v.role().equals("v")) {
                    continue;
                }
                Run before = slices.get(v.slice() - 1);
                Run after = slices.get(v.slice() + 1);
                double ref = before != null && after != null ? (measure.applyAsDouble(before) + measure.applyAsDouble(after)) / 2
                        : before != null ? measure.applyAsDouble(before) : after != null ? measure.applyAsDouble(after) : Double.NaN;
                double x = measure.applyAsDouble(v);
                if (ref > 0 && x > 0 && Double.isFinite(x)) {
                    ratios.add(x / ref);
                }
            }
        }
        return ratios.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static Ratio ratio(List<Run> runs, String comparison) {
        return summarise(abRatios(runs, comparison));
    }

    static Ratio cpuRatio(List<Run> runs, String comparison) {
        return summarise(cpuRatios(runs, comparison));
    }

    private static Ratio summarise(double[] r) {
        if (r.length == 0) {
            return null;
        }
        double[] s = r.clone();
        Arrays.sort(s);
        int k = ciRank(s.length);
        return new Ratio(median(s), s[k - 1], s[s.length - k], s.length, s[0], s[s.length - 1]);
    }

    /**
     * The rank k of the distribution-free confidence interval [x(k), x(n+1-k)] of a median: the
     * largest k whose interval still covers the median with ≥ 95 % probability (binomial(n, ½)),
     * 1 (the whole range) when no interval reaches 95 % (n &lt; 6).
     */
    static int ciRank(int n) {
        int k = 1;
        while (k + 1 <= (n + 1) / 2 && 1 - 2 * binomialCdf(n, k + 1) >= 0.95) {
            k++;
        }
        return k;
    }

    /** P(X &lt; k) for X ~ binomial(n, ½). */
    private static double binomialCdf(int n, int k) {
        double p = 0;
        double c = 1;
        for (int i = 0; i < k; i++) {
            p += c;
            c = c * (n - i) / (i + 1);
        }
        return p / Math.pow(2, n);
    }

    /**
     * The comparisons whose 95 % CI is still wider than ±{@link #AGREEMENT} (relative above 1×),
     * widest first, with fewer than {@code maxPasses} passes: as "variant:reference next-pass".
     */
    static List<String> wide(List<Run> runs, int maxPasses) {
        Map<String, Long> passes = new LinkedHashMap<>();
        runs.stream().filter(r -> r.phase().equals("ab")).map(r -> r.comparison() + "\t" + r.rep()).distinct()
                .forEach(k -> passes.merge(k.substring(0, k.indexOf('\t')), 1L, Long::sum));
        Map<String, Double> width = new LinkedHashMap<>();
        passes.forEach((c, n) -> {
            Ratio r = ratio(runs, c);
            double w = r == null ? Double.MAX_VALUE : (r.high() - r.low()) / 2 / Math.max(1, r.median());
            if (n < maxPasses && w > AGREEMENT) {
                width.put(c, w);
            }
        });
        return width.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> e.getKey().replace('~', ':') + " " + (passes.get(e.getKey()) + 1)).toList();
    }

    // ----------------------------------------------------------------------------------- report

    static String render(List<Run> runs, Map<String, Variant> variants, Map<String, String> missing,
            List<String[]> memory, String machine, String settings, String span, int cpus) {
        StringBuilder sb = new StringBuilder();
        String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        sb.append("## Benchmark results, ").append(when).append(span.isEmpty() ? "" : " (ran " + span + ")").append("\n\n");
        sb.append("Machine: ").append(machine).append("  \n");
        sb.append("Settings: ").append(settings).append("  \n");
        sb.append(outsideLoad(runs, cpus)).append("\n\n");
        sb.append("| variant | req/s alone, c=32 | p50 c=1 | p99 c=1 | p99 c=32 | round trips/req | Redis cmds/req (incl. inside Lua) | CPU µs/req JVM + Redis | ratio to its reference: median (95 % CI) | ratio to bare (chained) | notes |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Run>> lat = group(runs, "lat");
        for (Variant v : variants.values()) {
            List<Run> t = measured(runs, v.name());
            if (t.isEmpty()) {
                continue;
            }
            double[] rps = t.stream().mapToDouble(Run::rps).toArray();
            String tputCell = rps.length == 1 ? String.format(Locale.ROOT, "%,.0f", rps[0])
                    : String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", median(rps), min(rps), max(rps));
            List<Run> l = lat.get(v.name());
            String p50 = l == null ? "–" : us(l.get(0).p50());
            String p99 = l == null ? "–" : us(l.get(0).p99());
            String p99load = us((long) median(t.stream().mapToDouble(Run::p99).toArray()));
            long req = t.stream().mapToLong(Run::requests).sum();
            long cmds = t.stream().mapToLong(Run::totalCommands).sum();
            Map<String, Long> byCmd = new TreeMap<>();
            t.forEach(r -> r.commands().forEach((k, n) -> {
                if (!k.startsWith("_")) {
                    byCmd.merge(k, n, Long::sum);
                }
            }));
            String rtCell = String.format(Locale.ROOT, "%.2f", roundTrips(l != null ? l : t));
            String cmdCell = String.format(Locale.ROOT, "%.2f", cmds / (double) req) + breakdown(byCmd, req);
            String cpuCell = String.format(Locale.ROOT, "%.0f + %.0f", sum(t, r -> r.counter("_jcpu")) / req,
                    sum(t, r -> r.counter("_rcpu")) / req);
            String refCell = "–";
            Ratio own = v.stub().equals("-") ? null : ratio(runs, v.name() + "~" + v.stub());
            if (own != null) {
                refCell = own.cell() + " vs " + v.stub();
            }
            String bareCell = v.name().equals("bare") ? "–" : chainedToBare(runs, variants, v.name());
            List<String> notes = new ArrayList<>();
            notes.add(v.note());
            List<Run> errors = new ArrayList<>(t);
            runs.stream().filter(r -> r.phase().equals("abrun") && r.comparison().startsWith(v.name() + "~")).forEach(errors::add);
            long timeouts = errors.stream().mapToLong(Run::socketErrors).sum();
            long non2xx = errors.stream().mapToLong(Run::non2xx).sum();
            if (non2xx > 0) {
                notes.add("**" + non2xx + " non-2xx answers**");
            }
            if (timeouts > 0) {
                notes.add(timeouts + " wrk socket errors/timeouts (> 2 s)");
            }
            Long evals = byCmd.get("eval");
            if (evals != null && v.name().contains("bucket")) {
                // Bucket4j's CAS proxy: every attempt ends in one EVAL (compare-and-swap); attempts - 1 = retries
                notes.add(String.format(Locale.ROOT, "CAS retries/req ≈ %.2f", evals / (double) req - 1.0));
            }
            sb.append("| ").append(v.name()).append(" | ").append(tputCell).append(" | ").append(p50).append(" | ")
                    .append(p99).append(" | ").append(p99load).append(" | ").append(rtCell).append(" | ").append(cmdCell)
                    .append(" | ").append(cpuCell).append(" | ").append(refCell).append(" | ").append(bareCell)
                    .append(" | ").append(String.join("; ", notes)).append(" |\n");
        }
        sb.append("\nRatios: each comparison runs as slices R V R V … R of a few seconds, the reference R sent ")
                .append("the variant's own request (same headers, same URL shape); each V slice is divided by the mean ")
                .append("of the R slices around it, and the median of those ratios is given with a distribution-free 95 % ")
                .append("confidence interval of the median (order statistics: with 6 ratios, their min–max). Ratio to ")
                .append("bare: the product of the medians along variant → reference → … → bare. Req/s, p99 c=32, Redis ")
                .append("cmds/req and CPU µs/req: over the variant's own A/B slices (-c32). p50/p99 c=1: one connection, ")
                .append("one request in flight (pure latency). Round trips/req: Redis `total_reads_processed` delta ÷ ")
                .append("requests in the c=1 run (one socket read per client round trip; a pipeline is one; at c=1 no ")
                .append("two requests can share a read, as they can on Lettuce's multiplexed connection). Redis cmds/req: ")
                .append("`INFO commandstats` delta ÷ requests, commands run inside Lua scripts included (EVALSHA itself ")
                .append("is one of them). CPU µs/req: CPU time of the BenchServer JVM (`/proc/<pid>/stat`) and of ")
                .append("redis-server (`INFO cpu`) ÷ requests: on 2 shared cores, this is what bounds throughput.\n");

        sb.append("\n### Targets\n\n| issue | target | throughput ratio: median (95 % CI), n | CPU-cost ratio (cross-check) | outside load | verdict |\n|---|---|---|---|---|---|\n");
        for (String[] t : TARGETS) {
            String comparison = t[2] + "~" + t[3];
            Ratio r = ratio(runs, comparison);
            double need = Double.parseDouble(t[4]);
            if (r == null) {
                continue; // not in this run's selection
            }
            Ratio c = cpuRatio(runs, comparison);
            sb.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(r.cell()).append(", n=")
                    .append(r.n()).append(" | ").append(c == null ? "–" : c.cell()).append(" | ")
                    .append(outsideCell(runs, comparison, cpus)).append(" | ").append(verdict(r, need)).append(" |\n");
        }
        if (lat.containsKey("origin-20ms") && lat.containsKey("cache-hit-20ms-origin")) {
            double o = lat.get("origin-20ms").get(0).p50();
            double c = lat.get("cache-hit-20ms-origin").get(0).p50();
            sb.append(String.format(Locale.ROOT, "| 8 | cache hit ≥ 20× faster than the 20 ms origin (latency, p50 at c=1) | %.0f× (%s vs %s) | – | – | %s |\n",
                    o / c, us((long) c), us((long) o), o / c >= 20 ? "**met**" : "**missed**"));
        }
        for (String[] rt : ROUND_TRIP_TARGETS) {
            List<Run> t = lat.get(rt[1]);
            if (t != null) {
                double per = roundTrips(t);
                double max = Double.parseDouble(rt[2]);
                sb.append(String.format(Locale.ROOT, "| %s | %s: ≤ %s round trip(s) per request | %.2f | – | – | %s |\n", rt[0], rt[1],
                        rt[2], per, per <= max + 0.05 ? "**met**" : "**missed**"));
            }
        }
        sb.append("\nVerdicts (on the throughput ratio): **met** / **missed** when the whole confidence interval lies on ")
                .append("one side of the line; otherwise the median decides and the verdict says the interval straddles the ")
                .append("line. CPU-cost ratio: the reference's CPU per request (JVM + Redis + wrk) over the variant's, ")
                .append("paired the same way; it should agree with the throughput ratio, and moves less with outside load. ")
                .append("Outside load: median share of the machine used by other processes during the comparison's slices.\n");

        sb.append(roundTripTable(runs, lat));

        Map<String, List<Run>> sweep = group(runs, "sweep");
        if (!sweep.isEmpty()) {
            sb.append("\n### Concurrency sweep (one unpaired run per point: noisy)\n\n| variant | c=1 | c=8 | c=32 | c=128 |\n|---|---|---|---|---|\n");
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

    static String verdict(Ratio r, double need) {
        if (r.low() >= need) {
            return "**met**";
        }
        if (r.high() < need) {
            return "**missed**";
        }
        return (r.median() >= need ? "met" : "missed") + " on the median (CI straddles the line)";
    }

    /** {issue, label, variant, reference, minimum ratio of req/s}. */
    static final String[][] TARGETS = {
        {"8, 17", "rate limit (fixed window) ≥ 0.90× its 1-round-trip stub", "ratelimit-fixed", "stub-1rt", "0.90"},
        {"8, 17", "rate limit (sliding-window counter) ≥ 0.90× stub", "ratelimit-sliding-counter", "stub-1rt", "0.90"},
        {"8", "cache hit ≥ 0.90× stub", "cache-hit", "stub-1rt", "0.90"},
        {"8", "JWT blacklist check ≥ 0.90× stub", "jwt", "stub-1rt", "0.90"},
        {"8", "session read ≥ 0.90× stub", "session-read", "stub-1rt", "0.90"},
        {"8", "session write ≥ 0.90× its 2-round-trip stub", "session-write", "stub-2rt", "0.90"},
        {"8", "all four (cache hit) ≥ 0.90× 3-round-trip stub", "all-four", "stub-3rt", "0.90"},
        {"17", "all four (cache hit) ≥ 0.90× the 3-lookup pipeline stub", "all-four", "stub-3pipe", "0.90"},
        {"17", "all four (session page) ≥ 0.90× the 3-lookup pipeline stub", "all-four-cart", "stub-3pipe", "0.90"},
        {"8", "session read ≥ 1.5× Spring Session", "session-read", "spring-session-read", "1.5"},
        {"8", "session write ≥ 1.5× Spring Session", "session-write", "spring-session-write", "1.5"},
        {"8", "rate limit on one hot key ≥ 2× Bucket4j Jedis proxy manager", "ratelimit-fixed", "bucket4j-hot", "2"},
        {"8", "cache hit ≥ 20× the 20 ms origin (throughput at c=32)", "cache-hit-20ms-origin", "origin-20ms", "20"},
    };

    /** {issue, variant, most round trips per request}. */
    static final String[][] ROUND_TRIP_TARGETS = {
        {"8", "session-write", "2"}, {"8", "session-read", "1"}, {"8", "ratelimit-fixed", "1"}, {"8", "cache-hit", "1"},
        {"8", "jwt", "1"}, {"17", "all-four", "1"}, {"17", "all-four-cart", "1"},
    };

    /** Variants whose round trips issue 17 follows, with the pipelined stub as their yardstick. */
    static final List<String> CHAIN = List.of("stub-1rt", "stub-3rt", "stub-3pipe", "all-four", "all-four-cart");

    private static String roundTripTable(List<Run> runs, Map<String, List<Run>> lat) {
        StringBuilder sb = new StringBuilder("\n### Round trips of the chain (issue 17)\n\n")
                .append("| variant | round trips/req, c=1 | socket reads/req, c=32 | Redis cmds/req | ratio to stub-3pipe |\n")
                .append("|---|---|---|---|---|\n");
        boolean any = false;
        for (String v : CHAIN) {
            List<Run> l = lat.get(v);
            List<Run> t = measured(runs, v);
            if (l == null && t.isEmpty()) {
                continue;
            }
            any = true;
            long req = t.stream().mapToLong(Run::requests).sum();
            Ratio r = ratio(runs, v + "~stub-3pipe");
            sb.append("| ").append(v).append(" | ").append(l == null ? "–" : String.format(Locale.ROOT, "%.2f", roundTrips(l)))
                    .append(" | ").append(req == 0 ? "–" : String.format(Locale.ROOT, "%.2f", sum(t, x -> x.counter(READS)) / req))
                    .append(" | ").append(req == 0 ? "–" : String.format(Locale.ROOT, "%.2f", sum(t, Run::totalCommands) / req))
                    .append(" | ").append(r == null ? (v.equals("stub-3pipe") ? "1" : "–") : r.cell()).append(" |\n");
        }
        return any ? sb.toString() : "";
    }

    /** The variant's run alone at -c32 after its warm-up (req/s, p99, commands and CPU per request). */
    static List<Run> measured(List<Run> runs, String variant) {
        return runs.stream().filter(r -> r.phase().equals("solo") && r.variant().equals(variant)).toList();
    }

    private static double roundTrips(List<Run> runs) {
        long req = runs.stream().mapToLong(Run::requests).sum();
        return req == 0 ? Double.NaN : sum(runs, r -> r.counter(READS)) / req;
    }

    /** The product of the median ratios along variant → its reference → … → bare. */
    private static String chainedToBare(List<Run> runs, Map<String, Variant> variants, String name) {
        double product = 1;
        String at = name;
        for (int hops = 0; hops < 6 && !at.equals("bare"); hops++) {
            Variant v = variants.get(at);
            if (v == null || v.stub().equals("-")) {
                return "–";
            }
            Ratio r = ratio(runs, at + "~" + v.stub());
            if (r == null) {
                return "–";
            }
            product *= r.median();
            at = v.stub();
        }
        return at.equals("bare") ? String.format(Locale.ROOT, "%.2f×", product) : "–";
    }

    /** The load from outside the benchmark during the A/B phase (other processes, the hypervisor's steal). */
    static String outsideLoad(List<Run> runs, int cpus) {
        double[] outside = runs.stream().filter(r -> r.phase().equals("ab")).mapToDouble(r -> r.outsideShare(cpus))
                .filter(d -> !Double.isNaN(d)).toArray();
        double[] steal = runs.stream().filter(r -> r.phase().equals("ab")).mapToDouble(r -> r.stealShare(cpus))
                .filter(d -> !Double.isNaN(d)).toArray();
        if (outside.length == 0) {
            return "Outside load: not recorded.";
        }
        long busy = Arrays.stream(outside).filter(d -> d >= 0.25).count();
        return String.format(Locale.ROOT, "Outside load during the A/B slices (user + system CPU of other processes, "
                + "share of %d cores): median %.0f %%, 90th percentile %.0f %%, max %.0f %%; %d of %d slices above 25 %%; "
                + "hypervisor steal median %.0f %%, max %.0f %%.", cpus, 100 * median(outside),
                100 * percentile(outside, 0.9), 100 * max(outside), busy, outside.length, 100 * median(steal),
                100 * max(steal));
    }

    private static String outsideCell(List<Run> runs, String comparison, int cpus) {
        double[] o = runs.stream().filter(r -> r.phase().equals("ab") && r.comparison().equals(comparison))
                .mapToDouble(r -> r.outsideShare(cpus)).filter(d -> !Double.isNaN(d)).toArray();
        return o.length == 0 ? "–" : String.format(Locale.ROOT, "%.0f %%", 100 * median(o));
    }

    // ---------------------------------------------------------------------------------- compare

    /** Two runs' ratios side by side, with the difference of the medians and whether it is within ±0.05. */
    static String compare(List<Run> a, List<Run> b, String nameA, String nameB) {
        StringBuilder sb = new StringBuilder();
        sb.append("A = ").append(nameA).append("  \nB = ").append(nameB).append("\n\n");
        sb.append("A: ").append(outsideLoad(a, 2)).append("  \nB: ").append(outsideLoad(b, 2)).append("\n\n");
        sb.append("| comparison | A: median (95 % CI) | B: median (95 % CI) | B − A | within ±0.05 | CPU-cost ratio A / B |\n|---|---|---|---|---|---|\n");
        List<String> comparisons = a.stream().filter(r -> r.phase().equals("ab")).map(Run::comparison).distinct().toList();
        int agree = 0;
        int cpuAgree = 0;
        int total = 0;
        double worst = 0;
        for (String c : comparisons) {
            Ratio ra = ratio(a, c);
            Ratio rb = ratio(b, c);
            if (ra == null || rb == null) {
                continue;
            }
            double d = rb.median() - ra.median();
            // relative for large ratios (7× vs Bucket4j): ±0.05 of the smaller median
            double tolerance = AGREEMENT * Math.max(1, Math.min(ra.median(), rb.median()));
            boolean ok = Math.abs(d) <= tolerance + 1e-9;
            total++;
            agree += ok ? 1 : 0;
            Ratio ca = cpuRatio(a, c);
            Ratio cb = cpuRatio(b, c);
            if (ca != null && cb != null && Math.abs(cb.median() - ca.median())
                    <= AGREEMENT * Math.max(1, Math.min(ca.median(), cb.median())) + 1e-9) {
                cpuAgree++;
            }
            worst = Math.max(worst, Math.abs(d) / Math.max(1, Math.min(ra.median(), rb.median())));
            sb.append("| ").append(c.replace("~", " ÷ ")).append(" | ").append(ra.cell()).append(" | ").append(rb.cell())
                    .append(" | ").append(String.format(Locale.ROOT, "%+.2f", d)).append(" | ").append(ok ? "yes" : "**no**")
                    .append(" | ").append(cpuMedian(a, c)).append(" / ").append(cpuMedian(b, c)).append(" |\n");
        }
        sb.append(String.format(Locale.ROOT, "%n%d of %d throughput medians within ±%.2f (largest difference %.3f; above 1×, "
                + "±%.2f of the ratio); CPU-cost ratios: %d of %d.%n", agree, total, AGREEMENT, worst, AGREEMENT, cpuAgree, total));
        sb.append("\n| target | A | B | same verdict |\n|---|---|---|---|\n");
        for (String[] t : TARGETS) {
            Ratio ra = ratio(a, t[2] + "~" + t[3]);
            Ratio rb = ratio(b, t[2] + "~" + t[3]);
            if (ra == null || rb == null) {
                continue;
            }
            double need = Double.parseDouble(t[4]);
            boolean same = (ra.median() >= need) == (rb.median() >= need);
            sb.append("| ").append(t[1]).append(" | ").append(ra.cell()).append(" ").append(verdict(ra, need)).append(" | ")
                    .append(rb.cell()).append(" ").append(verdict(rb, need)).append(" | ").append(same ? "yes" : "**no**")
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String cpuMedian(List<Run> runs, String comparison) {
        Ratio r = cpuRatio(runs, comparison);
        return r == null ? "–" : String.format(Locale.ROOT, "%.2f×", r.median());
    }

    // ---------------------------------------------------------------------------------- helpers

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

    private static double sum(List<Run> runs, ToDoubleFunction<Run> f) {
        return runs.stream().mapToDouble(f).sum();
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
        return percentile(v, 0.5);
    }

    /** Linear interpolation between order statistics (the median of an even count is the mean of the middle two). */
    static double percentile(double[] v, double q) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}

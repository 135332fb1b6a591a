package io.github.redisfilters.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU time of BenchServer goes during one variant's run: reads a JFR recording
 * ({@code jdk.ExecutionSample}) and prints the share of samples by top-frame area, the hottest
 * methods by self samples, and the library's methods by inclusive samples.
 *
 * <p>Usage: {@code java -cp target/classes:target/lib/* io.github.redisfilters.bench.ProfileSummary rec.jfr
 * [discarded.jfr]}. {@code run.sh} records every variant twice in one JVM and summarises the second
 * recording: starting JFR deoptimises compiled code, so the first recording samples mostly
 * interpreted frames. The share of samples whose innermost frame ran interpreted is printed for
 * both files, to show that the kept recording is the compiled steady state.
 */
public final class ProfileSummary {
    private ProfileSummary() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> areas = new LinkedHashMap<>();
        int total = 0;
        int interpreted = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            total++;
            List<RecordedFrame> frames = st.getFrames();
            if (isInterpreted(frames.get(0))) {
                interpreted++;
            }
            String top = name(frames.get(0));
            self.merge(top, 1, Integer::sum);
            areas.merge(area(frames), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (n.startsWith("io.github.redisfilters.") && seen.add(n)) {
                    inclusive.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d execution samples, %.1f %% interpreted (innermost frame)", total,
                100.0 * interpreted / Math.max(1, total));
        if (args.length > 1) {
            System.out.printf(Locale.ROOT, "; the discarded first recording: %.1f %% interpreted", 100 * interpretedShare(Path.of(args[1])));
        }
        System.out.printf(Locale.ROOT, "%n%n");
        System.out.println("Samples by area (innermost frame that belongs to a known area):");
        print(areas, total, 20);
        System.out.println("\nHottest methods (self):");
        print(self, total, 25);
        System.out.println("\nLibrary methods (inclusive):");
        print(inclusive, total, 25);
    }

    private static boolean isInterpreted(RecordedFrame f) {
        return "Interpreted".equals(f.getType());
    }

    static double interpretedShare(Path recording) throws IOException {
        int total = 0;
        int interpreted = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            RecordedStackTrace st = e.getEventType().getName().equals("jdk.ExecutionSample") ? e.getStackTrace() : null;
            if (st != null && !st.getFrames().isEmpty()) {
                total++;
                interpreted += isInterpreted(st.getFrames().get(0)) ? 1 : 0;
            }
        }
        return interpreted / (double) Math.max(1, total);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** The area of a sample: the first (innermost) frame in a recognised package decides. */
    static String area(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String t = f.getMethod().getType().getName();
            if (t.startsWith("io.github.redisfilters.bench.")) {
                return "bench harness (stubs, app servlet)";
            }
            if (t.startsWith("io.github.redisfilters.")) {
                return "library: " + t.substring("io.github.redisfilters.".length(), t.indexOf('.', "io.github.redisfilters.".length()));
            }
            if (t.startsWith("redis.clients.") || t.startsWith("org.apache.commons.pool2.")) {
                return "Jedis + pool";
            }
            if (t.startsWith("com.fasterxml.jackson.")) {
                return "Jackson";
            }
            if (t.startsWith("io.github.bucket4j.")) {
                return "Bucket4j";
            }
            if (t.startsWith("org.springframework.") || t.startsWith("io.lettuce.") || t.startsWith("io.netty.")) {
                return "Spring Session / Lettuce / Netty";
            }
            if (t.startsWith("org.eclipse.jetty.")) {
                return "Jetty";
            }
        }
        return "other (JDK only on the stack)";
    }

    private static void print(Map<String, Integer> counts, int total, int limit) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }
}

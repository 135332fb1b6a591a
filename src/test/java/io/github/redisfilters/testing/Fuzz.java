package io.github.redisfilters.testing;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * Helpers for the Jazzer {@code @FuzzTest}s ({@code *FuzzTest}). Their inputs are raw bytes read as
 * UTF-8 text, so the regression inputs under {@code src/test/resources/.../<Class>Inputs/<method>/}
 * are plain text files a person can read and add to. {@code fuzz/run.sh} fuzzes one target at a time.
 */
public final class Fuzz {
    /** Hang guard for one input in regression runs; libFuzzer's own timeout covers fuzzing runs. */
    private static final Duration HANG = Duration.ofSeconds(5);
    private static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null
            && !System.getenv("JAZZER_FUZZ").isEmpty() && !System.getenv("JAZZER_FUZZ").equals("0");

    private Fuzz() {
    }

    public static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The input split into at most {@code max} fields at {@code separator}; missing fields are "". */
    public static List<String> fields(byte[] data, char separator, int max) {
        String s = text(data);
        List<String> out = new ArrayList<>();
        int start = 0;
        while (out.size() < max - 1) {
            int at = s.indexOf(separator, start);
            if (at < 0) {
                break;
            }
            out.add(s.substring(start, at));
            start = at + 1;
        }
        out.add(s.substring(start));
        while (out.size() < max) {
            out.add("");
        }
        return out;
    }

    /** One step of a fuzz test; {@code E} lets checked exceptions of the code under test through. */
    @FunctionalInterface
    public interface Step<T, E extends Exception> {
        T get() throws E;
    }

    /** Runs {@code step}, failing (instead of hanging the build) when it takes pathologically long. */
    public static <T, E extends Exception> T guarded(Step<T, E> step) throws E {
        if (FUZZING) {
            return step.get();
        }
        return assertTimeoutPreemptively(HANG, (ThrowingSupplier<T>) step::get,
                "hang guard: one input took longer than " + HANG);
    }
}

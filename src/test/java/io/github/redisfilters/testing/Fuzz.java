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

    /** Runs {@code step}, failing (instead of hanging the build) when it takes pathologically long. */
    public static <T> T guarded(ThrowingSupplier<T> step) {
        if (FUZZING) {
            try {
                return step.get();
            } catch (Throwable t) {
                throw sneaky(t);
            }
        }
        return assertTimeoutPreemptively(HANG, step, "hang guard: one input took longer than " + HANG);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}

package io.github.redisfilters.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryCodecTest {
    final CacheEntry entry = new CacheEntry(203, 1_700_000_000_123L, 4, 60_000, 5_000, 120_000, true,
            List.of(new CacheEntry.Header("Content-Type", "text/plain;charset=UTF-8"),
                    new CacheEntry.Header("X-Tag", "é ü ✓"), new CacheEntry.Header("X-Tag", "second")),
            "body ✓".getBytes(StandardCharsets.UTF_8));

    @Test
    void roundTripsEveryField() {
        CacheEntry back = EntryCodec.decode(EntryCodec.encode(entry));
        assertThat(back).usingRecursiveComparison().isEqualTo(entry);
    }

    @Test
    void readsWhatDataOutputStreamWroteForAnyCharacter() {
        CacheEntry odd = new CacheEntry(200, 1, 0, 0, 0, 0, false,
                List.of(new CacheEntry.Header("X-Nul", "a\u0000b"), new CacheEntry.Header("X-Emoji", "\ud83d\ude00 \u00e9"),
                        new CacheEntry.Header("X-Ascii", "plain")),
                new byte[0], "/api\n/api/x");
        assertThat(EntryCodec.decode(EntryCodec.encode(odd))).usingRecursiveComparison().isEqualTo(odd);
    }

    @Test
    void isCompact() {
        byte[] bytes = EntryCodec.encode(entry);
        assertThat(bytes[0]).isEqualTo((byte) 'E'); // what the lookup script tells apart from a variants record 'V'
        assertThat(bytes.length).isLessThan(56 + 80 + entry.body().length);
    }

    @Test
    void rejectsForeignOrTruncatedBytes() {
        byte[] bytes = EntryCodec.encode(entry);
        assertThatThrownBy(() -> EntryCodec.decode(Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EntryCodec.decode("Vabc\naccept".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EntryCodec.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}

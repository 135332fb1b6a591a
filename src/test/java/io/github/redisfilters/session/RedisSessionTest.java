package io.github.redisfilters.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HttpSession contract, without Redis. */
class RedisSessionTest {
    final List<String> events = new ArrayList<>();

    RedisSession session(RedisSessionConfig.SaveMode mode, String storedId) {
        return new RedisSession(null, Codecs.named("jdk", List.of()), mode, s -> events.add("owner.invalidated"), SessionListeners.NONE,
                "id", storedId, 1000, 2000, 1800, null, storedId == null ? Map.of() : Map.of("a", "1", "b", "2"));
    }

    final class Listener implements HttpSessionBindingListener, Serializable {
        @Override
        public void valueBound(HttpSessionBindingEvent e) {
            events.add("bound " + e.getName());
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent e) {
            events.add("unbound " + e.getName());
        }
    }

    @Test
    void everyMethodButIdAndIntervalFailsAfterInvalidate() {
        RedisSession s = session(RedisSessionConfig.SaveMode.ON_SET, "id");
        s.invalidate();
        assertThat(events).containsExactly("owner.invalidated");
        assertThatThrownBy(s::getCreationTime).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::getLastAccessedTime).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.getAttribute("a")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::getAttributeNames).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.setAttribute("a", "1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.removeAttribute("a")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::isNew).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::invalidate).isInstanceOf(IllegalStateException.class);
        assertThat(s.getId()).isEqualTo("id");
        assertThat(s.getMaxInactiveInterval()).isEqualTo(1800);
    }

    @Test
    void metadataAndNewness() {
        RedisSession loaded = session(RedisSessionConfig.SaveMode.ON_SET, "id");
        assertThat(loaded.isNew()).isFalse();
        assertThat(loaded.getCreationTime()).isEqualTo(1000);
        assertThat(loaded.getLastAccessedTime()).isEqualTo(2000);
        assertThat(Collections.list(loaded.getAttributeNames())).containsExactlyInAnyOrder("a", "b");
        assertThat(session(RedisSessionConfig.SaveMode.ON_SET, null).isNew()).isTrue();
    }

    @Test
    void bindingListenersAreCalledOnSetReplaceRemoveAndInvalidate() {
        RedisSession s = session(RedisSessionConfig.SaveMode.ON_SET, "id");
        Listener first = new Listener();
        s.setAttribute("l", first);
        s.setAttribute("l", first); // same value: neither bound again nor unbound (as Tomcat)
        s.setAttribute("l", new Listener());
        s.removeAttribute("l");
        s.setAttribute("m", new Listener());
        s.invalidate();
        assertThat(events).containsExactly("bound l", "bound l", "unbound l", "unbound l", "bound m",
                "unbound m", "owner.invalidated");
    }

    @Test
    void onlyChangesAreWrittenInSetMode() {
        RedisSession s = session(RedisSessionConfig.SaveMode.ON_SET, "id");
        assertThat(s.hasChanges()).isFalse();
        s.getAttribute("a");
        assertThat(s.hasChanges()).isFalse();
        s.setAttribute("c", "3");
        s.removeAttribute("b");
        s.setAttribute("d", null);
        assertThat(s.namesToWrite()).containsExactly("c");
        assertThat(s.namesToRemove()).containsExactlyInAnyOrder("b", "d");
        s.saved(s.namesToWrite(), s.namesToRemove(), "id");
        assertThat(s.hasChanges()).isFalse();
    }

    @Test
    void getModeWritesWhatWasRead() {
        RedisSession s = session(RedisSessionConfig.SaveMode.ON_GET, "id");
        s.getAttribute("a");
        assertThat(s.namesToWrite()).containsExactly("a");
    }

    @Test
    void alwaysModeWritesEverythingOncePerRequest() {
        RedisSession s = session(RedisSessionConfig.SaveMode.ALWAYS, "id");
        assertThat(s.hasChanges()).isTrue();
        assertThat(s.namesToWrite()).containsExactlyInAnyOrder("a", "b");
        s.saved(s.namesToWrite(), s.namesToRemove(), "id");
        assertThat(s.hasChanges()).isFalse();
    }

    @Test
    void aChangedIdIsRenamedInRedisSoOnlyChangesAreWritten() {
        RedisSession s = session(RedisSessionConfig.SaveMode.ON_SET, "id");
        s.changeId("other");
        assertThat(s.hasChanges()).as("the rename itself is a change").isTrue();
        assertThat(s.needsFullWrite()).isFalse();
        s.setAttribute("user", "alice");
        assertThat(s.namesToWrite()).containsExactly("user");
    }

    @Test
    void nonSerializableValuesAreRejectedWhereTheyAreSet() {
        RedisSession s = session(RedisSessionConfig.SaveMode.ON_SET, "id");
        assertThatThrownBy(() -> s.setAttribute("x", new Object())).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.github.redisfilters.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.redisfilters.ratelimit.RateLimitFilter;
import org.junit.jupiter.api.Test;

/** Scripts made of several resources: the shared function first, each part on lines of its own. */
class LuaScriptTest {
    @Test
    void partsAreJoinedInOrderAndTheScriptIsNamedAfterTheLast() {
        LuaScript own = LuaScript.fromResource(RateLimitFilter.class, "lua/own_key.lua");
        LuaScript windows = LuaScript.fromResource(RateLimitFilter.class, "lua/windows.lua");
        LuaScript both = LuaScript.fromResources(RateLimitFilter.class, "lua/own_key.lua", "lua/windows.lua");
        assertThat(both.name()).isEqualTo("lua/windows.lua");
        String first = own.source().endsWith("\n") ? own.source() : own.source() + "\n";
        assertThat(both.source()).isEqualTo(first + windows.source());
        assertThat(both.sha1()).isNotEqualTo(windows.sha1()).hasSize(40);
    }

    @Test
    void aMissingPartIsAPackagingErrorThatNamesIt() {
        assertThatThrownBy(() -> LuaScript.fromResources(RateLimitFilter.class, "lua/own_key.lua", "lua/nope.lua"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("lua/nope.lua");
    }
}

package io.github.redisfilters.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/** The two demo users. */
final class Users {
    private static final Map<String, String> PASSWORDS = Map.of("alice", "alice-pw", "bob", "bob-pw");

    private Users() {
    }

    static boolean check(String user, String password) {
        String expected = user == null ? null : PASSWORDS.get(user);
        return expected != null && password != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }
}

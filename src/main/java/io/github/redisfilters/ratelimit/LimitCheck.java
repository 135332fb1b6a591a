package io.github.redisfilters.ratelimit;

import io.github.redisfilters.internal.client.Commands;
import io.github.redisfilters.internal.client.LuaScript;
import io.github.redisfilters.internal.client.ReadPlan;
import io.github.redisfilters.internal.client.Replies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The scripted policies of one request (fixed windows, sliding logs, sliding counters) as ONE
 * read plan: one script call that checks them all and consumes from each only if every enforced
 * policy admits ({@code windows.lua} when all are fixed windows or sliding counters, else
 * {@code check.lua}); on Redis Cluster one call per client key (a script touches one slot), all in
 * the same pipeline. Everything sent is computed when the plan is made (time from the clock, the
 * sliding-log id), so that sending it again sends the same commands.
 *
 * <p>It consumes quota, so it never runs early ({@link #mayRunEarly()} is false): only the rate
 * limiter sends it, together with whatever the request batch adds.
 */
final class LimitCheck implements ReadPlan<LimitCheck.Result> {
    static final LuaScript CHECK = LuaScript.fromResources(LimitCheck.class, "lua/own_key.lua", "lua/check.lua");
    /** {@link #CHECK} for fixed windows and sliding counters only, with fewer arguments and a shorter reply. */
    static final LuaScript WINDOWS = LuaScript.fromResources(LimitCheck.class, "lua/own_key.lua", "lua/windows.lua");
    private static final byte[] EMPTY = new byte[0];

    private final List<Group> groups;

    /** One script call: the checks of one slot (all of them except on Cluster). */
    record Group(List<LimitPlan.Check> checks, boolean countersOnly, String id, List<byte[]> keys, List<byte[]> args) {
    }

    /**
     * What the replies say: the outcomes in plan order, whether every enforced policy admitted,
     * and the groups whose hits were kept (to give back when another group or a token bucket
     * denies).
     */
    record Result(boolean admitted, long nowMillis, List<Decision.Outcome> outcomes, List<Kept> kept) {
    }

    /**
     * Hits one group kept: the group, its outcomes from {@code first} on (a report-only policy that
     * denied kept nothing), and the time they were counted at.
     */
    record Kept(Group group, List<Decision.Outcome> outcomes, int first, long now) {
        /** The outcome indexes of the kept hits. */
        int[] outcomeIndexes() {
            int n = group.checks().size();
            int[] out = new int[n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (outcomes.get(first + i).admitted()) {
                    out[k++] = first + i;
                }
            }
            return java.util.Arrays.copyOf(out, k);
        }

        /** The checks whose hits were kept. */
        List<LimitPlan.Check> checks() {
            List<LimitPlan.Check> out = new ArrayList<>(group.checks().size());
            for (int i : outcomeIndexes()) {
                out.add(group.checks().get(i - first));
            }
            return out;
        }

        /** What identifies each kept hit for {@code refund.lua}: the window index, or the log member. */
        List<String> ids() {
            List<String> out = new ArrayList<>(group.checks().size());
            for (int i : outcomeIndexes()) {
                Policy p = group.checks().get(i - first).policy();
                out.add(p.algorithm() == Algorithm.SLIDING_LOG ? now + ":" + group.id() + ":" + (i - first + 1)
                        : Long.toString(Math.floorDiv(now, p.window().toMillis())));
            }
            return out;
        }
    }

    /**
     * @param groups   the checks per script call, token buckets left out
     * @param nowMillis the injected clock's time, or -1 for Redis {@code TIME}
     * @param id       makes this request's sliding-log members unique; asked only when a group holds a sliding log
     */
    LimitCheck(List<List<LimitPlan.Check>> groups, long nowMillis, java.util.function.Supplier<String> id) {
        List<Group> out = new ArrayList<>(groups.size());
        for (int g = 0; g < groups.size(); g++) {
            List<LimitPlan.Check> checks = groups.get(g);
            boolean counters = countersOnly(checks);
            String gid = counters || !hasLog(checks) ? "" : id.get() + (groups.size() > 1 ? "." + g : "");
            out.add(new Group(checks, counters, gid, keys(checks), counters ? windowArgs(checks, nowMillis)
                    : checkArgs(checks, nowMillis, gid)));
        }
        this.groups = out;
    }

    /**
     * Sends this plan outside any request batch: one script call goes straight through the shared
     * client (same breaker, NOSCRIPT and TRYAGAIN handling, no pipeline bookkeeping); several (on
     * Cluster) as one pipeline.
     *
     * @throws io.github.redisfilters.client.RedisUnavailableException when Redis cannot answer
     */
    Result sendAlone(io.github.redisfilters.client.SharedRedisClient redis) {
        if (groups.size() != 1) {
            return redis.send(this);
        }
        Group g = groups.get(0);
        return decide(Replies.of(redis.evalBinary(g.countersOnly() ? WINDOWS : CHECK, g.keys(), g.args())));
    }

    @Override
    public boolean mayRunEarly() {
        return false; // a hit consumes: only the rate limiter itself may send it
    }

    @Override
    public void addTo(Commands commands) {
        for (int g = 0; g < groups.size(); g++) {
            Group group = groups.get(g);
            commands.eval(group.countersOnly() ? WINDOWS : CHECK, group.keys(), group.args());
        }
    }

    @Override
    public Result decide(Replies replies) {
        List<Decision.Outcome> outcomes = new ArrayList<>(4);
        List<Kept> kept = new ArrayList<>(groups.size());
        boolean admitted = true;
        long now = -1;
        for (int g = 0; g < groups.size(); g++) {
            Group group = groups.get(g);
            List<?> reply = replies.list(g);
            int first = outcomes.size();
            boolean groupAdmitted;
            if (group.countersOnly()) {
                now = num(reply, 0);
                groupAdmitted = windowOutcomes(group.checks(), reply, outcomes);
            } else {
                now = num(reply, 1);
                List<LimitPlan.Check> checks = group.checks();
                for (int i = 0; i < checks.size(); i++) {
                    LimitPlan.Check c = checks.get(i);
                    outcomes.add(new Decision.Outcome(c.rule(), c.policy(), num(reply, 2 + 3 * i) == 1,
                            num(reply, 3 + 3 * i), num(reply, 4 + 3 * i)));
                }
                groupAdmitted = num(reply, 0) == 1;
            }
            if (groupAdmitted) {
                kept.add(new Kept(group, outcomes, first, now)); // what it kept is worked out only for a refund
            } else {
                admitted = false; // the script gave this group's hits back itself
            }
        }
        return new Result(admitted, now, outcomes, kept);
    }

    /** True when every check of the group is a fixed window or a sliding-window counter. */
    static boolean countersOnly(List<LimitPlan.Check> group) {
        for (int i = 0; i < group.size(); i++) {
            Algorithm a = group.get(i).policy().algorithm();
            if (a != Algorithm.FIXED && a != Algorithm.SLIDING_COUNTER) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasLog(List<LimitPlan.Check> group) {
        for (int i = 0; i < group.size(); i++) {
            if (group.get(i).policy().algorithm() == Algorithm.SLIDING_LOG) {
                return true;
            }
        }
        return false;
    }

    /**
     * Outcomes of a {@code windows.lua} reply ({@code now, c1 … cn}, then the previous window's
     * hits of each sliding counter): the same figures {@code check.lua} computes, with the same
     * double arithmetic. A hit was kept when every enforced policy admitted and the policy itself
     * did too; otherwise the script gave it back, so remaining and reset count without it.
     *
     * @return whether every enforced policy of the group admitted the request
     */
    private static boolean windowOutcomes(List<LimitPlan.Check> group, List<?> reply, List<Decision.Outcome> outcomes) {
        int n = group.size();
        long now = num(reply, 0);
        boolean all = true;
        boolean[] admits = new boolean[n];
        long[] previous = null;
        int nextPrevious = 1 + n;
        for (int i = 0; i < n; i++) {
            LimitPlan.Check c = group.get(i);
            Policy p = c.policy();
            long hits = num(reply, 1 + i);
            if (p.algorithm() == Algorithm.FIXED) {
                admits[i] = hits <= p.limit();
            } else {
                if (previous == null) {
                    previous = new long[n];
                }
                double w = p.window().toMillis();
                double prev = previous[i] = num(reply, nextPrevious++);
                double e = now - Math.floor(now / w) * w;
                admits[i] = prev * (w - e) + hits * w <= p.limit() * w;
            }
            if (!admits[i] && !c.rule().reportOnly()) {
                all = false;
            }
        }
        for (int i = 0; i < n; i++) {
            LimitPlan.Check c = group.get(i);
            long hits = all && admits[i] ? num(reply, 1 + i) : num(reply, 1 + i) - 1;
            Policy p = c.policy();
            if (p.algorithm() == Algorithm.FIXED) {
                long w = p.window().toMillis();
                outcomes.add(new Decision.Outcome(c.rule(), p, admits[i], Math.max(0, p.limit() - hits),
                        (Math.floorDiv(now, w) + 1) * w));
            } else {
                long[] state = counterState(p, hits, previous[i], now);
                outcomes.add(new Decision.Outcome(c.rule(), p, admits[i], state[0], state[1]));
            }
        }
        return all;
    }

    /**
     * Remaining and reset of a sliding-window counter: check.lua's arithmetic, in doubles as Lua
     * computes it. Reset is the earliest time the estimate falls by one more unit: first within
     * this window (the previous window's weight decays), else in the next one.
     */
    private static long[] counterState(Policy p, double c, double prev, long nowMillis) {
        double now = nowMillis;
        double l = p.limit();
        double w = p.window().toMillis();
        double idx = Math.floor(now / w);
        double e = now - idx * w;
        double used = prev * (w - e) + c * w;
        double remaining = Math.max(0, Math.floor((l * w - used) / w));
        double target = l - remaining - 1;
        double reset = Double.NaN;
        if (target - c >= 0 && prev > 0) {
            double e1 = w - (target - c) * w / prev;
            if (e1 <= w) {
                reset = idx * w + Math.ceil(Math.max(e1, e));
            }
        }
        if (Double.isNaN(reset)) {
            reset = c == 0 || target < 0 ? (idx + 1) * w : (idx + 1) * w + Math.ceil(Math.max(0, w - target * w / c));
        }
        return new long[] {(long) remaining, (long) reset};
    }

    /**
     * The keys as bytes: the scripts are called through the binary API, whose reply is passed on
     * as Redis sent it.
     */
    private static List<byte[]> keys(List<LimitPlan.Check> group) {
        List<byte[]> keys = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            keys.add(group.get(i).redisKey().getBytes(StandardCharsets.UTF_8));
        }
        return keys;
    }

    /**
     * {@code windows.lua} arguments: limit (negative for a report-only rule) and window (ms,
     * negative for a sliding counter) of each policy, then now when a clock is set.
     */
    private static List<byte[]> windowArgs(List<LimitPlan.Check> group, long nowMillis) {
        List<byte[]> args = new ArrayList<>(2 * group.size() + 1);
        for (int i = 0; i < group.size(); i++) {
            LimitPlan.Check c = group.get(i);
            args.add(c.rule().limitArg(c.policy()));
            args.add(c.rule().windowArg(c.policy()));
        }
        if (nowMillis >= 0) {
            args.add(ascii(nowMillis));
        }
        return args;
    }

    /** {@code check.lua} arguments; an upper-case algorithm code marks a report-only policy. */
    private static List<byte[]> checkArgs(List<LimitPlan.Check> group, long nowMillis, String id) {
        List<byte[]> args = new ArrayList<>(2 + 3 * group.size());
        args.add(nowMillis < 0 ? EMPTY : ascii(nowMillis));
        args.add(id.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < group.size(); i++) {
            LimitPlan.Check c = group.get(i);
            String code = c.policy().algorithm().code;
            args.add((c.rule().reportOnly() ? code.toUpperCase(java.util.Locale.ROOT) : code).getBytes(StandardCharsets.US_ASCII));
            args.add(ascii(c.policy().limit()));
            args.add(ascii(c.policy().window().toMillis()));
        }
        return args;
    }

    static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    static long num(List<?> reply, int i) {
        return ((Number) reply.get(i)).longValue();
    }
}

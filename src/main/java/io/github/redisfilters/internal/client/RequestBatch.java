package io.github.redisfilters.internal.client;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.client.SharedRedisClient;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the library's filters on one request share ONE Redis round trip for their lookups.
 *
 * <p>Each filter registers itself as a {@link Member} of its context's chain when it starts. On a
 * request, each member first {@link #enter enters} the request's batch. When a member needs
 * Redis ({@link #read}), the batch sends, in one pipeline:
 * <ul>
 *   <li>its own plan;</li>
 *   <li>plans that members the request already passed {@linkplain #defer deferred} (the session
 *       filter registers its load and lets the application decide whether it is needed);</li>
 *   <li>the read plans of members the request has not reached yet but whose filter mapping
 *       matches it ({@link Member#planFor}, which applies the member's own rules), as long as
 *       they {@linkplain ReadPlan#mayRunEarly may run early}.</li>
 * </ul>
 * A later member gets its reply from the batch instead of Redis, but only when the plan it
 * computes then is the same command for command (a filter in between may have changed the
 * request): otherwise it reads on its own, so decisions never depend on batching, only round
 * trips do. When the request is answered before a member that had a plan sent early is reached,
 * the member that opened the batch sends their {@linkplain ReadPlan#undo undo} writes as it
 * leaves. Only the initial {@code REQUEST} dispatch batches; members on different Redis clients
 * never share a pipeline.
 *
 * <p>Writes share a round trip too: a member that writes when the response commits (the session
 * filter saves there) {@linkplain Scope#writesAtCommit says so} as it enters; a member behind it
 * that has a write of its own due by then (the cache's invalidation after an unsafe request)
 * {@linkplain Scope#deferWrite defers} it, and it travels in the pipeline of the earlier member's
 * {@linkplain Scope#write write}. Because the earlier member's response wrapper is outside the
 * later member's, its commit comes after the later member's, and before the client sees the
 * response. Writes nobody sent go out when the member that opened the batch leaves.
 */
public final class RequestBatch {
    /** Init-param / context-param that turns batching off ({@code false}); default on. */
    public static final String PARAMETER = "chainBatching";
    static final String CHAIN_ATTRIBUTE = RequestBatch.class.getName() + ".chain";
    static final String REQUEST_ATTRIBUTE = RequestBatch.class.getName();

    private static final Logger LOG = LoggerFactory.getLogger(RequestBatch.class);
    private static final RequestBatch NONE = new RequestBatch(null, null);

    private final HttpServletRequest request;
    private final Chain chain;
    private final List<Member> entered = new ArrayList<>(4);
    private final List<Entry> entries = new ArrayList<>(4);
    /** Writes deferred to the commit of {@link #commitWriter}; null when none. */
    private List<Deferred<?>> pendingWrites;
    /** The entered member that writes when the response commits, or null. */
    private Member commitWriter;
    /** The commit writer has written: a write deferred now would wait for the end of the request. */
    private boolean committed;
    /** The member that opened the batch has left: nothing deferred now would be sent. */
    private boolean finished;

    private RequestBatch(HttpServletRequest request, Chain chain) {
        this.request = request;
        this.chain = chain;
    }

    /** One of the library's filters, as the batch sees it. */
    public interface Member {
        /** The filter's name, as in its {@code FilterRegistration}. */
        String filterName();

        /** The client its plans go to; only members with the same client share a pipeline. */
        SharedRedisClient redis();

        /** False when the filter was configured with {@code chainBatching=false}. */
        boolean batching();

        /**
         * The read plan this filter would send for {@code request} if it were reached now (its
         * methods and rules decide), or null when it would not touch Redis. Must not change the
         * request or the response and must be cheap: it runs for every batched request the
         * filter is mapped to.
         */
        ReadPlan<?> planFor(HttpServletRequest request);

        /** The chain {@link #register} returned for this member; null to look it up in the request's context. */
        default Chain chain() {
            return null;
        }
    }

    /**
     * Adds a started filter to its context's chain; the member keeps the chain it returns (see
     * {@link Member#chain()}) so that a request need not look it up.
     */
    public static Chain register(ServletContext context, Member member) {
        Chain c = chain(context);
        c.members.add(member);
        return c;
    }

    /** Removes a filter that is being destroyed. */
    public static void unregister(ServletContext context, Member member) {
        Chain c = (Chain) context.getAttribute(CHAIN_ATTRIBUTE);
        if (c != null) {
            c.members.remove(member);
        }
    }

    private static Chain chain(ServletContext context) {
        synchronized (context) {
            Chain c = (Chain) context.getAttribute(CHAIN_ATTRIBUTE);
            if (c == null) {
                c = new Chain(context);
                context.setAttribute(CHAIN_ATTRIBUTE, c);
            }
            return c;
        }
    }

    /**
     * Enters {@code member} into the request's batch, opening it when it is the first. Close the
     * scope when the member's {@code doFilter} returns (try-with-resources): the member that
     * opened the batch then sends the undo writes of plans that were never used.
     */
    public static Scope enter(HttpServletRequest request, Member member) {
        if (request.getDispatcherType() != DispatcherType.REQUEST || !member.batching()) {
            return new Scope(NONE, member, false);
        }
        Chain known = member.chain();
        if (known != null && known.members.size() < 2) {
            return new Scope(NONE, member, false); // alone in its application: nothing to share, nothing to look up
        }
        Object existing = request.getAttribute(REQUEST_ATTRIBUTE);
        if (existing instanceof RequestBatch b) {
            b.entered.add(member);
            return new Scope(b, member, false);
        }
        Chain c = known != null ? known : (Chain) request.getServletContext().getAttribute(CHAIN_ATTRIBUTE);
        if (c == null || c.members.size() < 2) {
            return new Scope(NONE, member, false); // alone: nothing to share
        }
        RequestBatch b = new RequestBatch(request, c);
        b.entered.add(member);
        request.setAttribute(REQUEST_ATTRIBUTE, b);
        return new Scope(b, member, true);
    }

    /** A member's view of the request's batch, from its {@code doFilter} entry to its return. */
    public static final class Scope implements AutoCloseable {
        private final RequestBatch batch;
        private final Member member;
        private final boolean owner;

        Scope(RequestBatch batch, Member member, boolean owner) {
            this.batch = batch;
            this.member = member;
            this.owner = owner;
        }

        /** False when this request does not batch (another dispatch, batching off, a filter alone). */
        public boolean batching() {
            return batch.chain != null;
        }

        /** {@link RequestBatch#read} for this member. */
        public <T> T read(ReadPlan<T> plan) {
            return batch.read(member, plan);
        }

        /** {@link RequestBatch#defer} for this member. */
        public void defer(ReadPlan<?> plan) {
            batch.defer(member, plan);
        }

        /**
         * Declares that this member {@linkplain #write writes} when the response commits, every
         * time (with no plans of its own when it has nothing to write), so that members behind it
         * may {@linkplain #deferWrite defer} their writes to that round trip.
         */
        public void writesAtCommit() {
            if (batch.chain != null && batch.commitWriter == null) {
                batch.commitWriter = member;
            }
        }

        /**
         * Lets {@code plan} travel with the write of an earlier member that {@linkplain
         * #writesAtCommit writes at commit}, before the response reaches the client. Returns false
         * when there is no such member on this request (or it uses another Redis client, or has
         * written already): then send the plan yourself.
         *
         * @param onReply gets the plan's decision once it was sent, unless Redis failed it (the
         *                circuit breaker counts and logs that)
         */
        public <T> boolean deferWrite(WritePlan<T> plan, java.util.function.Consumer<? super T> onReply) {
            return batch.deferWrite(member, plan, onReply);
        }

        /**
         * Sends {@code plans} together with the writes deferred to this member's commit, as one
         * pipelined round trip (sends them alone when this request does not batch). As with
         * {@link SharedRedisClient#send(List)}, a plan Redis could not serve holds its failure in
         * the results; null when there was nothing to send.
         */
        public Results write(List<? extends Plan<?>> plans) {
            return batch.write(member, plans);
        }

        /**
         * For a plan this member {@linkplain #defer deferred}: the results of the pipeline that
         * carried it (read the decision with {@code results.get(plan)}), marking it used; or null
         * when nobody has sent it yet, in which case it is withdrawn (nobody will).
         */
        public Results takeSent(ReadPlan<?> plan) {
            return batch.takeSent(plan);
        }

        @Override
        public void close() {
            if (owner) {
                batch.finish();
            }
        }
    }

    /** The batch a member entered earlier on this request (or one that batches nothing). */
    public static RequestBatch current(HttpServletRequest request) {
        return request.getAttribute(REQUEST_ATTRIBUTE) instanceof RequestBatch b ? b : NONE;
    }

    /**
     * Registers a plan of a member the request has entered, to be sent with the next read any
     * member makes (or by {@link #read} of the member itself). Use it for a lookup the member may
     * or may not need later (the session filter's load).
     */
    public void defer(Member member, ReadPlan<?> plan) {
        if (chain == null) {
            return;
        }
        entries.add(new Entry(member, plan, record(plan)));
    }

    private <T> boolean deferWrite(Member member, WritePlan<T> plan, java.util.function.Consumer<? super T> onReply) {
        if (chain == null || commitWriter == null || committed || finished || commitWriter == member
                || commitWriter.redis() != member.redis()) {
            return false;
        }
        if (pendingWrites == null) {
            pendingWrites = new ArrayList<>(2);
        }
        pendingWrites.add(new Deferred<>(plan, onReply));
        return true;
    }

    /** A write deferred to the commit writer's round trip, and who wants its decision. */
    private record Deferred<T>(WritePlan<T> plan, java.util.function.Consumer<? super T> onReply) {
        void report(Results results) {
            T decision;
            try {
                decision = results.get(plan);
            } catch (RuntimeException e) {
                return; // the breaker reports outages
            }
            try {
                onReply.accept(decision);
            } catch (RuntimeException e) {
                LOG.debug("a deferred write's reply handler failed: {}", e.toString());
            }
        }
    }

    private static void report(List<Deferred<?>> deferred, Results results) {
        for (Deferred<?> d : deferred) {
            d.report(results);
        }
    }

    private Results write(Member member, List<? extends Plan<?>> plans) {
        SharedRedisClient redis = member.redis();
        if (member == commitWriter) {
            committed = true;
        }
        if (pendingWrites == null || member != commitWriter) {
            return plans.isEmpty() ? null : redis.send(plans);
        }
        List<Deferred<?>> deferred = pendingWrites;
        pendingWrites = null;
        List<Plan<?>> all = new ArrayList<>(plans.size() + deferred.size());
        all.addAll(plans);
        for (Deferred<?> d : deferred) {
            all.add(d.plan());
        }
        Results results = redis.send(all);
        report(deferred, results);
        return results;
    }

    private Results takeSent(ReadPlan<?> plan) {
        for (java.util.Iterator<Entry> it = entries.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (e.plan == plan) {
                if (e.results == null) {
                    it.remove();
                    return null;
                }
                e.used = true;
                return e.results;
            }
        }
        return null;
    }

    /**
     * The decision of {@code plan} for {@code member}: taken from the batch when the same plan was
     * already sent for it, else sent now together with what the batch may add.
     *
     * @throws RedisUnavailableException when Redis could not serve the plan
     */
    public <T> T read(Member member, ReadPlan<T> plan) {
        SharedRedisClient redis = member.redis();
        if (chain == null) {
            return redis.send(plan);
        }
        List<PlanSender.Command> mine = null;
        Entry own = null;
        for (Entry e : entries) {
            if (e.member != member || e.used) {
                continue;
            }
            if (e.plan != plan && mine == null) {
                mine = record(plan); // the plan made ahead is another object: compare what both would send
            }
            if (e.plan == plan || same(e.commands, mine)) {
                if (e.results != null) {
                    e.used = true; // sent earlier, for this very plan
                    @SuppressWarnings("unchecked")
                    ReadPlan<T> sent = (ReadPlan<T>) e.plan;
                    return e.results.get(sent);
                }
                own = e; // deferred and not sent yet: send it now
                break;
            }
        }
        if (own == null) {
            own = new Entry(member, plan, mine != null ? mine : record(plan));
            entries.add(own);
        }
        own.used = true;
        List<Entry> batch = new ArrayList<>(4);
        batch.add(own);
        for (Entry e : entries) {
            if (e != own && e.results == null && e.member.redis() == redis) {
                batch.add(e); // deferred plans of members already passed
            }
        }
        for (Member m : chain.members) {
            if (m != member && m.redis() == redis && m.batching() && !entered.contains(m) && !hasEntry(m)
                    && chain.mapped(m, request)) {
                ReadPlan<?> p = planFor(m);
                if (p != null && p.mayRunEarly()) {
                    Entry e = new Entry(m, p, record(p));
                    entries.add(e);
                    batch.add(e);
                }
            }
        }
        List<Plan<?>> plans = new ArrayList<>(batch.size());
        List<List<PlanSender.Command>> recorded = new ArrayList<>(batch.size());
        for (Entry e : batch) {
            plans.add(e.plan);
            recorded.add(e.commands);
        }
        Results results = redis.send(plans, recorded);
        for (Entry e : batch) {
            e.results = results;
        }
        @SuppressWarnings("unchecked")
        ReadPlan<T> sent = (ReadPlan<T>) own.plan;
        return results.get(sent);
    }

    private ReadPlan<?> planFor(Member m) {
        try {
            return m.planFor(request);
        } catch (RuntimeException e) {
            // a member that cannot say simply reads on its own when reached
            LOG.debug("filter '{}' could not plan ahead: {}", m.filterName(), e.toString());
            return null;
        }
    }

    private boolean hasEntry(Member m) {
        for (Entry e : entries) {
            if (e.member == m) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends the undo writes of plans sent early whose members were never reached, and the writes
     * deferred to a commit that never came (the request failed before).
     */
    private void finish() {
        if (chain == null) {
            return;
        }
        finished = true;
        request.removeAttribute(REQUEST_ATTRIBUTE);
        java.util.Map<SharedRedisClient, List<Plan<?>>> writes = null;
        List<Deferred<?>> deferred = pendingWrites;
        pendingWrites = null;
        if (deferred != null) {
            writes = new java.util.IdentityHashMap<>(2);
            List<Plan<?>> plans = new ArrayList<>(deferred.size());
            for (Deferred<?> d : deferred) {
                plans.add(d.plan());
            }
            writes.put(commitWriter.redis(), plans);
        }
        for (Entry e : entries) {
            if (!e.used && e.results != null && e.results.succeeded(e.plan)) {
                WritePlan<?> w = undo(e);
                if (w != null) {
                    if (writes == null) {
                        writes = new java.util.IdentityHashMap<>(2);
                    }
                    writes.computeIfAbsent(e.member.redis(), k -> new ArrayList<>(2)).add(w);
                }
            }
        }
        if (writes != null) {
            writes.forEach((redis, plans) -> {
                try {
                    Results results = redis.send(plans);
                    if (deferred != null && redis == commitWriter.redis()) {
                        report(deferred, results);
                    }
                } catch (RuntimeException e) {
                    // the breaker reports outages; locks expire by themselves
                    LOG.debug("writes left at the end of the request were not sent: {}", e.toString());
                }
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> WritePlan<?> undo(Entry e) {
        ReadPlan<T> p = (ReadPlan<T>) e.plan;
        return p.undo(e.results.get(p));
    }

    private static List<PlanSender.Command> record(Plan<?> plan) {
        return PlanSender.record(plan);
    }

    private static boolean same(List<PlanSender.Command> a, List<PlanSender.Command> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            PlanSender.Command x = a.get(i);
            PlanSender.Command y = b.get(i);
            if (x.kind() != y.kind() || x.script() != y.script() || !Arrays.deepEquals(x.keys(), y.keys())
                    || !Arrays.deepEquals(x.args(), y.args())) {
                return false;
            }
        }
        return true;
    }

    /** One plan in the batch: whose it is, and what it got once sent. */
    private static final class Entry {
        final Member member;
        final ReadPlan<?> plan;
        final List<PlanSender.Command> commands;
        Results results;
        boolean used;

        Entry(Member member, ReadPlan<?> plan, List<PlanSender.Command> commands) {
            this.member = member;
            this.plan = plan;
            this.commands = commands;
        }
    }

    /** The members of one context and their filter mappings (opaque outside this class). */
    public static final class Chain {
        final List<Member> members = new CopyOnWriteArrayList<>();
        private final ServletContext context;
        private final java.util.Map<Member, FilterMapping> mappings = new java.util.concurrent.ConcurrentHashMap<>();

        Chain(ServletContext context) {
            this.context = context;
        }

        boolean mapped(Member m, HttpServletRequest request) {
            return mappings.computeIfAbsent(m, k -> FilterMapping.of(context, k.filterName())).matches(request);
        }
    }
}

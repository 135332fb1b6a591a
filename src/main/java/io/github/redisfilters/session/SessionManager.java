package io.github.redisfilters.session;

import io.github.redisfilters.client.RedisUnavailableException;
import io.github.redisfilters.internal.client.RequestBatch;
import io.github.redisfilters.internal.client.Results;
import io.github.redisfilters.internal.client.WritePlan;
import io.github.redisfilters.internal.web.RequestCookies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The session of one request: which id the client sent, the lazy load (under the session's write
 * lock for requests that may write), creation, id changes, and the commit that writes the changes,
 * releases the lock and sets the cookie or header. The request wrapper ({@link SessionRequest})
 * only forwards the servlet API to it.
 */
final class SessionManager implements RedisSession.Owner {
    private static final long FIRST_PAUSE_MICROS = 500;
    private static final long MAX_PAUSE_MICROS = 20_000;

    private final SessionStore store;
    private final RedisSessionConfig config;
    private final HttpServletRequest request;
    private final boolean touch;
    private final boolean excluded;
    private final boolean lock;
    /**
     * Most well-formed ids of one request that are tried in turn when the first names no session
     * (a browser sends an older cookie of a wider or narrower path too): each costs a round trip.
     */
    static final int MAX_REQUESTED_IDS = 3;
    /** The well-formed id the client sent that is (being) loaded, or null; a later one when an earlier named no session. */
    private String requestedId;
    /** Raw value as sent (possibly garbage), or null; the id used once a later one was. */
    private String requestedRaw;
    /** The id came in {@code sessionIdHeader}, not in the cookie. */
    private final boolean fromHeader;
    /** Further well-formed ids of the session cookie, in the order sent (rarely any). */
    private final List<String> laterIds;
    private int laterIdsTried;
    private final List<String> pendingDeletes = new ArrayList<>();
    /** Encoded attributes as loaded (their sizes count toward maxSessionSize); sizes saved since then override them. */
    private Map<String, byte[]> storedRaw = Map.of();
    /** Stored sizes this request's saves changed (0 = removed), over {@link #storedRaw}; null before the first save. */
    private Map<String, Integer> savedSizes;
    private RedisSession current;
    private boolean loadAttempted;
    private boolean loadFailed;
    private boolean requestedFound;
    /** The lock this request holds (on {@link #lockedId}), or null. */
    private String lockToken;
    private String lockedId;
    /** A pure (pre-fetched) load found a touch due: it rides on the commit. */
    private boolean touchDue;
    /** The request batch this request's filter entered (batches nothing when batching is off). */
    private final RequestBatch.Scope batch;
    /** The load registered with the batch and not yet settled, and the lock token it asks for. */
    private SessionRepository.LoadPlan deferred;
    private String deferredToken;
    /** The settled reply of {@link #deferred} (null: no such session). */
    private SessionRepository.Loaded deferredReply;
    /** A save was refused for size: nothing more is written by this request. */
    private boolean refused;
    private String idWritten;

    SessionManager(HttpServletRequest request, SessionStore store, boolean touch, boolean excluded, RequestBatch.Scope batch) {
        this.store = store;
        this.batch = batch;
        this.config = store.config();
        this.request = request;
        this.touch = touch;
        this.excluded = excluded;
        this.lock = switch (config.locking()) {
            case OFF -> false;
            case ALL_METHODS -> true;
            case UNSAFE_METHODS -> !isSafe(request.getMethod());
        };
        String raw = null;
        String valid = null;
        boolean header = false;
        if (config.sessionIdHeader() != null) {
            String h = request.getHeader(config.sessionIdHeader());
            if (h != null && !h.isEmpty()) {
                raw = h;
                header = true;
                if (SessionIds.wellFormed(h)) {
                    valid = h;
                }
            }
        }
        List<String> later = List.of();
        if (valid == null) {
            // the first well-formed value of the cookie is loaded first; a browser may send an older
            // cookie of another path too, so the next ones are tried when it names no session
            String[] found = {raw, null};
            boolean[] cookieSeen = {false};
            List<String> more = new ArrayList<>(0);
            String name = config.cookieName();
            RequestCookies.forEach(request, (n, v) -> {
                if (!name.equals(n)) {
                    return true;
                }
                if (!cookieSeen[0] && found[0] == null) {
                    found[0] = v;
                }
                cookieSeen[0] = true;
                if (SessionIds.wellFormed(v)) {
                    if (found[1] == null) {
                        found[1] = v;
                    } else if (!found[1].equals(v) && !more.contains(v)) {
                        more.add(v);
                    }
                    return more.size() < MAX_REQUESTED_IDS - 1;
                }
                return true;
            });
            if (found[1] != null) {
                raw = found[1];
                valid = found[1];
                header = false;
                later = more;
            } else if (raw == null && cookieSeen[0]) {
                raw = found[0];
                header = false;
            }
        }
        this.requestedRaw = raw;
        this.requestedId = valid;
        this.fromHeader = header;
        this.laterIds = later;
    }

    static boolean isSafe(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method) || "TRACE".equals(method);
    }

    // ---- the servlet API, forwarded by SessionRequest ---------------------------------------

    /** Whether this request created a session (without loading one). */
    synchronized boolean startedHere() {
        RedisSession s = current;
        return s != null && !s.isInvalid() && s.isNew();
    }

    synchronized RedisSession getSession(boolean create) {
        if (excluded) {
            return null;
        }
        if (current != null && !current.isInvalid()) {
            return current;
        }
        if (!loadAttempted) {
            loadAttempted = true;
            load();
            if (current != null) {
                return current;
            }
        }
        if (!create) {
            return null;
        }
        if (loadFailed) {
            // the client has a session we could not read: a new one would replace (lose) it
            throw new SessionUnavailableException("session store unavailable", null);
        }
        long now = store.now();
        // sizes known of a session loaded (or saved) earlier in this request are not this one's
        storedRaw = Map.of();
        savedSizes = null;
        current = new RedisSession(store.context(), config.codec(), config.saveMode(), this, store.listeners(),
                store.ids().next(), null, now, now, store.defaultMaxInactiveSeconds(), null, Map.of());
        store.count("created");
        store.listeners().created(current);
        return current;
    }

    synchronized String changeSessionId() {
        RedisSession s = getSession(false);
        if (s == null) {
            throw new IllegalStateException("changeSessionId: the request has no session");
        }
        String newId = store.ids().nextKeepingTag(s.getId());
        s.changeId(newId);
        return newId;
    }

    /**
     * The id the client sent. With several well-formed ids (rare), the one whose session is used:
     * the session is loaded first, as {@link #isRequestedSessionIdValid()} would, so that both
     * name the same id whichever the application asks first.
     */
    synchronized String requestedRaw() {
        if (!laterIds.isEmpty() && !excluded) {
            getSession(false);
        }
        return requestedRaw;
    }

    synchronized boolean fromCookie() {
        return requestedRaw != null && !fromHeader;
    }

    synchronized boolean isRequestedSessionIdValid() {
        if (requestedId == null || excluded) {
            return false;
        }
        getSession(false);
        return requestedFound && current != null && !current.isInvalid() && requestedId.equals(current.getId());
    }

    @Override
    public synchronized void invalidated(RedisSession session) {
        store.count("invalidated");
        if (session.storedId() != null) {
            // its principal-index entry is pruned lazily (findByPrincipal drops ids that are gone)
            pendingDeletes.add(session.storedId());
        }
    }

    // ---- chain batching ------------------------------------------------------------------------

    /**
     * Registers this request's load with the request's batch, so that the first filter that needs
     * Redis sends it along: a pure read (the touch, when due, rides on the commit), under the
     * session's write lock for requests that lock. Nothing when the request has no session id or
     * gets no session. If nobody sends it before the application asks for its session,
     * {@link #getSession} loads as without batching.
     */
    synchronized void deferLoad() {
        if (requestedId == null || excluded || loadAttempted || !batch.batching()) {
            return;
        }
        String token = lock ? store.newLockToken() : null;
        deferred = store.repository().loadPlan(requestedId, store.now(), false, token, config.lockTimeout().toMillis());
        deferredToken = token;
        batch.defer(deferred);
    }

    /**
     * Takes the reply of the deferred load if a pipeline carried it, and notes the lock it took.
     * Returns true when {@code use} and the reply stands for this request's load (then in
     * {@link #deferredReply}); false when it was never sent (withdrawn now), failed, or found the
     * lock held by another request — the caller then loads by itself.
     */
    private boolean settleDeferred(boolean use) {
        SessionRepository.LoadPlan p = deferred;
        if (p == null) {
            return false;
        }
        deferred = null;
        Results r = batch.takeSent(p);
        if (!use && p.lockToken() == null) {
            return false; // a pure read nobody asked for: nothing to learn from it (not even parsed)
        }
        if (r == null || !r.succeeded(p)) {
            return false; // a lock a failed pipeline may have taken expires after lockTimeout
        }
        SessionRepository.Loaded l = r.get(p);
        if (l instanceof SessionRepository.Stored s && s.locked()) {
            lockToken = deferredToken; // ours now: the save (or commit) releases it
            lockedId = requestedId;
        }
        if (!use || l instanceof SessionRepository.Busy) {
            return false;
        }
        deferredReply = l;
        return true;
    }

    // ---- load ----------------------------------------------------------------------------------

    private void load() {
        if (requestedId == null) {
            return;
        }
        SessionRepository.Loaded loaded;
        String firstId = requestedId;
        String firstRaw = requestedRaw;
        try {
            loaded = settleDeferred(true) ? deferredReply : loadWaitingForLock();
            deferredReply = null;
            while (!(loaded instanceof SessionRepository.Stored) && nextRequestedId()) {
                loaded = loadWaitingForLock(); // an older cookie came first: try the next id sent
            }
        } catch (RedisUnavailableException e) {
            requestedId = firstId; // no session found under a later id: the first one sent is the requested one
            requestedRaw = firstRaw;
            store.count("errors");
            if (config.failureMode() == RedisSessionConfig.FailureMode.OPEN) {
                loadFailed = true;
                return;
            }
            throw new SessionUnavailableException("session store unavailable", e);
        }
        if (!(loaded instanceof SessionRepository.Stored stored)) {
            requestedId = firstId;
            requestedRaw = firstRaw;
            store.count("not.found");
            return;
        }
        touchDue = touch && stored.touchDue(); // a pure (batched) read only reports it; the commit writes it
        if (stored.corrupt()) {
            store.codecFailure("read", "(session metadata)", new IllegalStateException("corrupt session hash"));
            pendingDeletes.add(stored.id());
            return;
        }
        Set<String> unreadable = new LinkedHashSet<>();
        Map<String, Object> attributes = store.decode(stored.attributes(), unreadable);
        if (!unreadable.isEmpty() && config.unreadableAttribute() == RedisSessionConfig.UnreadableAttributePolicy.NEW_SESSION) {
            pendingDeletes.add(stored.id());
            return;
        }
        storedRaw = stored.attributes();
        RedisSession s = new RedisSession(store.context(), config.codec(), config.saveMode(), this, store.listeners(),
                stored.id(), stored.id(), stored.creationTime(), stored.lastAccessedTime(), stored.maxInactiveSeconds(),
                stored.principal(), attributes);
        unreadable.forEach(s::forget);
        requestedFound = true;
        current = s;
        store.count("loaded");
        s.activated();
        if (stored.indexRefresh() && stored.principal() != null) {
            index(stored.principal(), stored.id(), stored.maxInactiveSeconds());
        }
    }

    /** Moves on to the next well-formed id the client sent; false when there is none. */
    private boolean nextRequestedId() {
        if (laterIdsTried >= laterIds.size()) {
            return false;
        }
        requestedId = laterIds.get(laterIdsTried++);
        requestedRaw = requestedId;
        return true;
    }

    /**
     * Loads the session, taking its lock when this request locks; while another request holds
     * the lock, waits (polling with growing pauses, no round trip while paused) at most
     * {@code lockWait}, then answers 503 through {@link SessionLockedException}.
     */
    private SessionRepository.Loaded loadWaitingForLock() {
        String token = lock ? store.newLockToken() : null;
        long ttl = config.lockTimeout().toMillis();
        SessionRepository.Loaded l = store.repository().load(requestedId, store.now(), touch, token, ttl);
        if (!(l instanceof SessionRepository.Busy)) {
            holdIfLocked(l, token);
            return l;
        }
        if (!store.enterWait(requestedId)) {
            store.count("lock.timeouts");
            throw new SessionLockedException();
        }
        try {
            long deadline = System.nanoTime() + config.lockWait().toNanos();
            long pause = FIRST_PAUSE_MICROS;
            while (l instanceof SessionRepository.Busy) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    store.count("lock.timeouts");
                    throw new SessionLockedException();
                }
                long sleep = Math.min(TimeUnit.NANOSECONDS.toMicros(left), pause + ThreadLocalRandom.current().nextLong(pause));
                try {
                    TimeUnit.MICROSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SessionLockedException();
                }
                pause = Math.min(MAX_PAUSE_MICROS, pause * 2);
                l = store.repository().load(requestedId, store.now(), touch, token, ttl);
            }
            store.count("lock.waits");
            holdIfLocked(l, token);
            return l;
        } finally {
            store.exitWait(requestedId);
        }
    }

    private void holdIfLocked(SessionRepository.Loaded l, String token) {
        if (l instanceof SessionRepository.Stored s && s.locked()) {
            lockToken = token;
            lockedId = requestedId;
        }
    }

    // ---- commit --------------------------------------------------------------------------------

    /**
     * Writes pending deletions and the session's changes, releases the lock, then sets the cookie
     * (or header). Everything this needs goes to Redis in one pipelined round trip. Idempotent: a
     * second call writes only what changed since the first.
     *
     * @throws SessionUnavailableException when Redis cannot take the write
     * @throws SessionTooLargeException    when the save would exceed {@code maxSessionSize}
     *                                     (nothing was written)
     */
    synchronized void commit(HttpServletResponse response) {
        settleDeferred(false); // a lock the batched load took is released below even if the session went unused
        try {
            write();
        } catch (RedisUnavailableException e) {
            store.count("errors");
            throw new SessionUnavailableException("session store unavailable", e);
        } finally {
            writeId(response);
        }
    }

    /** Releases a lock this request still holds without saving (the request failed); never throws. */
    synchronized void abandon() {
        if (lockToken == null) {
            return;
        }
        try {
            store.repository().run(store.repository().releasePlan(lockedId, lockToken, false));
        } catch (RuntimeException e) {
            // the lock expires by itself after lockTimeout
        }
        lockToken = null;
    }

    private void write() {
        RedisSession s = current;
        Save save = null;
        SessionTooLargeException tooLarge = null;
        if (s != null && !s.isInvalid() && !refused) {
            try {
                save = prepareSave(s);
            } catch (SessionTooLargeException e) {
                tooLarge = e; // deletions and the lock release below still go out
            }
        }
        List<WritePlan<?>> plans = new ArrayList<>(3);
        for (String id : pendingDeletes) {
            boolean ours = id.equals(lockedId) && lockToken != null;
            plans.add(store.repository().releasePlan(id, ours ? lockToken : null, true));
            if (ours) {
                lockToken = null;
            }
        }
        pendingDeletes.clear();
        if (save != null) {
            plans.add(save.plan());
            if (save.indexNow()) {
                plans.add(store.repository().indexPlan(save.write().principal(), s.getId(), save.write().now(),
                        store.horizon(save.write().now(), s.getMaxInactiveInterval())));
            }
            if (save.write().lockToken() != null) {
                lockToken = null;
            }
        } else if (lockToken != null) {
            plans.add(store.repository().releasePlan(lockedId, lockToken, false));
            lockToken = null;
        }
        touchDue = false;
        // one round trip, with the writes later filters deferred to this commit (a cache invalidation)
        Results results = batch.write(plans);
        if (results != null) {
            SessionRepository.checked(results, plans);
        }
        if (tooLarge != null) {
            throw tooLarge;
        }
        if (save != null) {
            saved(s, save, results.get(save.plan()));
        }
    }

    /** What one commit writes for the session. */
    private record Save(SessionRepository.Write write, Set<String> names, Set<String> removals, boolean indexNow,
            Map<String, Integer> sizes, WritePlan<SessionRepository.Saved> plan) {
    }

    private Save prepareSave(RedisSession s) {
        String principal;
        boolean setPrincipal;
        if (config.principalAttribute() != null) {
            Object v = s.peek(config.principalAttribute());
            principal = v == null ? null : v.toString();
            setPrincipal = true;
        } else {
            Principal p = request.getUserPrincipal();
            principal = p == null ? null : p.getName();
            setPrincipal = principal != null;
        }
        boolean principalChanged = setPrincipal && !Objects.equals(principal, s.storedPrincipal());
        if (!s.hasChanges() && !principalChanged && !touchDue) {
            return null;
        }
        boolean holding = lockToken != null && s.storedId() != null && s.storedId().equals(lockedId);
        String stored = s.storedId();
        SessionRepository.SaveKind kind = stored == null ? SessionRepository.SaveKind.CREATE
                : stored.equals(s.getId()) ? SessionRepository.SaveKind.UPDATE : SessionRepository.SaveKind.REKEY;
        Set<String> names = s.namesToWrite();
        Set<String> removals = kind == SessionRepository.SaveKind.CREATE ? Set.of() : s.namesToRemove();
        Map<String, byte[]> values = new LinkedHashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        long size = kind == SessionRepository.SaveKind.CREATE ? 0 : storedSize();
        for (String name : names) {
            Object v = s.valueToWrite(name);
            if (v == null) {
                continue;
            }
            try {
                byte[] b = config.codec().encode(v);
                values.put(name, b);
                int n = nameBytes(name) + b.length;
                sizes.put(name, n);
                size += n - (kind == SessionRepository.SaveKind.CREATE ? 0 : storedSizeOf(name));
            } catch (RuntimeException e) {
                store.codecFailure("written", name, e);
            }
        }
        for (String r : removals) {
            size -= storedSizeOf(r);
        }
        if (size > config.maxSessionSize()) {
            refuse(size);
        }
        SessionRepository.Write w = new SessionRepository.Write(kind, s.getId(), stored, store.now(),
                s.getMaxInactiveInterval(), s.creationTimeUnchecked(), setPrincipal, principal, holding ? lockToken : null,
                values, removals);
        return new Save(w, names, removals, principalChanged && principal != null, sizes, store.repository().savePlan(w));
    }

    /** Stored size of one attribute (name and value) as far as this request knows; 0 when not stored. */
    private int storedSizeOf(String name) {
        Integer saved = savedSizes == null ? null : savedSizes.get(name);
        if (saved != null) {
            return saved;
        }
        byte[] raw = storedRaw.get(name);
        return raw == null ? 0 : nameBytes(name) + raw.length;
    }

    /** Stored size of the whole session as far as this request knows. */
    private long storedSize() {
        long n = 0;
        for (Map.Entry<String, byte[]> e : storedRaw.entrySet()) {
            if (savedSizes == null || !savedSizes.containsKey(e.getKey())) {
                n += nameBytes(e.getKey()) + e.getValue().length;
            }
        }
        if (savedSizes != null) {
            for (int v : savedSizes.values()) {
                n += v;
            }
        }
        return n;
    }

    /** Writes nothing of this request's changes (the lock is still released) and tells the filter (413). */
    private void refuse(long size) {
        refused = true;
        store.count("oversize");
        store.warnOnce("oversize", "a session save of {} bytes exceeds maxSessionSize ({} bytes): nothing of that request"
                + " was written, the stored session is unchanged, the client gets 413 (logged once)", size,
                config.maxSessionSize());
        throw new SessionTooLargeException(size, config.maxSessionSize());
    }

    private void saved(RedisSession s, Save save, SessionRepository.Saved result) {
        SessionRepository.Write w = save.write();
        if (result.lockLost()) {
            store.count("lock.expired");
            store.warnOnce("lock.expired", "a request held its session's lock longer than lockTimeout ({}); another request"
                    + " may have read the session meanwhile, and one of the two writes of an attribute may be lost (logged once)",
                    config.lockTimeout());
        }
        if (result.status() == -1) {
            // a 256-bit collision: astronomically unlikely, but never merge two sessions
            s.replaceId(w.kind() == SessionRepository.SaveKind.REKEY ? store.ids().nextKeepingTag(s.getId())
                    : store.ids().next());
            SessionRepository.Write again = new SessionRepository.Write(w.kind(), s.getId(), w.fromId(), w.now(),
                    w.maxInactiveSeconds(), w.creationTime(), w.setPrincipal(), w.principal(), null, w.attributes(),
                    w.removals());
            result = store.repository().save(again);
            if (save.indexNow()) {
                index(w.principal(), s.getId(), s.getMaxInactiveInterval());
            }
        }
        if (result.status() == 0) {
            s.markGone();
            store.count("gone");
            return;
        }
        s.saved(save.names(), save.removals(), s.getId());
        if (savedSizes == null) {
            savedSizes = new HashMap<>();
        }
        for (String r : save.removals()) {
            savedSizes.put(r, 0);
        }
        savedSizes.putAll(save.sizes());
        if (w.setPrincipal()) {
            s.principalSaved(w.principal());
        }
        store.count("saved");
        if (result.indexRefresh() && w.principal() != null && !save.indexNow()) {
            index(w.principal(), s.getId(), s.getMaxInactiveInterval());
        }
    }

    private void index(String principal, String id, int maxInactiveSeconds) {
        long now = store.now();
        try {
            store.repository().index(principal, id, now, store.horizon(now, maxInactiveSeconds));
        } catch (RedisUnavailableException e) {
            store.count("errors"); // the session works; only "find by principal" may miss it
        }
    }

    private static int nameBytes(String name) {
        return name.length() + 2; // "a:" + name; ASCII names are the rule, and this is a bound, not an exact count
    }

    // ---- the id on the response ------------------------------------------------------------------

    private void writeId(HttpServletResponse response) {
        if (response.isCommitted()) {
            return;
        }
        RedisSession s = current;
        String want;
        if (s != null && !s.isInvalid() && s.storedId() != null && s.storedId().equals(s.getId())) {
            want = s.getId();
        } else if (requestedRaw != null && (requestedId == null || loadAttempted && !loadFailed)) {
            want = ""; // the client's id names no (more) session: expire it
        } else {
            return;
        }
        String clientHas = idWritten != null ? idWritten : requestedRaw;
        if (want.equals(clientHas)) {
            return;
        }
        idWritten = want;
        String header = config.sessionIdHeader();
        if (header != null && (fromHeader || requestedRaw == null)) {
            response.setHeader(header, want);
        }
        if (!fromHeader) {
            response.addHeader("Set-Cookie", SessionCookies.header(config, request, store.proxies().isSecure(request), want));
        }
    }
}

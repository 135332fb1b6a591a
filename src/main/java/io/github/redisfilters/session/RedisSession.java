package io.github.redisfilters.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link HttpSession} one request sees: attributes decoded at load, changes recorded as
 * deltas, written by the request's {@link SessionManager} before the response commits. Binding,
 * attribute and lifecycle listeners are called as a container's own session calls them.
 */
final class RedisSession implements HttpSession {
    /** What the session needs from its request. */
    interface Owner {
        void invalidated(RedisSession session);
    }

    private final ServletContext servletContext;
    private final SessionAttributeCodec codec;
    private final RedisSessionConfig.SaveMode saveMode;
    private final Owner owner;
    private final SessionListeners listeners;
    private final long creationTime;
    private final long lastAccessedTime;
    private final boolean isNew;
    /** The principal recorded in Redis for this session, as far as this request knows. */
    private volatile String storedPrincipal;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Set<String> removed = ConcurrentHashMap.newKeySet();
    private volatile String id;
    /** The id under which the session is in Redis (null while new and unsaved). */
    private volatile String storedId;
    private volatile int maxInactiveInterval;
    private volatile boolean metadataChanged;
    private volatile boolean invalid;
    /** Set while invalidation runs its listeners, which may still use the session. */
    private volatile boolean destroying;
    private volatile boolean savedThisRequest;

    RedisSession(ServletContext servletContext, SessionAttributeCodec codec, RedisSessionConfig.SaveMode saveMode,
            Owner owner, SessionListeners listeners, String id, String storedId, long creationTime, long lastAccessedTime,
            int maxInactiveInterval, String loadedPrincipal, Map<String, Object> attributes) {
        this.servletContext = servletContext;
        this.listeners = listeners;
        this.codec = codec;
        this.saveMode = saveMode;
        this.owner = owner;
        this.id = id;
        this.storedId = storedId;
        this.isNew = storedId == null;
        this.creationTime = creationTime;
        this.lastAccessedTime = lastAccessedTime;
        this.maxInactiveInterval = maxInactiveInterval;
        this.storedPrincipal = loadedPrincipal;
        this.attributes.putAll(attributes);
    }

    @Override
    public long getCreationTime() {
        checkValid("getCreationTime");
        return creationTime;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public long getLastAccessedTime() {
        checkValid("getLastAccessedTime");
        return lastAccessedTime;
    }

    @Override
    public ServletContext getServletContext() {
        return servletContext;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        int v = Math.max(interval, 0);
        if (v != maxInactiveInterval) {
            maxInactiveInterval = v;
            metadataChanged = true;
        }
    }

    @Override
    public int getMaxInactiveInterval() {
        return maxInactiveInterval;
    }

    @Override
    public Object getAttribute(String name) {
        checkValid("getAttribute");
        Object v = attributes.get(name);
        if (v != null && saveMode == RedisSessionConfig.SaveMode.ON_GET) {
            changed.add(name);
        }
        return v;
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        checkValid("getAttributeNames");
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (name == null) {
            throw new IllegalArgumentException("attribute name must not be null");
        }
        checkValid("setAttribute");
        if (value == null) {
            removeAttribute(name);
            return;
        }
        codec.check(value);
        Object current = attributes.get(name);
        if (value != current && value instanceof HttpSessionBindingListener l) {
            l.valueBound(new HttpSessionBindingEvent(this, name, value));
        }
        Object old = attributes.put(name, value);
        changed.add(name);
        removed.remove(name);
        if (old != null && old != value && old instanceof HttpSessionBindingListener l) {
            l.valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
        if (old == null) {
            listeners.added(this, name, value);
        } else {
            listeners.replaced(this, name, old);
        }
    }

    @Override
    public void removeAttribute(String name) {
        checkValid("removeAttribute");
        Object old = attributes.remove(name);
        changed.remove(name);
        removed.add(name);
        if (old instanceof HttpSessionBindingListener l) {
            l.valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
        if (old != null) {
            listeners.removed(this, name, old);
        }
    }

    @Override
    public void invalidate() {
        checkValid("invalidate");
        if (destroying) {
            throw new IllegalStateException("invalidate: the session is already being invalidated");
        }
        destroying = true; // listeners may still read the session (Servlet spec: "about to be invalidated")
        try {
            listeners.destroyed(this);
            unbindAll();
        } finally {
            invalid = true;
            owner.invalidated(this);
        }
    }

    /** Removes every attribute with its unbind and attribute-removed events (invalidation). */
    private void unbindAll() {
        List<Map.Entry<String, Object>> values = new ArrayList<>(attributes.entrySet());
        attributes.clear();
        for (Map.Entry<String, Object> e : values) {
            if (e.getValue() instanceof HttpSessionBindingListener l) {
                try {
                    l.valueUnbound(new HttpSessionBindingEvent(this, e.getKey(), e.getValue()));
                } catch (RuntimeException ex) {
                    // one listener's failure must not keep the session alive
                }
            }
            listeners.removed(this, e.getKey(), e.getValue());
        }
    }

    /**
     * Ends a session that was invalidated elsewhere (another server, "log out everywhere"), for
     * the events only: destroyed, then each attribute unbound and removed. Nothing is written.
     */
    void destroyedElsewhere() {
        destroying = true;
        listeners.destroyed(this);
        unbindAll();
        invalid = true;
    }

    @Override
    public boolean isNew() {
        checkValid("isNew");
        return isNew;
    }

    private void checkValid(String method) {
        if (invalid) {
            throw new IllegalStateException(method + ": the session has been invalidated");
        }
    }

    // ---- used by the request wrapper ------------------------------------------------------

    boolean isInvalid() {
        return invalid;
    }

    /** Marks the session dead without callbacks (it was invalidated elsewhere or expired). */
    void markGone() {
        invalid = true;
    }

    String storedId() {
        return storedId;
    }

    String storedPrincipal() {
        return storedPrincipal;
    }

    void principalSaved(String principal) {
        storedPrincipal = principal;
    }

    long creationTimeUnchecked() {
        return creationTime;
    }

    /** Gives the session a new id and tells the id listeners. */
    void changeId(String newId) {
        String old = this.id;
        this.id = newId;
        listeners.idChanged(this, old);
    }

    /** A new id after a (practically impossible) collision at save: no event, the application never saw it. */
    void replaceId(String newId) {
        this.id = newId;
    }

    /** Value of an attribute without the on-get bookkeeping (for the principal). */
    Object peek(String name) {
        return attributes.get(name);
    }

    /** Records that an attribute read from Redis must be deleted there (it could not be decoded). */
    void forget(String name) {
        removed.add(name);
    }

    boolean hasChanges() {
        return storedId == null || !storedId.equals(id) || metadataChanged || !changed.isEmpty() || !removed.isEmpty()
                || saveMode == RedisSessionConfig.SaveMode.ALWAYS && !savedThisRequest;
    }

    /**
     * True when the next save must write every attribute (a new session, or save mode always); a
     * re-keyed session is renamed in Redis, so only its changes are written.
     */
    boolean needsFullWrite() {
        return storedId == null || saveMode == RedisSessionConfig.SaveMode.ALWAYS && !savedThisRequest;
    }

    /** Attribute names to write on the next save. */
    Set<String> namesToWrite() {
        return needsFullWrite() ? new LinkedHashSet<>(attributes.keySet()) : new LinkedHashSet<>(changed);
    }

    /** Current value of an attribute to write (null if it was removed meanwhile). */
    Object valueToWrite(String name) {
        Object v = attributes.get(name);
        if (v instanceof HttpSessionActivationListener l) {
            l.sessionWillPassivate(new HttpSessionEvent(this));
        }
        return v;
    }

    Set<String> namesToRemove() {
        return new LinkedHashSet<>(removed);
    }

    /** After a successful save: the session now lives under its current id and has no pending changes. */
    void saved(Set<String> written, Set<String> removals, String savedId) {
        changed.removeAll(written);
        removed.removeAll(removals);
        metadataChanged = false;
        storedId = savedId;
        savedThisRequest = true;
    }

    /** Calls {@code sessionDidActivate} on the values that want it (after a load). */
    void activated() {
        for (Object v : attributes.values()) {
            if (v instanceof HttpSessionActivationListener l) {
                l.sessionDidActivate(new HttpSessionEvent(this));
            }
        }
    }
}

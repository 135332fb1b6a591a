package io.github.redisfilters.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EventListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's session listeners — the instances its container made from {@code web.xml},
 * {@code @WebListener} and {@code ServletContext.addListener} — called the way the container's
 * own session manager calls them. The Servlet API offers no way to list a context's listeners,
 * so they are read from the container: Jetty 12 ({@code ServletContextHandler.getEventListeners()},
 * public API, any {@code eeN} environment) and Tomcat 10/11 ({@code StandardContext}'s
 * application listener arrays, reached through the context facade). On another container no
 * listener is found and one INFO line says so. A listener that throws is logged and the others
 * still run, as containers do.
 */
final class SessionListeners {
    private static final Logger LOG = LoggerFactory.getLogger(SessionListeners.class);
    static final SessionListeners NONE = new SessionListeners(List.of(), List.of(), List.of());

    private final List<HttpSessionListener> lifecycle;
    private final List<HttpSessionAttributeListener> attributes;
    private final List<HttpSessionIdListener> ids;

    SessionListeners(List<HttpSessionListener> lifecycle, List<HttpSessionAttributeListener> attributes,
            List<HttpSessionIdListener> ids) {
        this.lifecycle = List.copyOf(lifecycle);
        this.attributes = List.copyOf(attributes);
        this.ids = List.copyOf(ids);
    }

    /** The listeners of {@code context}'s application (none when the container is not known). */
    static SessionListeners of(ServletContext context) {
        List<Object> found = containerListeners(context);
        if (found == null) {
            LOG.info("session listeners: this container's listeners cannot be read ({}); HttpSessionListener, "
                    + "HttpSessionAttributeListener and HttpSessionIdListener are not called",
                    context == null ? "no context" : context.getClass().getName());
            return NONE;
        }
        List<HttpSessionListener> l = new ArrayList<>();
        List<HttpSessionAttributeListener> a = new ArrayList<>();
        List<HttpSessionIdListener> i = new ArrayList<>();
        for (Object o : found) {
            if (o instanceof HttpSessionListener x && !l.contains(x)) {
                l.add(x);
            }
            if (o instanceof HttpSessionAttributeListener x && !a.contains(x)) {
                a.add(x);
            }
            if (o instanceof HttpSessionIdListener x && !i.contains(x)) {
                i.add(x);
            }
        }
        return new SessionListeners(l, a, i);
    }

    boolean isEmpty() {
        return lifecycle.isEmpty() && attributes.isEmpty() && ids.isEmpty();
    }

    boolean hasLifecycle() {
        return !lifecycle.isEmpty();
    }

    void created(HttpSession s) {
        if (!lifecycle.isEmpty()) {
            HttpSessionEvent e = new HttpSessionEvent(s);
            each(lifecycle, x -> x.sessionCreated(e));
        }
    }

    /** In reverse order of declaration, as the specification asks of destruction events. */
    void destroyed(HttpSession s) {
        if (!lifecycle.isEmpty()) {
            HttpSessionEvent e = new HttpSessionEvent(s);
            List<HttpSessionListener> reversed = new ArrayList<>(lifecycle);
            java.util.Collections.reverse(reversed);
            each(reversed, x -> x.sessionDestroyed(e));
        }
    }

    void idChanged(HttpSession s, String oldId) {
        if (!ids.isEmpty()) {
            HttpSessionEvent e = new HttpSessionEvent(s);
            each(ids, x -> x.sessionIdChanged(e, oldId));
        }
    }

    void added(HttpSession s, String name, Object value) {
        if (!attributes.isEmpty()) {
            HttpSessionBindingEvent e = new HttpSessionBindingEvent(s, name, value);
            each(attributes, x -> x.attributeAdded(e));
        }
    }

    /** {@code old} is the replaced value, as the event carries it. */
    void replaced(HttpSession s, String name, Object old) {
        if (!attributes.isEmpty()) {
            HttpSessionBindingEvent e = new HttpSessionBindingEvent(s, name, old);
            each(attributes, x -> x.attributeReplaced(e));
        }
    }

    void removed(HttpSession s, String name, Object value) {
        if (!attributes.isEmpty()) {
            HttpSessionBindingEvent e = new HttpSessionBindingEvent(s, name, value);
            each(attributes, x -> x.attributeRemoved(e));
        }
    }

    private static <T> void each(List<T> listeners, Consumer<T> call) {
        for (T l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("session listener {} failed: {}", l.getClass().getName(), e.toString());
            }
        }
    }

    // ---- reading the container's listeners ---------------------------------------------------

    /** The context's listener instances, or null when the container is not one we can read. */
    static List<Object> containerListeners(ServletContext context) {
        if (context == null) {
            return null;
        }
        String type = context.getClass().getName();
        try {
            if (type.startsWith("org.eclipse.jetty.")) {
                return jetty(context);
            }
            if (type.startsWith("org.apache.catalina.")) {
                return tomcat(context);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("reading the session listeners of {} failed", type, e);
        }
        return null;
    }

    /** Jetty 12: {@code org.eclipse.jetty.eeN.servlet.ServletContextHandler}, public methods only. */
    private static List<Object> jetty(ServletContext context) throws ReflectiveOperationException {
        java.util.regex.Matcher ee = JETTY_ENVIRONMENT.matcher(context.getClass().getName());
        if (!ee.lookingAt()) {
            return null;
        }
        Class<?> handler = Class.forName(ee.group() + "servlet.ServletContextHandler", false,
                context.getClass().getClassLoader());
        Method of = handler.getMethod("getServletContextHandler", ServletContext.class);
        Object h = of.invoke(null, context);
        Object listeners = h.getClass().getMethod("getEventListeners").invoke(h);
        return listeners instanceof Collection<?> c ? new ArrayList<>(c) : null;
    }

    private static final java.util.regex.Pattern JETTY_ENVIRONMENT = java.util.regex.Pattern.compile("org\\.eclipse\\.jetty\\.ee\\d+\\.");

    /** Tomcat: facade → {@code ApplicationContext} → {@code StandardContext}'s listener arrays. */
    private static List<Object> tomcat(ServletContext context) throws ReflectiveOperationException {
        Object application = field(context, "context");
        Object standard = application == null ? null : field(application, "context");
        if (standard == null) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (String getter : new String[] {"getApplicationLifecycleListeners", "getApplicationEventListeners"}) {
            Object arr = standard.getClass().getMethod(getter).invoke(standard);
            if (arr instanceof Object[] a) {
                for (Object o : a) {
                    if (o instanceof EventListener) {
                        out.add(o);
                    }
                }
            }
        }
        return out;
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return null;
    }
}

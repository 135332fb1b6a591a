package io.github.redisfilters.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every session event into the context attribute {@value #EVENTS} (a plain list, so a
 * test reads it whichever class loader loaded this class: web.xml and {@code @WebListener}
 * deployments load it from {@code WEB-INF/classes}).
 */
@WebListener
public class RecordingListener implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {
    public static final String EVENTS = "test.session.events";

    @SuppressWarnings("unchecked")
    static List<String> events(ServletContext ctx) {
        synchronized (ctx) {
            Object o = ctx.getAttribute(EVENTS);
            if (o == null) {
                o = new ArrayList<String>();
                ctx.setAttribute(EVENTS, o);
            }
            return (List<String>) o;
        }
    }

    private static void record(HttpSessionEvent e, String what) {
        List<String> events = events(e.getSession().getServletContext());
        synchronized (events) {
            events.add(what);
        }
    }

    @Override
    public void sessionCreated(HttpSessionEvent e) {
        record(e, "created");
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent e) {
        // the session is still usable while it is being destroyed
        record(e, "destroyed user=" + e.getSession().getAttribute("user"));
    }

    @Override
    public void sessionIdChanged(HttpSessionEvent e, String oldSessionId) {
        record(e, "idChanged " + (oldSessionId.equals(e.getSession().getId()) ? "same" : "new"));
    }

    @Override
    public void attributeAdded(HttpSessionBindingEvent e) {
        record(e, "added " + e.getName() + "=" + e.getValue());
    }

    @Override
    public void attributeRemoved(HttpSessionBindingEvent e) {
        record(e, "removed " + e.getName() + "=" + e.getValue());
    }

    @Override
    public void attributeReplaced(HttpSessionBindingEvent e) {
        record(e, "replaced " + e.getName() + "=" + e.getValue());
    }
}

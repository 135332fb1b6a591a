package io.github.redisfilters.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.ContainerKind;
import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.ServletContainer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link OnCommitResponseWrapper} on real Jetty and Tomcat, one servlet per commit path: the hook
 * adds a header, so the client sees it only if the hook ran before the container committed the
 * response; a second header set after the commit path does not arrive, which shows that the path
 * really commits on that container (except {@code sendError} on Jetty, which lets headers through
 * until it writes the error page).
 */
@ParameterizedClass
@EnumSource(ContainerKind.class)
class OnCommitResponseWrapperIT {
    @Parameter
    ContainerKind kind;

    ServletContainer app;
    static final AtomicInteger fired = new AtomicInteger();

    @BeforeEach
    void start() {
        app = kind.start(ctx -> {
            ctx.addFilter("hook", new HookFilter()).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            ctx.addServlet("paths", new PathServlet()).addMapping("/p/*");
            ctx.addServlet("redirected", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().print("target");
                }
            }).addMapping("/target");
        });
        fired.set(0);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    static final class HookFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            OnCommitResponseWrapper wrapped = new OnCommitResponseWrapper((HttpServletResponse) response) {
                @Override
                protected void onResponseCommit() {
                    fired.incrementAndGet();
                    ((HttpServletResponse) getResponse()).setHeader("X-Hook", "before-commit");
                }
            };
            chain.doFilter(request, wrapped);
        }
    }

    static final class PathServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] ten = "0123456789".getBytes();
            switch (req.getPathInfo()) {
                case "/send-error" -> resp.sendError(409);
                case "/send-redirect" -> resp.sendRedirect(req.getContextPath() + "/target");
                case "/flush-buffer" -> {
                    resp.getWriter().print("x");
                    resp.flushBuffer();
                }
                case "/writer-flush" -> {
                    resp.getWriter().print("x");
                    resp.getWriter().flush();
                }
                case "/writer-close" -> {
                    resp.getWriter().print("x");
                    resp.getWriter().close();
                }
                case "/stream-flush" -> {
                    resp.getOutputStream().write(ten);
                    resp.getOutputStream().flush();
                }
                case "/stream-close" -> {
                    resp.getOutputStream().write(ten);
                    resp.getOutputStream().close();
                }
                case "/content-length" -> {
                    resp.setContentLength(10);
                    resp.getOutputStream().write(ten);
                }
                case "/buffer-full" -> {
                    resp.setBufferSize(1024);
                    byte[] big = new byte[resp.getBufferSize() * 4];
                    resp.getOutputStream().write(big);
                }
                default -> resp.getWriter().print("committed by the container after the chain");
            }
            // still inside the chain: a header set now is lost when the path above committed
            resp.setHeader("X-After", "too-late");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/send-error", "/send-redirect", "/flush-buffer", "/writer-flush", "/writer-close",
            "/stream-flush", "/stream-close", "/content-length", "/buffer-full"})
    void theHookRunsBeforeEachCommitPath(String path) {
        HttpResponse<String> r = Http.get(app.uri("/p" + path));
        assertThat(r.headers().firstValue("X-Hook")).as(kind + " " + path).hasValue("before-commit");
        if (!path.equals("/send-error")) { // Jetty lets headers through until it writes the error page
            assertThat(r.headers().firstValue("X-After")).as(kind + " " + path + " really committed").isEmpty();
        }
        assertThat(fired.get()).as("once").isEqualTo(1);
    }
}

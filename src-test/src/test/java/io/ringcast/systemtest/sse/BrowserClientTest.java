package io.ringcast.systemtest.sse;

import io.ringcast.test.Tokens;
import io.ringcast.test.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser client module ({@code /ringcast.js}) in headless Chromium, against a hub with JWT auth behind a proxy
 * that can cut every connection: typed events with their topic and private flag, a token hook that is asked again
 * after a 401, the reconnection states across a cut with no gap, the {@code reset} event, and a refusal that a retry
 * cannot fix closing the client.
 */
@Timeout(120)
class BrowserClientTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ALICE = Tokens.token("alice", List.of("orders/*"), List.of());
    private static final String[] PUBLISHER = {"Authorization", "Bearer " + Tokens.publisherOfPrivateEvents("svc")};
    private static TestServer server;
    private static DroppingProxy proxy;
    private static HeadlessBrowser browser;

    @BeforeAll
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    static void startBrowserAndServer() throws Exception
    {
        server = TestServer.start(c -> c.jwtSecret(Tokens.SECRET).historySize(8).retryMs(300));
        proxy = new DroppingProxy(server.port());
        browser = HeadlessBrowser.start(1024, 768);
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (browser != null)
        {
            browser.close();
        }
        if (proxy != null)
        {
            proxy.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    @BeforeEach
    void openAPageOfTheHub()
    {
        browser.driver.get("http://127.0.0.1:" + proxy.port() + "/healthz");
    }

    /** Imports the module and starts a client whose events, states and errors are logged in {@code window.log}. */
    private void startClient(final String options)
    {
        final Object started = browser.jsAsync(
            "const done = arguments[arguments.length - 1];" +
            "import('/ringcast.js').then(({ Ringcast }) => {" +
            "  const log = window.log = { states: [], all: [], created: [], untyped: [], resets: [], errors: []," +
            "    tokenCalls: 0 };" +
            "  const client = window.client = new Ringcast(" + options + ");" +
            "  client.on('state', s => log.states.push(s));" +
            "  client.on('*', e => log.all.push(e));" +
            "  client.on('created', e => log.created.push(e));" +
            "  client.on('message', e => log.untyped.push(e));" +
            "  client.on('reset', r => log.resets.push(r));" +
            "  client.on('error', e => log.errors.push(e));" +
            "  client.connect();" +
            "  done('started');" +
            "}).catch(e => done('import failed: ' + e));");
        assertEquals("started", started);
    }

    private long count(final String list)
    {
        return browser.number("return window.log." + list + ".length;");
    }

    private Object log(final String expression)
    {
        return browser.js("return window.log." + expression + ";");
    }

    private long openStates()
    {
        return browser.number("return window.log.states.filter(s => s === 'open').length;");
    }

    private double subscriptions()
    {
        return SlowClientTest.subscriptions(server.api());
    }

    @Test
    void shouldDeliverTypedEventsAskTheTokenHookAgainAfterA401AndResumeAcrossACut()
    {
        final String expired = Tokens.expired("alice", List.of("orders/*"));
        startClient("{ topics: 'orders/*', token: () => ++window.log.tokenCalls === 1 ? '" + expired + "' : " +
            "Promise.resolve('" + ALICE + "') }");
        Await.until(WAIT, "the client to open after refreshing its token", () -> openStates() >= 1,
            () -> log("states").toString() + " " + browser.js("return JSON.stringify(window.log.errors);"));
        assertEquals(401L, browser.number("return window.log.errors[0].status;"));
        assertEquals(true, log("errors[0].retrying"));
        assertEquals(List.of("connecting", "reconnecting", "open"), log("states"));
        assertTrue(browser.number("return window.log.tokenCalls;") >= 2);
        Await.until(WAIT, "the stream registered", () -> subscriptions() >= 1);

        final Api api = server.api();
        final List<String> ids = new ArrayList<>();
        ids.add(Long.toString(api.publish("orders/eu", "created", "{\"n\":1}", null, PUBLISHER)));
        ids.add(Long.toString(api.publish("orders/us", null, "[1,2]", null, PUBLISHER)));
        ids.add(Long.toString(api.publish("orders/eu", "note", "\"for alice\"", "alice", PUBLISHER)));
        api.publish("orders/eu", "note", "\"for bob\"", "bob", PUBLISHER);
        Await.until(WAIT, "three events", () -> count("all") >= 3, () -> log("all").toString());
        assertEquals(ids, log("all.map(e => e.id)"));
        assertEquals(List.of("orders/eu", 1L, false), log("created.map(e => [e.topic, e.data.n, e.private])[0]"));
        assertTrue((Boolean)browser.js("return typeof window.log.created[0].time === 'number' && " +
            "Math.abs(Date.now() - window.log.created[0].time) < 600000;"));
        assertEquals(List.of("orders/us", List.of(1L, 2L)), log("untyped.map(e => [e.topic, e.data])[0]"));
        assertEquals(List.of("note", true, "for alice"), log("all.map(e => [e.type, e.private, e.data])[2]"));

        assertTrue(proxy.dropAll() > 0, "the client's connection was cut");
        ids.add(Long.toString(api.publish("orders/eu", "created", "{\"n\":2}", null, PUBLISHER)));
        Await.until(WAIT, "the client to reconnect", () -> openStates() >= 2, () -> log("states").toString());
        assertTrue(((List<?>)log("states")).subList(3, 5).equals(List.of("reconnecting", "open")),
            "states: " + log("states"));
        ids.add(Long.toString(api.publish("orders/eu", "created", "{\"n\":3}", null, PUBLISHER)));
        Await.until(WAIT, "the events across the cut", () -> count("all") >= 5, () -> log("all").toString());
        assertEquals(ids, log("all.map(e => e.id)"), "no gap and no duplicate across the cut");
        assertEquals(ids.get(4), browser.js("return window.client.lastEventId;"));

        browser.js("window.client.close();");
        assertEquals("closed", browser.js("return window.client.state;"));
        Await.until(WAIT, "the server to drop the closed stream", () -> subscriptions() == 0);
    }

    @Test
    void shouldReopenWithAFreshTokenWhenTheHubEndsTheStreamAtTheTokensExpiry()
    {
        // expired 28 s ago: still inside the hub's 30 s clock-skew leeway, so the stream opens and ends 2 s later
        final String shortLived = Tokens.expiringIn(-28, "alice", List.of("orders/*"));
        startClient("{ topics: 'orders/*', token: () => ++window.log.tokenCalls === 1 ? '" + shortLived + "' : '" +
            ALICE + "' }");
        browser.js("window.client.on('token-expired', e => window.log.expired = e);");
        Await.until(WAIT, "the client to open", () -> openStates() >= 1, () -> log("states").toString());
        Await.until(WAIT, "the stream registered", () -> subscriptions() >= 1);
        final Api api = server.api();
        final List<String> ids = new ArrayList<>();
        ids.add(Long.toString(api.publish("orders/eu", "created", "{\"n\":1}", null, PUBLISHER)));
        Await.until(WAIT, "the token-expired event and a reopened stream",
            () -> browser.js("return window.log.expired;") != null && openStates() >= 2,
            () -> log("states").toString());
        assertEquals("token-expired", log("expired.reason"));
        assertEquals(2L, browser.number("return window.log.tokenCalls;"));
        assertEquals(List.of(), log("errors"), "no 401 round trip: the client asked for a fresh token at once");
        Await.until(WAIT, "the reopened stream registered", () -> subscriptions() >= 1);
        ids.add(Long.toString(api.publish("orders/eu", "created", "{\"n\":2}", null, PUBLISHER)));
        Await.until(WAIT, "the event after the reopen", () -> count("all") >= 2, () -> log("all").toString());
        assertEquals(ids, log("all.map(e => e.id)"));
        browser.js("window.client.close();");
        Await.until(WAIT, "the server to drop the closed stream", () -> subscriptions() == 0);
    }

    @Test
    void shouldSignalAResetWhenResumingFromAnIdOlderThanTheHistory()
    {
        final Api api = server.api();
        for (int i = 0; i < 12; i++)
        {
            api.publish("orders/old", null, Integer.toString(i), null, PUBLISHER);
        }
        startClient("{ topics: ['orders/*'], token: '" + ALICE + "', lastEventId: '1' }");
        Await.until(WAIT, "the reset", () -> count("resets") >= 1, () -> log("states").toString());
        assertEquals("history-gap", log("resets[0].reason"));
        assertEquals("1", log("resets[0].lastEventId"));
        Await.until(WAIT, "the retained events after the reset", () -> count("all") >= 8);
        assertEquals("orders/old", log("all[0].topic"));
        browser.js("window.client.close();");
        Await.until(WAIT, "the server to drop the closed stream", () -> subscriptions() == 0);
    }

    @Test
    void shouldCloseWithTheHubsReasonWhenARetryCannotHelp()
    {
        startClient("{ topics: 'orders/*/x*', token: '" + ALICE + "' }");
        Await.until(WAIT, "the refusal", () -> count("errors") >= 1);
        assertEquals(400L, browser.number("return window.log.errors[0].status;"));
        assertEquals("bad_request", log("errors[0].error"));
        assertEquals(false, log("errors[0].retrying"));
        Await.until(WAIT, "the client to close", () -> "closed".equals(browser.js("return window.client.state;")));
        assertEquals(List.of("connecting", "closed"), log("states"));
    }
}

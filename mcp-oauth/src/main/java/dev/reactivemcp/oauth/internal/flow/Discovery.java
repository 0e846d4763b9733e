package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The candidate walk shared by protected resource (RFC 9728) and authorization server (RFC 8414) discovery: a
 * candidate that answers an error status, redirects to another origin, answers something other than a JSON object,
 * or drops the connection is noted and the next one is tried; when none answers, the failure lists each URL and what
 * it answered, keeping the kind of a transient answer (5xx, 429, 408, timeout, connection).
 */
final class Discovery {

    private Discovery() { }

    /** The candidate's response when it is a JSON object; else empty, with what it answered noted in {@code attempts}. */
    static Mono<FlowHttp.Response> probe(FlowHttp http, String url, String what, Attempts attempts) {
        return http.getJson(url)
                .flatMap(response -> {
                    int status = response.status();
                    if (!response.isSuccess()) {
                        if (isTransient(status)) {
                            attempts.transientFailure(FlowErrors.httpStatus(what + " at " + url, response));
                        }
                        String location = response.headers().first("Location").orElse(null);
                        attempts.note(url, "HTTP " + status + (status >= 300 && status < 400 && location != null
                                ? " redirecting to another origin" : ""), status >= 300 && status < 400);
                        return Mono.<FlowHttp.Response>empty();
                    }
                    if (!isJsonObject(response, what)) {
                        attempts.note(url, "HTTP " + status + " with a body that is not a JSON object ("
                                + response.headers().first("Content-Type").orElse("no content type") + ")", true);
                        return Mono.<FlowHttp.Response>empty();
                    }
                    return Mono.just(response);
                })
                .onErrorResume(McpException.class, e -> {
                    boolean transientKind = isTransient(e.failure());
                    if (transientKind) {
                        attempts.transientFailure(e);
                    }
                    attempts.note(url, e.failure().describe(), !transientKind);
                    return Mono.empty();
                });
    }

    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private static boolean isTransient(McpFailure failure) {
        return failure instanceof McpFailure.ConnectionFailure || failure instanceof McpFailure.Timeout;
    }

    private static boolean isJsonObject(FlowHttp.Response response, String what) {
        try {
            response.jsonObject(what);
            return true;
        } catch (McpException e) {
            return false;
        }
    }

    /** What each candidate answered, in order; the first transient failure seen; whether anything answered wrongly. */
    static final class Attempts {
        private final List<String> tried = new ArrayList<>();
        private McpException transientFailure;
        private boolean answeredWrongly;

        synchronized void note(String url, String answer, boolean wrongAnswer) {
            tried.add(url + " -> " + answer);
            answeredWrongly |= wrongAnswer;
        }

        synchronized void transientFailure(McpException e) {
            if (transientFailure == null) {
                transientFailure = e;
            }
        }

        /** True when no candidate failed transiently. */
        synchronized boolean noTransientFailure() {
            return transientFailure == null;
        }

        /**
         * True when every candidate answered "not here" (a 4xx other than 408/429): no transient failure, no
         * document that is broken, no redirect to another origin.
         */
        synchronized boolean absentEverywhere() {
            return transientFailure == null && !answeredWrongly;
        }

        /** The typed failure: the transient kind when one was seen, else a protocol error; both list every URL. */
        synchronized McpException failure(String summary) {
            String listing = summary + "; tried " + String.join(", ", tried);
            if (transientFailure != null) {
                return new McpException(transientFailure.failure(), listing, transientFailure);
            }
            return new McpException(new McpFailure.ProtocolError(listing), listing, null);
        }
    }
}

package dev.reactivemcp.benchmarks.driver;

import java.util.List;
import java.util.Map;

/** Captured POSTs of this SDK, by JSON-RPC method. */
@FunctionalInterface
interface Posts {

    /** One POST as the SDK built it: headers and body bytes. */
    record Post(Map<String, List<String>> headers, byte[] body) { }

    /** The POST for {@code method}. */
    Post post(String method);
}
